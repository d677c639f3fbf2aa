"""The rows of the visit list, and the command line's bare read of every visit.

`summaries` turns the stored rows into the list's rows (their progress from the forms'
shapes) for the app's list (services/listing.py, Core statements with filters) and for
`fieldvisit visits list`, which reads every visit through the DB-API driver with plain
SQL when its data dir needs nothing done first (`read_every_visit`, store/reading.py):
no SQLAlchemy, ORM or pydantic import for a command that only prints the list. Both read
the same columns in the same order and hand the same stored progress
(services/progress.py) to the same function, so they print the same lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from fieldvisit.core.domain import VisitStatus, VisitType
from fieldvisit.services.progress import (
    ShapesOf,
    fetch_all,
    no_cycle_collection,
    pinned_shapes,
    read_progress_totals,
)
from fieldvisit.services.visit_forms import pinned_keys

if TYPE_CHECKING:
    from fieldvisit.forms.progress import FormShape, Progress
    from fieldvisit.paths import DataDir
    from fieldvisit.security.keysource import KeySource


@dataclass(frozen=True)
class VisitSummary:
    """One row of the visit list."""

    id: str
    commune_code: str
    commune_name: str
    departement: str
    visit_date: date
    visit_type: VisitType
    status: VisitStatus
    author: str
    answered: int
    total: int

    @property
    def progress(self) -> float:
        return self.answered / self.total if self.total else 0.0


class ListedVisit(NamedTuple):
    """The columns the list reads of a visit (services/listing.py selects the same)."""

    id: str
    commune_code: str
    commune_name: str
    departement: str
    visit_date: date
    visit_type: str
    status: str
    author: str
    checklist_form_id: str | None
    checklist_form_version: int | None
    diagnostic_form_id: str | None
    diagnostic_form_version: int | None


#: Every live visit, newest first (the list's order; revision 0009's index serves it).
EVERY_VISIT = (
    f"SELECT {', '.join(ListedVisit._fields)} FROM visits WHERE deleted_at IS NULL "
    "ORDER BY visit_date DESC, id DESC"
)


#: Where the pinned forms are in a row (`ListedVisit`, the list's Core columns).
_PINS = slice(8, 12)


def summaries(forms: ShapesOf, rows: Sequence[Any], connection: Any) -> list[VisitSummary]:
    """The list's rows of these visits (each with `ListedVisit`'s attributes, in its
    order), their progress read on `connection` (SQLAlchemy's or the driver's)."""
    # The date a form item may be bound to, from the rows (the covering index).
    dates = {visit.id: visit.visit_date for visit in rows}
    progress = read_progress_totals(connection, _shapes_of(forms, rows), dates)
    return [_summary(visit, progress[visit.id]) for visit in rows]


def _shapes_of(forms: ShapesOf, rows: Sequence[Any]) -> dict[str, list[FormShape]]:
    """{visit id: the shapes of its pinned forms}, looked up once per pair of forms."""
    shapes: dict[tuple[Any, ...], list[FormShape]] = {}
    of_visit = {}
    for visit in rows:
        forms_key = tuple(visit[_PINS])  # most visits pin the same forms: one lookup
        found = shapes.get(forms_key)
        if found is None:
            found = shapes[forms_key] = pinned_shapes(forms, pinned_keys(visit))
        of_visit[visit.id] = found
    return of_visit


#: The enums of the stored values, looked up without calling the enum (10,000 rows).
_TYPES = {kind.value: kind for kind in VisitType}
_STATUSES = {status.value: status for status in VisitStatus}


def _summary(visit: Any, progress: Progress) -> VisitSummary:
    return VisitSummary(
        id=visit.id,
        commune_code=visit.commune_code,
        commune_name=visit.commune_name,
        departement=visit.departement,
        visit_date=visit.visit_date,
        visit_type=_TYPES.get(visit.visit_type) or VisitType(visit.visit_type),
        status=_STATUSES.get(visit.status) or VisitStatus(visit.status),
        author=visit.author,
        answered=progress.answered,
        total=progress.visible,
    )


class _BareShapes:
    """`form_shape` of a data dir's forms, for `pinned_shapes` (no Services here)."""

    def __init__(self, data_dir: DataDir) -> None:
        from fieldvisit.services.context import data_dir_forms

        self.source = data_dir_forms(data_dir)

    def form_shape(self, form_id: str, version: int) -> FormShape | None:
        return self.source.shape(form_id, version)


def read_every_visit(data_dir: DataDir, keys: KeySource | None = None) -> list[VisitSummary] | None:
    """Every visit of the list, newest first, read through the driver; None when the
    store must be opened the full way first (store/reading.py: then call
    `listing.list_visits`)."""
    from fieldvisit.store.reading import reading_connection

    opened = reading_connection(data_dir, keys)
    if opened is None:
        return None
    connection, _keys = opened
    with no_cycle_collection():
        return _read_every_visit(data_dir, connection)


def _read_every_visit(data_dir: DataDir, connection: Any) -> list[VisitSummary]:
    from sqlcipher3.dbapi2 import DatabaseError

    from fieldvisit.store.errors import translate_error

    try:
        connection.execute("BEGIN")  # one snapshot: the visits and what their progress reads
        # visit_date as SQLAlchemy's Date reads it (ISO text in SQLite)
        rows = [
            ListedVisit._make((*raw[:4], date.fromisoformat(raw[4]), *raw[5:]))
            for raw in fetch_all(connection, EVERY_VISIT)
        ]
        return summaries(_BareShapes(data_dir), rows, connection)
    except DatabaseError as err:
        raise translate_error(err, data_dir.database) from err
    finally:
        connection.close()
