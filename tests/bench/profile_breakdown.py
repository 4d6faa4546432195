"""Where a signed-in request's time goes, from a py-spy profile of one gunicorn worker.

    py-spy record --idle -f raw -r 200 -d 15 -p WORKER_PID -o profile.txt   # under load
    python -m tests.bench.profile_breakdown profile.txt

`--idle` keeps the samples of threads waiting on PostgreSQL, so the shares are of wall time in
request threads. Each sample counts once, for the first part below its stack passes through;
"of it DB" is the share spent inside a database call. docs/benchmarks.md (issue 20) records
the breakdown for the password-change page, the patient home and a drug page.
"""

from __future__ import annotations

import sys
from collections import Counter

# (part, a frame that marks it), checked in order: the health check happens inside the
# first query of a request (the session read), so it is looked for first.
PARTS = (
    ("DB connection health check (SELECT 1)", "is_usable"),
    ("session save (SessionMiddleware.process_response)", "SessionMiddleware.process_response"),
    ("session read", "SessionStore.load"),
    ("user read (auth get_user)", "get_user (django/contrib/auth/__init__"),
    ("roles read (navigation)", "roles (lumen/context_processors"),
    ("template render", "render_to_string"),
    ("view, outside the template", "BaseHandler._get_response"),
    ("rest of the middleware and WSGI", "WSGIHandler.__call__"),
    ("gunicorn (parse, write, keep-alive)", "handle_request"),
)
DB_FRAMES = ("psycopg", "CursorWrapper.execute")


def breakdown(lines) -> tuple[int, Counter, Counter]:
    parts, db, total = Counter(), Counter(), 0
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if "handle_request" not in stack:
            continue  # the worker's own loop, not a request
        total += int(count)
        name = next(name for name, mark in PARTS if mark in stack)
        parts[name] += int(count)
        if any(frame in stack for frame in DB_FRAMES):
            db[name] += int(count)
    return total, parts, db


def main(path: str) -> None:
    with open(path) as lines:
        total, parts, db = breakdown(lines)
    if not total:
        sys.exit(f"No request samples in {path}: was the worker under load while recording?")
    print("| part | share of wall time | of it DB |\n| --- | ---: | ---: |")
    for name, _ in PARTS:
        if parts[name]:
            print(f"| {name} | {parts[name] / total:.0%} | {db[name] / total:.0%} |")
    print(f"\n{total} samples")


if __name__ == "__main__":
    main(sys.argv[1])
