"""The server-wide change sequence: every accepted change gets the next number.

A push takes the sequence row's lock first (`models.Counter`), so pushes are serialised
and numbers commit in order; a pull reads the committed value first and returns records
up to it only, so a cursor never skips a change that commits later (server/records.py).
The epoch's mark compares it too (server/epoch.py).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fieldvisit.server.models import Counter

SEQ = "seq"


def committed_seq(session: Session) -> int:
    """The last number of the sequence that is committed (or locked by this push)."""
    return int(session.scalar(select(Counter.value).where(Counter.name == SEQ)) or 0)


def lock(session: Session) -> None:
    """Take the sequence row's lock: every push waits here for the one before it."""
    session.execute(update(Counter).where(Counter.name == SEQ).values(value=Counter.value))


def store(session: Session, value: int) -> None:
    """The push's last number, committed with the push."""
    session.execute(update(Counter).where(Counter.name == SEQ).values(value=value))
