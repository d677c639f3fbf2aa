"""The floors of the command-line figures: what any program doing the same job pays.
Run by bench_cli.py next to each `fieldvisit` command, as a whole process of its own.

    python benchmarks/cli_floor.py list DATABASE KEY_HEX
    python benchmarks/cli_floor.py sync SERVER_URL TOKEN CURSOR DATABASE KEY_HEX
    python benchmarks/cli_floor.py pdf OUTPUT.pdf

`list`: sqlcipher3 with the raw key (as the app opens the file: no PBKDF2), every visit
and its answer count read and printed, one line each. `sync`: urllib's pull request
after the cursor (nothing new is expected), then the last-sync time written and
committed. `pdf`: reportlab, a one-page PDF. Each imports only what its job needs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def _open(path: str, key: str) -> Any:
    import sqlcipher3.dbapi2 as sqlcipher

    conn = sqlcipher.connect(path)
    conn.execute(f"PRAGMA key = \"x'{key}'\"")
    conn.execute("PRAGMA cipher_hmac_algorithm = HMAC_SHA256")  # as the app
    return conn


def read_and_print(path: str, key: str) -> int:
    conn = _open(path, key)
    counts = dict(
        conn.execute(
            "SELECT visit_id, count(*) FROM answers WHERE deleted_at IS NULL "
            "AND value IS NOT NULL GROUP BY visit_id"
        )
    )
    rows = conn.execute(
        "SELECT id, visit_date, commune_name, departement, visit_type, status FROM visits "
        "WHERE deleted_at IS NULL ORDER BY visit_date DESC, id DESC"
    )
    out = sys.stdout
    for vid, day, name, dep, kind, status in rows:
        out.write(f"{vid}\t{day}\t{name} ({dep})\t{kind}\t{status}\t{counts.get(vid, 0)}\n")
    conn.close()
    return 0


def pull_and_commit(url: str, token: str, cursor: str, path: str, key: str) -> int:
    import json
    import urllib.request
    from datetime import UTC, datetime

    request = urllib.request.Request(
        f"{url}/api/v1/changes?after={int(cursor)}&limit=1000",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request) as response:
        page = json.loads(response.read())
    if page["records"]:
        print(f"not a no-op: {len(page['records'])} records", file=sys.stderr)
        return 1
    conn = _open(path, key)
    conn.execute("UPDATE sync_state SET last_sync_at = ?", (datetime.now(UTC).isoformat(),))
    conn.commit()
    conn.close()
    return 0


def one_page_pdf(output: str) -> int:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(output)
    canvas.setFont("Helvetica", 14)
    canvas.drawString(72, 760, "Rapport de visite")
    canvas.showPage()
    canvas.save()
    return 0


def main(argv: list[str]) -> int:
    jobs: dict[str, tuple[Callable[..., int], int]] = {
        "list": (read_and_print, 2),
        "sync": (pull_and_commit, 5),
        "pdf": (one_page_pdf, 1),
    }
    if len(argv) < 2 or argv[1] not in jobs or len(argv) - 2 != jobs[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    job, _count = jobs[argv[1]]
    return job(*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
