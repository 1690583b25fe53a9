"""The API side of bench/import.sh (Python 3 standard library only).

    python3 import_run.py --base-url URL --email E --password P --rows 10000

Signs in as the admin, then:
1. imports --rows members from a generated CSV roster (POST
   /members/import), timing the request, while another thread reads
   GET /members?per_page=1 every 20 ms and records each read's latency;
2. creates and opens a cycle and imports one application per member (half
   mentors, half mentees) from a generated form export (POST
   /cycles/{id}/applications/import), with the same reader running;
3. imports the roster again (all unchanged) and exports the applications
   as CSV (GET /cycles/{id}/applications?format=csv).
Prints one line per step: wall time and the reader's latencies.
"""
import argparse
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request


def call(base, method, path, token=None, body=None, content_type=None, timeout=300):
    data = body
    if isinstance(body, dict):
        data = json.dumps(body).encode()
        content_type = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            raw = res.read()
            kind = res.headers.get("Content-Type", "")
            return res.status, json.loads(raw) if "json" in kind else raw
    except urllib.error.HTTPError as e:
        return e.code, e.read()[:2000]


def expect(answer, status=200):
    if answer[0] != status:
        sys.exit(f"unexpected answer: {answer[0]} {answer[1]!r}")
    return answer[1]


class Reader(threading.Thread):
    """Reads a list every 20 ms until stopped, keeping each latency."""

    def __init__(self, base, token):
        super().__init__(daemon=True)
        self.base, self.token = base, token
        self.latencies, self.done = [], threading.Event()

    def run(self):
        while not self.done.is_set():
            t = time.perf_counter()
            expect(call(self.base, "GET", "/api/v1/members?per_page=1", self.token))
            self.latencies.append((time.perf_counter() - t) * 1000)
            time.sleep(0.02)

    def summary(self):
        lat = sorted(self.latencies)
        if not lat:
            return "no reads"
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        return (f"{len(lat)} concurrent GETs: median {statistics.median(lat):.0f} ms, "
                f"p95 {p95:.0f} ms, max {lat[-1]:.0f} ms")


def peak_mib(pid):
    """The server's peak resident size (VmHWM) in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak(pid):
    """Starts VmHWM again from the current resident size (Linux)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def timed(base, token, label, method, path, body, content_type, pid=None):
    measured = pid is not None and reset_peak(pid)
    reader = Reader(base, token)
    reader.start()
    time.sleep(0.1)
    t = time.perf_counter()
    answer = expect(call(base, method, path, token, body, content_type))
    elapsed = time.perf_counter() - t
    reader.done.set()
    reader.join()
    counts = ""
    if isinstance(answer, dict):
        counts = (f" (created {answer['created']}, updated {answer['updated']}, "
                  f"unchanged {answer['unchanged']}, errors {len(answer['errors'])})")
    peak = f"; server peak {peak_mib(pid):.0f} MiB" if measured else ""
    print(f"{label}: {elapsed:.2f} s{counts}; {reader.summary()}{peak}", flush=True)
    return answer


def roster(rows):
    lines = ["Email Address,Full name,Membership status,WLA member id,Membership expires"]
    lines += [f"bench-{i}@example.org,Bench Member {i},active,WLA-{i},2030-06-30" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def applications(rows):
    lines = ["Email Address,I want to,Library types,Career stage,Region,Meeting modes,"
             "Matching preference,Why are you interested,Interests,Current role,"
             "Years of experience,How would you support a mentee,Number of mentees,"
             "Learning goals,Career goals,Library school"]
    regions = ["Puget Sound", "Spokane", "Olympia", "Tri-Cities"]
    for i in range(rows):
        region = regions[i % len(regions)]
        if i % 2:
            lines.append(f"bench-{i}@example.org,Mentor,\"Academic, Public\",Senior,{region},"
                         f"\"Online, In person\",Career,To give back,\"instruction; outreach\","
                         f"Librarian {i},{5 + i % 30},Monthly calls,{1 + i % 3},,,")
        else:
            lines.append(f"bench-{i}@example.org,Mentee,Public,Student,{region},Online,Both,"
                         f"New to the field,\"cataloging; youth\",,,,,Everything,A first post,Enrolled")
    return ("\n".join(lines) + "\n").encode()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base-url", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--rows", type=int, default=10000)
    p.add_argument("--pid", type=int, help="the server's pid: its peak memory during each step")
    args = p.parse_args()
    base = args.base_url.rstrip("/")
    token = expect(call(base, "POST", "/api/v1/auth/login", body={
        "email": args.email, "password": args.password}))["access_token"]

    members = roster(args.rows)
    print(f"roster file: {len(members) / 1e6:.2f} MB", flush=True)
    timed(base, token, f"import {args.rows} members", "POST", "/api/v1/members/import", members, "text/csv", args.pid)

    cycle = expect(call(base, "POST", "/api/v1/cycles", token, {
        "name": f"Bench {time.time()}", "description": "Import benchmark.",
        "applications_open_at": "2024-09-01T00:00:00Z", "applications_close_at": "2024-09-30T23:59:59Z",
        "match_by": "2024-10-15", "mentoring_starts_on": "2024-10-15",
        "mentoring_ends_on": "2025-04-15", "evaluation_closes_on": "2025-05-15",
        "meetings_expected": 6}), 201)
    expect(call(base, "POST", f"/api/v1/cycles/{cycle['id']}/transition", token, {"to": "open"}))
    apps = applications(args.rows)
    print(f"applications file: {len(apps) / 1e6:.2f} MB", flush=True)
    timed(base, token, f"import {args.rows} applications", "POST",
          f"/api/v1/cycles/{cycle['id']}/applications/import", apps, "text/csv", args.pid)
    timed(base, token, f"re-import {args.rows} members", "POST", "/api/v1/members/import", members, "text/csv", args.pid)
    csv = timed(base, token, f"export {args.rows} applications as CSV", "GET",
                f"/api/v1/cycles/{cycle['id']}/applications?format=csv", None, None, args.pid)
    print(f"  export size: {len(csv) / 1e6:.2f} MB", flush=True)


if __name__ == "__main__":
    main()
