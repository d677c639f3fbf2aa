"""What one push holds in memory: the records it touches and what it will write.

Loaded up front in a few queries by `records.push`, then checked and changed record by
record by the push's rules (server/records.py, server/deletions.py, server/natural_keys.py)
and written at the end in a few statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fieldvisit.server.scoping import Principal


@dataclass
class Held:
    """A record row held in memory during a push (plain Core rows: no ORM overhead)."""

    table_name: str
    record_id: str
    version: int
    seq: int
    territory: str | None
    data: str
    deleted_at: datetime | None
    updated_at: datetime
    updated_by: str
    sha256: str | None
    updated_by_user: str = ""
    new: bool = False
    dirty: bool = False


@dataclass
class PushState:
    """What one push needs to know, loaded up front in a few queries."""

    session: Session
    who: Principal
    device_id: str
    now: datetime
    seq: int
    records: dict[tuple[str, str], Held] = field(default_factory=dict)
    new_grants: set[tuple[str, str, str]] = field(default_factory=set)
    replaced: list[dict[str, Any]] = field(default_factory=list)  # versions overwritten

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq
