"""The Alembic revisions this version of the app knows, oldest first.

Kept here as plain data so that opening an up-to-date database never imports Alembic
(a test checks this list against the migration scripts).
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0014",
    "0015",
    "0016",
    "0017",
)
HEAD_REVISION: str = KNOWN_REVISIONS[-1]
