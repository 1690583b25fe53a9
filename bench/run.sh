#!/usr/bin/env bash
# End-to-end matching benchmark: builds the release binary, starts it on a
# fresh temporary SQLite database on 127.0.0.1:18181, creates an admin, runs
# bench/matching_run.py against it (extra arguments are passed on, e.g.
# --setup-only or --runs 3) and stops the server. See bench/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

addr="127.0.0.1:${BENCH_PORT:-18181}"
email="bench@example.org"
password="bench-password-123"
bin="${CARGO_TARGET_DIR:-$root/target}/release/wla-mentorship"

cargo build --release

tmp="$(mktemp -d /tmp/wla-bench.XXXXXX)"
server_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$tmp/bench.db?mode=rwc"
export BIND_ADDR="$addr"
export JWT_SECRET="bench-only-secret-0123456789abcdef0123456789"
export LOGIN_RATE_PER_MINUTE=1000
export ACCESS_TOKEN_TTL_SECS=3600

printf '%s\n' "$password" | "$bin" create-admin --email "$email" >"$tmp/create-admin.log" 2>&1 ||
    { cat "$tmp/create-admin.log" >&2; exit 1; }

"$bin" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 100); do
    if curl -fsS "http://$addr/health/live" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "the server exited:" >&2
        tail -n 20 "$tmp/server.log" >&2
        exit 1
    fi
    sleep 0.2
done
curl -fsS "http://$addr/health/live" >/dev/null

echo "server pid $server_pid on http://$addr (database $tmp/bench.db)"
status=0
python3 "$root/bench/matching_run.py" \
    --base-url "http://$addr" \
    --email "$email" \
    --password "$password" \
    --pid "$server_pid" \
    "$@" || status=$?
if [[ $status -ne 0 ]]; then
    echo "last server log lines:" >&2
    tail -n 20 "$tmp/server.log" >&2
fi
exit "$status"
