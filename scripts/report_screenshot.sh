#!/usr/bin/env bash
# Looks at the public report the way a visitor's browser does: loads the
# demo (`wla-mentorship demo`) into a fresh SQLite file, serves it, and
# takes headless Chromium screenshots of the demo cycle's page
# (GET /api/v1/cycles/{id}/report/public.html) and of each chart
# (GET /api/v1/cycles/{id}/report/charts/{name}.svg). It also checks that
# the page's figures are the public JSON's.
#
#   scripts/report_screenshot.sh [OUT_DIR]     # default target/report-screenshots
#
# Needs Chromium (Debian: apt-get install -y chromium) and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=${1:-target/report-screenshots}
PORT=${PORT:-18089}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[[ -n "$CHROMIUM" ]] || { echo "Chromium not found: apt-get install -y chromium" >&2; exit 1; }

mkdir -p "$OUT"
work=$(mktemp -d)
server_pid=
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cargo build -q
bin=${CARGO_TARGET_DIR:-target}/debug/wla-mentorship
export DATABASE_URL="sqlite://$work/demo.db?mode=rwc" BIND_ADDR="127.0.0.1:$PORT" RUST_LOG=warn
"$bin" demo > "$work/demo.log"
"$bin" > "$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
    curl -fs "$base/health/live" > /dev/null 2>&1 && break
    sleep 0.1
done

cycle_id=$(curl -fs "$base/api/v1/cycles?per_page=100" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
demo = [c for c in items if "demo" in c["name"].lower()] or items
print(demo[0]["id"])')
page="$base/api/v1/cycles/$cycle_id/report/public.html"
echo "page: $page"

shoot() { # URL FILE WIDTH HEIGHT
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --window-size="$3,$4" --screenshot="$2" "$1" > /dev/null 2>&1
    echo "screenshot: $2"
}
shoot "$page" "$OUT/public-report.png" 1000 2600
for chart in responses outcomes overall-rating match-rating; do
    shoot "$base/api/v1/cycles/$cycle_id/report/charts/$chart.svg" "$OUT/chart-$chart.png" 660 420
done

# The page's figures are the public JSON's.
curl -fs "$page" > "$work/page.html"
curl -fs "$base/api/v1/cycles/$cycle_id/report/public" > "$work/report.json"
python3 - "$work/page.html" "$work/report.json" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
report = json.load(open(sys.argv[2]))
rows = {m.group(1): dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', m.group(0)))
        for m in re.finditer(r'<tr data-figure="([a-z_]+)"[^>]*>', html)}
checked = 0
for key, row in rows.items():
    fig = report["meetings"][key] if key == "pairs_meeting_expectation" else report[key]
    if "data-percent" in row:
        assert float(row["data-percent"]) == fig["percent"], key
        assert int(row["data-numerator"]) == fig["numerator"], key
        assert int(row["data-denominator"]) == fig["denominator"], key
        checked += 1
    elif "data-mean" in row:
        assert float(row["data-mean"]) == fig["mean"], key
        checked += 1
    elif row.get("data-suppressed") == "true":
        assert fig["suppressed"], key
        checked += 1
print(f"{checked} figures on the page equal the public JSON")
PY
