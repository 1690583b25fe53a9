#!/usr/bin/env python3
"""End-to-end benchmark of a matching run through the HTTP API.

Against a running (release) server it logs in as an admin, creates and opens
a cycle, creates members, submits their applications as the committee
(mentors and mentees), moves the cycle to matching, accepts every
application, then times POST /api/v1/cycles/{id}/matching-runs with body {}
several times and prints each wall time, the median, the number of
proposals and, with --pid, the server's peak RSS (VmHWM).

Python 3 standard library only. Every request uses the admin's token; the
setup runs on a thread pool. See bench/README.md.
"""
import argparse
import concurrent.futures
import json
import os
import random
import statistics
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
        for attempt in range(6):
            generation, token = self.generation, self.token
            try:
                status, raw = self.raw(method, path, body, token)
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
            return status, (json.loads(raw) if raw else None)
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
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds allowed per request")
    p.add_argument("--pid", type=int,
                   help="server process id: report its peak RSS (VmHWM)")
    p.add_argument("--setup-only", action="store_true",
                   help="stop after accepting the applications")
    p.add_argument("--accept", action="store_true",
                   help="also time accepting the last run (every proposal "
                        "becomes a proposed match) and publishing them all")
    args = p.parse_args()
    if not args.email or not args.password:
        p.error("give --email and --password "
                "(or WLA_ADMIN_EMAIL and WLA_ADMIN_PASSWORD)")

    api = Client(args.base_url, args.email, args.password, args.timeout)
    api.login()
    rng = random.Random(args.seed)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"

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

    n = args.mentors + args.mentees
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
        forms = [form(rng, mid, i < args.mentors, args.capacity)
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

    print(f"cohort: {args.mentors} mentors (capacity {args.capacity}), "
          f"{args.mentees} mentees, all accepted", flush=True)
    if args.pid:
        hwm, rss = vm_hwm_kib(args.pid)
        print(f"server after setup: VmHWM {hwm / 1024:.0f} MiB, "
              f"VmRSS {rss / 1024:.0f} MiB", flush=True)
    if args.setup_only:
        return

    times = []
    result = None
    for i in range(args.runs):
        start = time.perf_counter()
        _, result = api.call("POST", f"/api/v1/cycles/{cid}/matching-runs", {},
                             expect=(201,))
        took = time.perf_counter() - start
        times.append(took)
        mem = ""
        if args.pid:
            hwm, rss = vm_hwm_kib(args.pid)
            mem = f" (server VmHWM {hwm / 1024:.0f} MiB, VmRSS {rss / 1024:.0f} MiB)"
        print(f"run {i + 1}: {took:.3f} s{mem}", flush=True)
    print(f"median: {statistics.median(times):.3f} s "
          f"(min {min(times):.3f} s, max {max(times):.3f} s)")
    proposals = result.get("proposals", [])
    print(f"proposals: {len(proposals)}, "
          f"unmatched: {len(result.get('unmatched', []))}, "
          f"total_score: {result.get('total_score')}, "
          f"min_score: {result.get('min_score')}")
    if args.accept:
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
    if args.pid:
        hwm, rss = vm_hwm_kib(args.pid)
        print(f"server peak RSS (VmHWM): {hwm / 1024:.0f} MiB "
              f"(VmRSS now {rss / 1024:.0f} MiB)")


if __name__ == "__main__":
    try:
        main()
    except ApiError as e:
        sys.exit(f"error: {e}")
