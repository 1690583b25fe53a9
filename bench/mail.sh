#!/usr/bin/env bash
# Mail delivery benchmark: builds the release binary, starts it without
# SMTP on a fresh temporary SQLite database, queues 1,000 invitation emails
# through the API, stops it, then starts it again on the same database with
# SMTP_URL pointing at a local counting sink (aiosmtpd, installed in a venv
# under the cargo target folder) and times start-up to "sent: 1000" in the
# outbox stats. Then it leaves the server idle for 30 s and reads the CPU
# time it used from /proc. With BENCH_DATABASE_URL (a PostgreSQL URL whose
# role may create databases) it does the same again on a fresh database
# there. See bench/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

messages="${BENCH_MESSAGES:-1000}"
idle_secs="${BENCH_IDLE_SECS:-30}"
email="bench@example.org"
password="bench-password-123"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="$target/release/wla-mentorship"
venv="$target/bench-venv"

cargo build --release

if ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet aiosmtpd
fi

tmp="$(mktemp -d /tmp/wla-mail-bench.XXXXXX)"
server_pid=""
sink_pid=""
pg_admin_url=""
pg_db=""
# shellcheck disable=SC2317  # called by the EXIT trap and between runs
stop() {
    local pid="$1"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    fi
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop "$server_pid"
    stop "$sink_pid"
    if [[ -n "$pg_db" ]]; then
        psql "$pg_admin_url" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# CPU time (user + system) the process has used, in milliseconds.
clk_tck="$(getconf CLK_TCK)"
cpu_ms() {
    # Fields after the command name: state is 3, utime 14, stime 15.
    sed 's/^.*) //' "/proc/$1/stat" | awk -v hz="$clk_tck" '{ print ($12 + $13) * 1000 / hz }'
}

start_server() {
    "$bin" serve >>"$tmp/server.log" 2>&1 &
    server_pid=$!
}

wait_live() {
    for _ in $(seq 1 200); do
        if curl -fsS "http://$BIND_ADDR/health/live" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "the server exited:" >&2
            tail -n 20 "$tmp/server.log" >&2
            exit 1
        fi
        sleep 0.05
    done
    curl -fsS "http://$BIND_ADDR/health/live" >/dev/null
}

export JWT_SECRET="bench-only-secret-0123456789abcdef0123456789"
export LOGIN_RATE_PER_MINUTE=1000
export ACCESS_TOKEN_TTL_SECS=3600
export MAIL_FROM="WLA Mentorship <mentorship@example.org>"
export PUBLIC_BASE_URL="https://mentorship.example.org"

# One benchmark on one database: queue, deliver, idle.
bench() {
    local label="$1"
    export DATABASE_URL="$2"
    export BIND_ADDR="127.0.0.1:$(free_port)"
    local base="http://$BIND_ADDR"
    unset SMTP_URL
    echo "== $label"

    printf '%s\n' "$password" | "$bin" create-admin --email "$email" >"$tmp/create-admin.log" 2>&1 ||
        { cat "$tmp/create-admin.log" >&2; exit 1; }

    # 1. Queue the messages with no SMTP_URL: the dispatcher does not run.
    start_server
    wait_live
    python3 "$root/bench/mail_run.py" queue --base-url "$base" \
        --email "$email" --password "$password" \
        --messages "$messages" --token-file "$tmp/token"
    stop "$server_pid"
    server_pid=""

    # 2. The sink, then the server again with SMTP: time until all are sent.
    local sink_port
    sink_port="$(free_port)"
    "$venv/bin/python" "$root/bench/mail_sink.py" --port "$sink_port" \
        --count-file "$tmp/sink-count" >"$tmp/sink.log" 2>&1 &
    sink_pid=$!
    for _ in $(seq 1 100); do
        grep -q listening "$tmp/sink.log" && break
        sleep 0.05
    done
    grep -q listening "$tmp/sink.log" || { cat "$tmp/sink.log" >&2; exit 1; }

    export SMTP_URL="smtp://127.0.0.1:$sink_port?tls=none"
    local t0
    t0="$(date +%s.%N)"
    start_server
    python3 "$root/bench/mail_run.py" wait --base-url "$base" \
        --token-file "$tmp/token" --messages "$messages" --since "$t0" ||
        { tail -n 20 "$tmp/server.log" >&2; exit 1; }
    local busy
    busy="$(cpu_ms "$server_pid")"
    echo "server CPU time from start to the last message: ${busy} ms"

    # 3. Idle: nothing to send.
    if [[ "$idle_secs" -gt 0 ]]; then
        local before after
        before="$(cpu_ms "$server_pid")"
        sleep "$idle_secs"
        after="$(cpu_ms "$server_pid")"
        awk -v a="$before" -v b="$after" -v s="$idle_secs" 'BEGIN {
            used = b - a
            printf "idle %d s: %.0f ms of CPU time (%.3f%% of one core)\n", s, used, used / (s * 10)
        }'
    fi
    stop "$server_pid"
    server_pid=""
    stop "$sink_pid"
    sink_pid=""
    echo "the sink received $(cat "$tmp/sink-count") messages"
    if [[ "$(cat "$tmp/sink-count")" -ne "$messages" ]]; then
        echo "expected $messages" >&2
        exit 1
    fi
}

bench "SQLite" "sqlite://$tmp/bench.db?mode=rwc"

if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
    pg_admin_url="$BENCH_DATABASE_URL"
    pg_db="wla_mail_bench_$$"
    psql "$pg_admin_url" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $pg_db" >/dev/null
    bench "PostgreSQL" "${pg_admin_url%/*}/$pg_db"
fi
