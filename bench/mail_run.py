"""The API side of bench/mail.sh (Python 3 standard library only).

    python3 mail_run.py queue --base-url URL --email E --password P \
        --messages 1000 --token-file PATH
    python3 mail_run.py wait --base-url URL --token-file PATH \
        --messages 1000 --since EPOCH_SECONDS

`queue` logs in as the admin, keeps the access token in --token-file,
creates --messages members and invites each (one invitation message queued
per member), on --threads threads. `wait` polls GET
/api/v1/notifications/stats every 50 ms until --messages are sent and
prints the time since --since (the moment the server was started), and
when the first one was seen sent. The token comes from `queue`, so no login
is part of the timing.
"""
import argparse
import concurrent.futures
import json
import sys
import time
import urllib.error
import urllib.request


def request(base, method, path, body=None, token=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read()[:500]


def call(base, method, path, body=None, token=None, expect=(200, 201)):
    for attempt in range(6):
        try:
            status, answer = request(base, method, path, body, token)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if attempt == 5:
                raise
            time.sleep(0.2 * 2 ** attempt)
            continue
        if status in (429, 503) and attempt < 5:
            time.sleep(0.2 * 2 ** attempt)
            continue
        if status not in expect:
            sys.exit(f"{method} {path}: {status} {answer!r}")
        return answer
    raise AssertionError("unreachable")


def queue(args):
    base = args.base_url.rstrip("/")
    token = call(base, "POST", "/api/v1/auth/login",
                 {"email": args.email, "password": args.password})["access_token"]
    with open(args.token_file, "w") as f:
        f.write(token)
    stamp = int(time.time())

    def one(i):
        member = call(base, "POST", "/api/v1/members", {
            "email": f"mail-bench-{stamp}-{i}@example.org",
            "full_name": f"Mail Bench {i}",
        }, token, expect=(201,))
        call(base, "POST", f"/api/v1/members/{member['id']}/invite",
             token=token, expect=(201,))

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(one, range(args.messages)))
    stats = call(base, "GET", "/api/v1/notifications/stats", token=token)
    print(f"queued {args.messages} invitations in "
          f"{time.perf_counter() - started:.1f} s; outbox {stats}", flush=True)
    if stats["pending"] != args.messages:
        sys.exit(f"expected {args.messages} pending messages")


def wait(args):
    base = args.base_url.rstrip("/")
    with open(args.token_file) as f:
        token = f.read().strip()
    deadline = time.time() + args.timeout
    first = None
    while True:
        try:
            status, stats = request(base, "GET", "/api/v1/notifications/stats",
                                    token=token)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            status, stats = None, None  # not listening yet
        now = time.time()
        if status == 200:
            if first is None and stats["sent"]:
                first = now
            if stats["failed"]:
                sys.exit(f"messages failed: {stats}")
            if stats["sent"] >= args.messages:
                break
        elif status is not None:
            sys.exit(f"GET /api/v1/notifications/stats: {status} {stats!r}")
        if now > deadline:
            sys.exit(f"not delivered after {args.timeout} s: {stats}")
        time.sleep(0.05)
    seconds = now - args.since
    print(f"delivered {stats['sent']} messages in {seconds:.2f} s "
          f"({stats['sent'] / seconds:.0f} messages/s; the first one "
          f"{first - args.since:.2f} s after the start); outbox {stats}",
          flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    q = sub.add_parser("queue")
    q.add_argument("--base-url", required=True)
    q.add_argument("--email", required=True)
    q.add_argument("--password", required=True)
    q.add_argument("--messages", type=int, default=1000)
    q.add_argument("--threads", type=int, default=8)
    q.add_argument("--token-file", required=True)
    w = sub.add_parser("wait")
    w.add_argument("--base-url", required=True)
    w.add_argument("--token-file", required=True)
    w.add_argument("--messages", type=int, default=1000)
    w.add_argument("--since", type=float, required=True)
    w.add_argument("--timeout", type=float, default=300)
    args = p.parse_args()
    {"queue": queue, "wait": wait}[args.command](args)


if __name__ == "__main__":
    main()
