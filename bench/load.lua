-- wrk script of bench/load.sh: adds the bearer token from WLA_TOKEN (when
-- set) and prints one machine-readable line at the end:
--   RESULT <requests/s> <p99 ms> <p50 ms> <requests> <non-2xx or socket errors>
local token = os.getenv("WLA_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local errors = e.status + e.connect + e.read + e.write + e.timeout
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d\n",
    summary.requests / secs, latency:percentile(99) / 1000,
    latency:percentile(50) / 1000, summary.requests, errors))
end
