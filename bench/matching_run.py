#!/usr/bin/env python3
"""End-to-end benchmark of a matching run through the HTTP API.

Against a running (release) server it logs in as an admin, creates and opens
a cycle, creates members, submits their applications as the committee
(mentors and mentees), moves the cycle to matching, accepts every
application, then times POST /api/v1/cycles/{id}/matching-runs with body {}
several times and prints each wall time, the median, the number of
proposals and, with --pid, the server's resident memory: at start (idle),
after the runs, and its peak (VmHWM) during each run. With --scipy-python
it also times SciPy's bare linear_sum_assignment on a random 2,000 x 2,000
matrix (bench/scipy_lap.py) in the same run; with --big-runs a second,
4,000 x 2,000 cohort; and it prints PASS or FAIL for each target of
issue #16.

Python 3 standard library only. Every request uses the admin's token; the
setup runs on a thread pool. See bench/README.md.
"""
import argparse
import concurrent.futures
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

INTERESTS = [
    "instruction", "outreach", "reference", "cataloging", "youth services",
    "collection development", "digital literacy", "management", "archives",
    "data services", "equity and inclusion", "programming",
    "technical services", "grant writing", "community engagement",
    "information literacy", "metadata", "open access",
    "scholarly communication", "readers advisory", "makerspaces",
    "early literacy", "teen services", "systems", "preservation",
    "leadership", "assessment", "accessibility", "law librarianship",
    "health sciences",
]
REGIONS = [
    "Puget Sound", "Olympic Peninsula", "Southwest Washington",
    "North Cascades", "Central Washington", "Eastern Washington",
    "Columbia Basin", "Palouse",
]
IDENTITY_TAGS = [
    "first-generation", "bipoc", "lgbtq+", "disabled", "veteran", "rural",
    "immigrant", "parent",
]
TOWNS = [
    "Seattle", "Tacoma", "Spokane", "Vancouver", "Bellevue", "Everett",
    "Olympia", "Bellingham", "Yakima", "Kennewick", "Renton", "Kent",
    "Redmond", "Kirkland", "Pasco", "Richland", "Wenatchee", "Walla Walla",
    "Pullman", "Ellensburg", "Port Angeles", "Aberdeen", "Longview",
    "Mount Vernon", "Anacortes", "Bremerton", "Puyallup", "Lacey",
    "Moses Lake", "Centralia", "Chelan", "Omak", "Colville", "Sequim",
    "Shelton", "Lynden", "Ferndale", "Issaquah", "Tumwater", "Cheney",
]
EMPLOYERS = [
    f"{t} {k}" for t in TOWNS for k in (
        "Public Library", "County Library District", "College Library",
        "School District", "Historical Society")
]
LIBRARY_TYPES = [
    ("public", 30), ("academic", 25), ("school", 15), ("special", 8),
    ("government", 5), ("medical", 5), ("archives", 5), ("law", 4),
    ("tribal", 2), ("other", 1),
]


class ApiError(Exception):
    pass


class Client:
    """JSON over urllib with the admin's bearer token; logs in again when
    the access token expires (401)."""

    def __init__(self, base_url, email, password, timeout):
        self.base = base_url.rstrip("/")
        self.email = email
        self.password = password
        self.timeout = timeout
        self.token = None
        self.generation = 0
        self.lock = threading.Lock()

    def raw(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def login(self, seen_generation=None):
        with self.lock:
            if seen_generation is not None and seen_generation != self.generation:
                return  # another thread already logged in again
            status, body = self.raw(
                "POST", "/api/v1/auth/login",
                {"email": self.email, "password": self.password})
            if status != 200:
                raise ApiError(f"login: {status} {body[:500]!r}")
            self.token = json.loads(body)["access_token"]
            self.generation += 1

    def call(self, method, path, body=None, expect=(200, 201)):
        status, parsed, _ = self.timed_call(method, path, body, expect)
        return status, parsed

    def timed_call(self, method, path, body=None, expect=(200, 201)):
        """call(), also returning the seconds from sending the request to
        the answer's last byte (the successful attempt only; the client's
        JSON parsing is not counted)."""
        for attempt in range(6):
            generation, token = self.generation, self.token
            try:
                start = time.perf_counter()
                status, raw = self.raw(method, path, body, token)
                took = time.perf_counter() - start
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                if attempt == 5:
                    raise ApiError(f"{method} {path}: {e}") from e
                time.sleep(0.2 * 2 ** attempt)
                continue
            if status == 401 and attempt < 5:
                self.login(generation)
                continue
            if status in (429, 503) and attempt < 5:
                time.sleep(0.2 * 2 ** attempt)
                continue
            if status not in expect:
                raise ApiError(f"{method} {path}: {status} {raw[:500]!r}")
            return status, (json.loads(raw) if raw else None), took
        raise AssertionError("unreachable")


def weighted(rng, items):
    return rng.choices([v for v, _ in items], [w for _, w in items])[0]


def skewed(rng, n, pool):
    out = []
    while len(out) < n:
        v = pool[min(rng.randrange(len(pool)), rng.randrange(len(pool)))]
        if v not in out:
            out.append(v)
    return out


def form(rng, member_id, mentor, capacity):
    """An application like the examples in src/api/applications/form.rs."""
    types = []
    for _ in range(rng.randint(1, 3 if mentor else 2)):
        t = weighted(rng, LIBRARY_TYPES)
        if t not in types:
            types.append(t)
    consent = rng.random() < 0.3
    tags = skewed(rng, rng.randint(1, 2), IDENTITY_TAGS) \
        if consent or rng.random() < 0.1 else []
    modes = weighted(rng, [(["online"], 65), (["online", "in_person"], 25),
                           (["in_person"], 10)])
    f = {
        "member_id": member_id,
        "role": "mentor" if mentor else "mentee",
        "library_types": types,
        "interests": skewed(rng, rng.randint(2, 6), INTERESTS),
        "career_stage": weighted(rng, [
            ("senior", 35), ("mid_career", 50), ("early_career", 10),
            ("career_changer", 5)] if mentor else [
            ("student", 45), ("early_career", 35), ("career_changer", 15),
            ("mid_career", 5)]),
        "region": skewed(rng, 1, REGIONS)[0],
        "meeting_modes": modes,
        "availability": rng.choice(["Weekday afternoons", "Evenings",
                                    "Weekends", "Flexible"]),
        "matching_preference": weighted(rng, [
            ("career", 40), ("both", 25), ("none", 25), ("identity", 10)]),
        "identity_tags": tags,
        "identity_consent": consent,
        "employer": skewed(rng, 1, EMPLOYERS)[0]
        if mentor or rng.random() < 0.75 else "",
        "pronouns": rng.choice(["she/her", "he/him", "they/them", ""]),
        "answers": [],
    }
    if mentor:
        f.update({
            "current_role": rng.choice(["Instruction Librarian",
                                        "Branch Manager", "Archivist",
                                        "Teacher Librarian",
                                        "Metadata Librarian"]),
            "years_experience": rng.randint(4, 35),
            "past_experience": "Reference, then instruction and outreach.",
            "support_approach": "Monthly conversations, reviewing applications "
                                "and cover letters, introductions.",
            "motivation": "I had great mentors and want to pass it on.",
            "capacity": capacity,
        })
    else:
        f.update({
            "learning_goals": "What the day-to-day work is like.",
            "career_goals": "A librarian position after my MLIS.",
            "motivation": "I am new to the field in Washington.",
            "library_school": rng.choice(["none", "considering", "enrolled",
                                          "graduated"]),
        })
    return f


def reset_peak(pid):
    """Resets the process's VmHWM to its current RSS (Linux 4.0+)."""
    with open(f"/proc/{pid}/clear_refs", "w") as fh:
        fh.write("5")


def vm_hwm_kib(pid):
    """Peak resident set size (VmHWM) and current RSS of a process, KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0])
    return out.get("VmHWM"), out.get("VmRSS")


def phase(name, pool, fn, items):
    start = time.perf_counter()
    results = list(pool.map(fn, items))
    took = time.perf_counter() - start
    print(f"{name}: {len(items)} in {took:.1f} s "
          f"({len(items) / took:.0f}/s)", flush=True)
    return results


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base-url",
                   default=os.environ.get("WLA_BASE_URL", "http://127.0.0.1:8080"))
    p.add_argument("--email", default=os.environ.get("WLA_ADMIN_EMAIL"))
    p.add_argument("--password", default=os.environ.get("WLA_ADMIN_PASSWORD"))
    p.add_argument("--mentors", type=int, default=1000)
    p.add_argument("--mentees", type=int, default=2000)
    p.add_argument("--capacity", type=int, default=2)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds allowed per request")
    p.add_argument("--pid", type=int,
                   help="server process id: report its peak RSS (VmHWM)")
    p.add_argument("--scipy-python",
                   help="a Python with numpy and scipy: also time SciPy's "
                        "linear_sum_assignment (bench/scipy_lap.py)")
    p.add_argument("--scipy-repeats", type=int, default=5)
    p.add_argument("--big-mentors", type=int, default=2000)
    p.add_argument("--big-mentees", type=int, default=4000)
    p.add_argument("--big-runs", type=int, default=0,
                   help="also time this many runs on a second, bigger "
                        "cohort (--big-mentees x --big-mentors)")
    p.add_argument("--cycle-id",
                   help="time runs on this cycle, already set up (by an "
                        "earlier --setup-only on the same database), "
                        "instead of seeding a new one")
    p.add_argument("--setup-only", action="store_true",
                   help="stop after accepting the applications")
    p.add_argument("--accept", action="store_true",
                   help="also time accepting the last run (every proposal "
                        "becomes a proposed match) and publishing them all")
    args = p.parse_args()
    if not args.email or not args.password:
        p.error("give --email and --password "
                "(or WLA_ADMIN_EMAIL and WLA_ADMIN_PASSWORD)")

    idle = None
    if args.pid:
        # Before the first request: the server as it starts.
        idle = vm_hwm_kib(args.pid)[1]
        print(f"server idle after start: VmRSS {idle / 1024:.1f} MiB", flush=True)
    api = Client(args.base_url, args.email, args.password, args.timeout)
    api.login()
    rng = random.Random(args.seed)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
    if args.cycle_id:
        cid = args.cycle_id
    else:
        cid = setup(api, args, rng, stamp, args.mentors, args.mentees)
    if args.setup_only:
        return

    scipy_median = None
    if args.scipy_python:
        here = os.path.dirname(os.path.abspath(__file__))
        out = subprocess.run(
            [args.scipy_python, os.path.join(here, "scipy_lap.py"), "--json",
             "--repeats", str(args.scipy_repeats)],
            check=True, capture_output=True, text=True).stdout
        scipy = json.loads(out)
        scipy_median = scipy["median"]
        print(f"SciPy {scipy['scipy']} linear_sum_assignment on a random "
              f"{scipy['n']} x {scipy['n']} integer matrix (0-999): "
              + ", ".join(f"{t:.3f}" for t in scipy["times"])
              + f" s; median {scipy_median:.3f} s", flush=True)

    times, peaks, result = timed_runs(api, args, cid, args.runs, "run")
    after = None
    if args.pid:
        after = vm_hwm_kib(args.pid)[1]
        print(f"server after {args.runs} runs: VmRSS {after / 1024:.1f} MiB; "
              f"peak during a run (VmHWM, reset before each): "
              f"{max(peaks) / 1024:.1f} MiB", flush=True)
    proposals = result.get("proposals", [])
    print(f"proposals: {len(proposals)}, "
          f"unmatched: {len(result.get('unmatched', []))}, "
          f"total_score: {result.get('total_score')}, "
          f"min_score: {result.get('min_score')}, "
          f"blocking_pairs: {result.get('blocking_pairs')}", flush=True)
    if args.accept:
        accept_run(api, cid, result)

    big_times = []
    if args.big_runs:
        big = setup(api, args, rng, stamp + "-big", args.big_mentors,
                    args.big_mentees)
        big_times, _, big_result = timed_runs(api, args, big, args.big_runs,
                                              "big run")
        print(f"big cohort proposals: {len(big_result.get('proposals', []))}, "
              f"total_score: {big_result.get('total_score')}", flush=True)

    print("targets (issue #16):")
    checks = []
    median = statistics.median(times)
    if scipy_median is not None:
        checks.append((f"POST matching-runs {args.mentees} x {args.mentors} "
                       f"median {median:.3f} s <= SciPy median "
                       f"{scipy_median:.3f} s", median <= scipy_median))
    if big_times:
        big_median = statistics.median(big_times)
        checks.append((f"POST matching-runs {args.big_mentees} x "
                       f"{args.big_mentors} median {big_median:.3f} s "
                       f"<= 1.5 s", big_median <= 1.5))
    if args.pid:
        mib = 1024 * 1024 / 1000 / 1000  # MB in MiB
        checks.append((f"VmRSS after {args.runs} runs {after / 1024:.1f} MiB "
                       f"<= 64 MB ({64 / mib:.1f} MiB)",
                       after * 1024 <= 64e6))
        checks.append((f"VmRSS idle after start {idle / 1024:.1f} MiB "
                       f"<= 40 MB ({40 / mib:.1f} MiB)", idle * 1024 <= 40e6))
        checks.append((f"peak during a run {max(peaks) / 1024:.1f} MiB "
                       f"<= 150 MB ({150 / mib:.1f} MiB)",
                       max(peaks) * 1024 <= 150e6))
    for text, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}: {text}")
    if checks:
        met = sum(ok for _, ok in checks)
        print(f"{met} of {len(checks)} targets met")


def setup(api, args, rng, stamp, mentors, mentees):
    """A new cycle with `mentors` + `mentees` accepted applications; its id."""
    _, cycle = api.call("POST", "/api/v1/cycles", {
        "name": f"Bench 2024-2025 {stamp}",
        "description": "Benchmark cohort (bench/matching_run.py).",
        "applications_open_at": "2024-09-01T00:00:00Z",
        "applications_close_at": "2024-09-30T23:59:59Z",
        "match_by": "2024-10-15",
        "mentoring_starts_on": "2024-10-15",
        "mentoring_ends_on": "2025-04-15",
        "evaluation_closes_on": "2025-05-15",
        "meetings_expected": 6,
    })
    cid = cycle["id"]
    api.call("POST", f"/api/v1/cycles/{cid}/transition", {"to": "open"})
    print(f"cycle {cid} open", flush=True)

    n = mentors + mentees
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        def create_member(i):
            _, m = api.call("POST", "/api/v1/members", {
                "email": f"bench-{stamp}-{i}@example.org",
                "full_name": f"Bench Member {i}",
                "membership_status": "active",
            }, expect=(201,))
            return m["id"]

        members = phase("members", pool, create_member, range(n))
        # Forms are drawn in order so the cohort depends on --seed only.
        forms = [form(rng, mid, i < mentors, args.capacity)
                 for i, mid in enumerate(members)]

        def apply(f):
            _, a = api.call("POST", f"/api/v1/cycles/{cid}/applications", f,
                            expect=(201,))
            return a["id"]

        apps = phase("applications", pool, apply, forms)
        api.call("POST", f"/api/v1/cycles/{cid}/transition", {"to": "matching"})

        def accept(aid):
            api.call("POST", f"/api/v1/applications/{aid}/review",
                     {"decision": "accepted"})

        phase("reviews", pool, accept, apps)

    print(f"cohort: {mentors} mentors (capacity {args.capacity}), "
          f"{mentees} mentees, all accepted", flush=True)
    if args.pid:
        hwm, rss = vm_hwm_kib(args.pid)
        print(f"server after setup: VmHWM {hwm / 1024:.0f} MiB, "
              f"VmRSS {rss / 1024:.0f} MiB", flush=True)
    return cid


def timed_runs(api, args, cid, runs, label):
    """Times `runs` POSTs of a matching run; (times, peak KiB per run, the
    last result)."""
    times, peaks = [], []
    result = None
    for i in range(runs):
        if args.pid:
            reset_peak(args.pid)
        # From the request to the answer's last byte: the server's whole
        # work and the transfer, not Python's parsing of megabytes of JSON
        # (about 20 ms for the 2,000 x 1,000 run, more than the transfer).
        _, result, took = api.timed_call(
            "POST", f"/api/v1/cycles/{cid}/matching-runs", {}, expect=(201,))
        times.append(took)
        mem = ""
        if args.pid:
            hwm, rss = vm_hwm_kib(args.pid)
            peaks.append(hwm)
            mem = (f" (server peak during it {hwm / 1024:.0f} MiB, "
                   f"VmRSS after {rss / 1024:.0f} MiB)")
        print(f"{label} {i + 1}: {took:.3f} s{mem}", flush=True)
    print(f"{label} median: {statistics.median(times):.3f} s "
          f"(min {min(times):.3f} s, max {max(times):.3f} s)", flush=True)
    return times, peaks, result


def accept_run(api, cid, result):
    start = time.perf_counter()
    _, made = api.call("POST", f"/api/v1/matching-runs/{result['id']}/accept",
                       {}, expect=(201,))
    print(f"accept: {len(made)} matches in "
          f"{time.perf_counter() - start:.3f} s", flush=True)
    start = time.perf_counter()
    for m in made:
        api.call("POST", f"/api/v1/matches/{m['id']}/approve", {},
                 expect=(200,))
    print(f"approve: {len(made)} one by one in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    _, published = api.call("POST",
                            f"/api/v1/cycles/{cid}/matches/publish", {},
                            expect=(200,))
    print(f"publish: {published.get('published')} in "
          f"{time.perf_counter() - start:.3f} s", flush=True)


if __name__ == "__main__":
    try:
        main()
    except ApiError as e:
        sys.exit(f"error: {e}")
