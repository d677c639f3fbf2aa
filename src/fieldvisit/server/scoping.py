"""Who may read and write what: roles and territories (départements).

- admin: reads and writes every record, publishes forms.
- coordinateur and agent: read and write the records of their territories. The
  coordinateur reviews from the office and may correct (a review is an edit like any
  other and goes through the same merge); publishing forms stays with admins.

A record's territory is fixed when it is first accepted: a visit's département; a
visit's children (answers, interviews, ratings, recommendations, attachments, notes,
participants) take their visit's, interviewees and interview answers their
interview's. A contact takes the département of its commune (`commune_code`), or,
without one, the first territory of the user who created it (none for an admin:
then only admins see it until it is referenced). A contact is also visible in every
territory where a participant or interviewee record refers to it (a `Grant`), so a
device never receives a participant without its contact.

The write rule is `core/territories.py`, which laptops follow too. The reading rule,
`readable`, is here: pulls, pushes, history, downloads and lost versions all ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core import territories as rule
from fieldvisit.server.models import Grant


@dataclass(frozen=True)
class Principal:
    """The authenticated user behind a request (and the device row it used)."""

    user_id: int
    username: str
    role: str
    territories: frozenset[str]
    device_row: int
    device_id: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_read(self, territory: str | None, grants: frozenset[str] = frozenset()) -> bool:
        if self.is_admin:
            return True
        return (territory is not None and territory in self.territories) or bool(
            grants & self.territories
        )

    def may_write(self, territory: str | None) -> bool:
        return rule.may_write(self.role, self.territories, territory)  # shared with laptops


class Territorial(Protocol):
    """A stored record (an ORM row, or one held in memory during a push)."""

    @property
    def table_name(self) -> str: ...

    @property
    def record_id(self) -> str: ...

    @property
    def territory(self) -> str | None: ...


def readable(session: Session, who: Principal, record: Territorial) -> bool:
    """Whether the user may read the record: its territory, or a grant of it."""
    if who.may_read(record.territory):
        return True
    return who.may_read(None, grants_of(session, record.table_name, record.record_id))


def grants_of(session: Session, table: str, record_id: str) -> frozenset[str]:
    """The territories where a contact is visible through a participant or interviewee."""
    return frozenset(
        session.scalars(
            select(Grant.territory).where(Grant.table_name == table, Grant.record_id == record_id)
        )
    )
