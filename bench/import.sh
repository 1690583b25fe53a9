#!/usr/bin/env bash
# Import benchmark: builds the release binary, starts it on a fresh
# temporary SQLite database, and runs bench/import_run.py: 10,000 members
# imported from a CSV roster, 10,000 applications from a form export, the
# roster again (all unchanged), and the applications exported as CSV, each
# timed, with the latency of a GET read every 20 ms during each. Then the
# server's peak resident memory (VmHWM) from /proc. With
# BENCH_DATABASE_URL (a PostgreSQL URL whose role may create databases) it
# does the same again on a fresh database there. BENCH_ROWS changes the
# row count.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rows="${BENCH_ROWS:-10000}"
email="bench@example.org"
password="bench-password-123"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="$target/release/wla-mentorship"

cargo build --release

tmp="$(mktemp -d /tmp/wla-import-bench.XXXXXX)"
server_pid=""
pg_admin_url=""
pg_db=""
# shellcheck disable=SC2317  # called by the EXIT trap and between runs
stop() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop
    if [[ -n "$pg_db" ]]; then
        psql "$pg_admin_url" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

export JWT_SECRET="bench-only-secret-0123456789abcdef0123456789"
export LOGIN_RATE_PER_MINUTE=1000
export ACCESS_TOKEN_TTL_SECS=3600

bench() {
    local label="$1"
    export DATABASE_URL="$2"
    export BIND_ADDR="127.0.0.1:$(free_port)"
    echo "== $label"
    printf '%s\n' "$password" | "$bin" create-admin --email "$email" >"$tmp/create-admin.log" 2>&1 ||
        { cat "$tmp/create-admin.log" >&2; exit 1; }
    "$bin" serve >>"$tmp/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 200); do
        curl -fsS "http://$BIND_ADDR/health/live" >/dev/null 2>&1 && break
        sleep 0.05
    done
    python3 "$root/bench/import_run.py" --base-url "http://$BIND_ADDR" \
        --email "$email" --password "$password" --rows "$rows" --pid "$server_pid" ||
        { tail -n 20 "$tmp/server.log" >&2; exit 1; }
    awk '/VmHWM|VmRSS/ { printf "server %s %.0f MiB\n", $1, $2 / 1024 }' "/proc/$server_pid/status"
    stop
}

bench "SQLite" "sqlite://$tmp/bench.db?mode=rwc"

if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
    pg_admin_url="$BENCH_DATABASE_URL"
    pg_db="wla_import_bench_$$"
    psql "$pg_admin_url" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $pg_db" >/dev/null
    bench "PostgreSQL" "${pg_admin_url%/*}/$pg_db"
fi
