#!/usr/bin/env bash
# End-to-end matching benchmark: builds the release binary, starts it on a
# fresh temporary SQLite database on 127.0.0.1:18181, creates an admin, runs
# bench/matching_run.py against it with SciPy's bare solve as the yardstick
# and a second, 4,000 x 2,000 cohort (extra arguments are passed on, e.g.
# --setup-only, --runs 3 or --big-runs 0) and stops the server; it prints
# PASS or FAIL for each target of issue #16. numpy and scipy are installed
# once in a venv ($BENCH_SCIPY_VENV, default /tmp/wla-scipy). See
# bench/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

addr="127.0.0.1:${BENCH_PORT:-18181}"
email="bench@example.org"
password="bench-password-123"
bin="${CARGO_TARGET_DIR:-$root/target}/release/wla-mentorship"

cargo build --release

venv="${BENCH_SCIPY_VENV:-/tmp/wla-scipy}"
if ! "$venv/bin/python" -c 'import numpy, scipy' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy scipy
fi

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
    --scipy-python "$venv/bin/python" \
    --big-runs 3 \
    "$@" || status=$?
if [[ $status -ne 0 ]]; then
    echo "last server log lines:" >&2
    tail -n 20 "$tmp/server.log" >&2
fi
exit "$status"
