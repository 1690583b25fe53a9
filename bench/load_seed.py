#!/usr/bin/env python3
"""Seeds the read-path load benchmark (bench/load.sh) through the HTTP API.

Logs in as an admin, creates and opens a cycle, creates 1,000 active
members, submits 500 mentor and 500 mentee applications as the committee,
moves the cycle to matching, accepts every application, proposes 500
matches by hand (mentor i with mentee i: both online, different employers,
so every pair passes the hard rules), approves them, publishes them and
moves the cycle to active, so GET /cycles/current answers it.

Prints what the benchmark needs as KEY=VALUE lines on standard output
(TOKEN, CYCLE_ID, APPLICATION_ID, MATCH_ID); progress goes to standard
error. Python 3 standard library only; reuses bench/matching_run.py.
"""
import argparse
import concurrent.futures
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matching_run import ApiError, Client, form  # noqa: E402


def phase(name, pool, fn, items):
    start = time.perf_counter()
    results = list(pool.map(fn, items))
    took = time.perf_counter() - start
    print(f"seed {name}: {len(results)} in {took:.1f} s", file=sys.stderr,
          flush=True)
    return results


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base-url", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--pairs", type=int, default=500,
                   help="mentors = mentees = matches (members: twice this)")
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--seed", type=int, default=2024)
    args = p.parse_args()

    api = Client(args.base_url, args.email, args.password, 120.0)
    api.login()
    rng = random.Random(args.seed)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
    today = time.gmtime()
    year = today.tm_year
    _, cycle = api.call("POST", "/api/v1/cycles", {
        "name": f"Load {stamp}",
        "description": "Read-path load benchmark (bench/load_seed.py).",
        "applications_open_at": f"{year - 1}-09-01T00:00:00Z",
        "applications_close_at": f"{year - 1}-09-30T23:59:59Z",
        "match_by": f"{year - 1}-10-15",
        "mentoring_starts_on": f"{year - 1}-10-15",
        "mentoring_ends_on": f"{year + 1}-04-15",
        "evaluation_closes_on": f"{year + 1}-05-15",
        "meetings_expected": 6,
    })
    cid = cycle["id"]
    api.call("POST", f"/api/v1/cycles/{cid}/transition", {"to": "open"})

    n = 2 * args.pairs
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        def create_member(i):
            _, m = api.call("POST", "/api/v1/members", {
                "email": f"load-{stamp}-{i}@example.org",
                "full_name": f"Load Member {i:04d}",
                "membership_status": "active",
            }, expect=(201,))
            return m["id"]

        members = phase("members", pool, create_member, range(n))
        forms = []
        for i, mid in enumerate(members):
            mentor = i < args.pairs
            f = form(rng, mid, mentor, 1)
            f["meeting_modes"] = ["online"]
            f["matching_preference"] = "none"
            f["employer"] = f"Employer {i}" if mentor else ""
            forms.append(f)

        def apply(f):
            _, a = api.call("POST", f"/api/v1/cycles/{cid}/applications", f,
                            expect=(201,))
            return a["id"]

        apps = phase("applications", pool, apply, forms)
        api.call("POST", f"/api/v1/cycles/{cid}/transition",
                 {"to": "matching"})

        def accept(aid):
            api.call("POST", f"/api/v1/applications/{aid}/review",
                     {"decision": "accepted"})

        phase("reviews", pool, accept, apps)

        def propose(i):
            _, m = api.call("POST", f"/api/v1/cycles/{cid}/matches", {
                "mentor_application_id": apps[i],
                "mentee_application_id": apps[args.pairs + i],
            }, expect=(201,))
            return m["id"]

        matches = phase("matches", pool, propose, range(args.pairs))

        def approve(mid):
            api.call("POST", f"/api/v1/matches/{mid}/approve", {},
                     expect=(200,))

        phase("approvals", pool, approve, matches)
    api.call("POST", f"/api/v1/cycles/{cid}/matches/publish", {},
             expect=(200,))
    api.call("POST", f"/api/v1/cycles/{cid}/transition", {"to": "active"})
    print(f"seed: cycle {cid} active with {n} members, {len(apps)} "
          f"applications, {len(matches)} published matches", file=sys.stderr,
          flush=True)
    api.login()  # a fresh token for the whole run
    print(f"TOKEN={api.token}")
    print(f"CYCLE_ID={cid}")
    print(f"APPLICATION_ID={apps[args.pairs + args.pairs // 2]}")
    print(f"MATCH_ID={matches[args.pairs // 2]}")


if __name__ == "__main__":
    try:
        main()
    except ApiError as e:
        sys.exit(f"error: {e}")
