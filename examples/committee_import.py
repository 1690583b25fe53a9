#!/usr/bin/env python3
"""A committee member's import script (Python 3 standard library only).

    python3 examples/committee_import.py --base-url http://127.0.0.1:8080 \
        --email you@example.org [--roster examples/roster.csv] \
        [--applications examples/applications.csv] [--cycle CYCLE_ID] \
        [--out applications.csv] [--token-file ~/.wla-mentorship-token]

1. The first time, signs in with your email and password (WLA_PASSWORD or
   a prompt) and creates a personal API token, kept in --token-file (mode
   600); later runs use the token and never ask for the password.
2. Dry-runs the roster (POST /members/import?dry_run=true) and prints the
   report; stops when it lists problems (nothing was written).
3. Imports the roster for real, with an Idempotency-Key for this run and
   file; when the answer is lost (a dropped connection) it retries with the
   same key, so the import is never done twice.
4. With --applications, imports a form export of applications into the
   cycle (--cycle, or the current one) the same way.
5. Exports the cycle's applications as CSV (GET
   /cycles/{id}/applications?format=csv) to --out.
"""
import argparse
import getpass
import hashlib
import json
import os
import sys
import time
import urllib.error
import uuid
import urllib.request

CSV = "text/csv"


def call(base, method, path, token=None, body=None, content_type=None, headers=None):
    """The status and body of one request; JSON bodies decoded."""
    data = body
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        content_type = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            status, raw, kind = res.status, res.read(), res.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        status, raw, kind = e.code, e.read(), e.headers.get("Content-Type", "")
    if "json" in kind:
        return status, json.loads(raw or b"null")
    return status, raw


def token_for(base, email, token_file):
    """The saved personal API token, or a new one made once with the password."""
    if os.path.exists(token_file):
        with open(token_file) as f:
            return f.read().strip()
    password = os.environ.get("WLA_PASSWORD") or getpass.getpass(f"Password for {email}: ")
    status, body = call(base, "POST", "/api/v1/auth/login", body={"email": email, "password": password})
    if status != 200:
        sys.exit(f"sign-in failed: {status} {body}")
    status, created = call(base, "POST", "/api/v1/me/tokens", token=body["access_token"],
                           body={"name": "committee_import.py"})
    if status != 201:
        sys.exit(f"creating the API token failed: {status} {created}")
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(created["secret"])
    print(f"created personal API token {created['prefix']}… in {token_file}")
    return created["secret"]


def show(title, report):
    print(f"{title}: {report['rows']} rows: {report['created']} created, "
          f"{report['updated']} updated, {report['unchanged']} unchanged, "
          f"{report['skipped']} skipped")
    if report.get("ignored_columns"):
        print(f"  columns not imported: {', '.join(report['ignored_columns'])}")
    for e in report.get("errors", []):
        hint = f" ({e['value_hint']})" if e.get("value_hint") else ""
        print(f"  row {e['row']}, {e['column']}{hint}: {e['message']}")


def import_file(base, token, path, file_name, label):
    """Dry run, then the import; exits when the file has problems."""
    with open(file_name, "rb") as f:
        data = f.read()
    status, body = call(base, "POST", f"{path}?dry_run=true", token, data, CSV)
    report = body.get("report") if status == 422 else body
    if status not in (200, 422) or report is None:
        sys.exit(f"dry run of {file_name} failed: {status} {body}")
    show(f"{label} (dry run)", report)
    if status == 422:
        sys.exit(f"{file_name} has problems; nothing was imported")
    key = f"{label}-{hashlib.sha256(data).hexdigest()[:16]}-{uuid.uuid4()}"
    for attempt in range(4):
        try:
            status, report = call(base, "POST", path, token, data, CSV, {"Idempotency-Key": key})
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            if attempt == 3:
                sys.exit(f"import of {file_name} failed: {e}")
            print(f"  no answer ({e}); retrying with the same Idempotency-Key", flush=True)
            time.sleep(2 ** attempt)
    if status != 200:
        sys.exit(f"import of {file_name} failed: {status} {report}")
    show(label, report)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--base-url", default="http://127.0.0.1:8080")
    p.add_argument("--email", required=True, help="your committee account")
    p.add_argument("--roster", default=os.path.join(here, "roster.csv"))
    p.add_argument("--applications", help="a form export of applications to import")
    p.add_argument("--cycle", help="cycle id (default: the current cycle)")
    p.add_argument("--out", default="applications.csv")
    p.add_argument("--token-file", default=os.path.expanduser("~/.wla-mentorship-token"))
    args = p.parse_args()
    base = args.base_url.rstrip("/")

    token = token_for(base, args.email, args.token_file)
    import_file(base, token, "/api/v1/members/import", args.roster, "roster")

    cycle = args.cycle
    if not cycle:
        status, current = call(base, "GET", "/api/v1/cycles/current", token)
        if status != 200:
            sys.exit(f"no current cycle ({status}); pass --cycle")
        cycle = current["id"]
    if args.applications:
        import_file(base, token, f"/api/v1/cycles/{cycle}/applications/import",
                    args.applications, "applications")

    status, csv = call(base, "GET", f"/api/v1/cycles/{cycle}/applications?format=csv", token)
    if status != 200:
        sys.exit(f"export failed: {status} {csv}")
    with open(args.out, "wb") as f:
        f.write(csv)
    rows = max(csv.count(b"\n") - 1, 0)
    print(f"exported {rows} applications to {args.out}")


if __name__ == "__main__":
    main()
