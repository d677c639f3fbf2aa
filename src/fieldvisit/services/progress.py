"""What a visit's progress is computed from, read from the database the one way.

The visit list (many visits, at a cold start: Core statements on the light tables of
store/core_tables.py, no ORM) and every single-visit screen (inside their own reading
session, through `session.connection()`) read the same three things with the same
statements, and hand them to the one progress function of forms/progress.py:

- the given answers (value not NULL, not deleted), decoded as the ORM would: read from
  the covering partial index of revision 0011, one row per visit and form, its items
  and values joined by SQLite (`group_concat`), so that 300,000 answers of 10,000
  visits cost Python 10,000 rows, not 300,000;
- the photos linked to items (live image attachments with an item);
- the rated themes (a level of concern set);
- the visit's fields that bound items show (forms/bindings.py), those the forms bind:
  whether it has a synthesis, its participants. A caller that holds the visit's row
  already gives its date itself: the list reads it from its covering index, a single
  screen from the visit (`StoredProgress.bound`, `visit_bound`).

Visits are read by a list of ids, or above `_COUNT_BY_IDS_MAX` in one pass over each table
(SQLite limits the variables of a statement). The statements are plain SQL, run on a
SQLAlchemy connection or straight on the DB-API driver's: the command line's bare visit
list (services/visit_list.py) reads through the functions here without importing
SQLAlchemy.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from fieldvisit.forms.bindings import VISIT_DATE, VISIT_PARTICIPANTS, VISIT_SUMMARY
from fieldvisit.forms.progress import (
    FormShape,
    Progress,
    VisitProgress,
    form_totals,
    progress_sum,
    visit_progress,
    visit_totals,
)
from fieldvisit.services.visit_forms import PinnedKeys

_COUNT_BY_IDS_MAX = 500  # the name the tests patch (with 10,000 visits: one pass)
#: Rows of joined answers (one a visit and form) fetched at a time.
_ANSWER_ROWS = 1000

#: Separator of the joined answers (item, value, item, value…): an item id is a plain
#: identifier (forms/schema.py) and a value is JSON text, where control characters are
#: always escaped, so neither holds it. char(31) in SQL.
_SEPARATOR = "\x1f"
#: The given answers, from revision 0011's covering partial index (same WHERE terms).
_ANSWERS = (
    "SELECT visit_id, form_id, group_concat(item_id || char(31) || value, char(31)) "
    "FROM answers WHERE deleted_at IS NULL AND value IS NOT NULL{ids} "
    "GROUP BY visit_id, form_id"
)
_LINKED_PHOTOS = (
    "SELECT visit_id, form_id, item_id FROM attachments WHERE deleted_at IS NULL "
    "AND item_id IS NOT NULL AND media_type LIKE 'image/%'{ids}"
)
_RATED = (
    "SELECT visit_id, theme_id FROM theme_ratings WHERE deleted_at IS NULL "
    "AND level IS NOT NULL{ids}"
)


#: Whether each visit has a synthesis (not its text), for an item bound to it.
_SUMMARIES = "SELECT id, length(visits.summary) > 0 FROM visits WHERE deleted_at IS NULL{ids}"
_PARTICIPANTS = "SELECT visit_id, contact_id FROM visit_participants WHERE deleted_at IS NULL{ids}"


class ShapesOf(Protocol):
    """Where the forms' shapes come from (`Services`, forms/shapes.py's `FormSource`)."""

    def form_shape(self, form_id: str, version: int) -> FormShape | None: ...


def fetch_all(connection: Any, sql: str, params: Sequence[object] = ()) -> list[Any]:
    """Every row of a plain SQL statement, on a SQLAlchemy connection or a DB-API one.

    Fetched whole: a result iterated row by row costs a driver call per row."""
    run = getattr(connection, "exec_driver_sql", None)
    if run is not None:
        return list(run(sql, tuple(params)).all())
    return list(connection.execute(sql, tuple(params)).fetchall())


def fetch_chunks(
    connection: Any, sql: str, params: Sequence[object], size: int
) -> Iterator[Sequence[Any]]:
    """The rows of a plain SQL statement, `size` at a time (one driver call each)."""
    run = getattr(connection, "exec_driver_sql", None)
    if run is not None:
        yield from run(sql, tuple(params)).partitions(size)
        return
    cursor = connection.execute(sql, tuple(params))
    while rows := cursor.fetchmany(size):
        yield rows


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while every visit's rows are built.

    Reading every visit builds dicts, sets and rows without cycles (reference counting
    frees them), and each full pass of the collector walks the whole heap: with 50,000
    visits its passes cost a quarter of the read, and the read grew faster than the
    visits (docs/PERFORMANCE.md). It resumes at the end (if it ran before: a read on
    another thread that paused it leaves it to that one).
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _where_ids(ids: Sequence[str]) -> tuple[str, tuple[object, ...]]:
    """The statements' ` AND visit_id IN (…)` and its values, or nothing when a pass over
    the whole table is read (`_wanted`)."""
    if len(ids) > _COUNT_BY_IDS_MAX:
        return "", ()
    return f" AND visit_id IN ({', '.join('?' * len(ids))})", tuple(ids)


@dataclass
class StoredProgress:
    """What one visit's progress is computed from, as stored."""

    answers: dict[str, dict[str, object]] = field(default_factory=dict)  # form → item → value
    photos: set[tuple[str, str]] = field(default_factory=set)  # (form, item) with a photo
    rated: set[str] = field(default_factory=set)  # theme ids
    #: {field: value} of the visit's fields bound items show (forms/bindings.py)
    bound: dict[str, object] = field(default_factory=dict)

    def progress(self, shapes: Sequence[FormShape]) -> VisitProgress:
        return visit_progress(shapes, self.answers, self.photos, self.rated, self.bound)

    def totals(self, shapes: Sequence[FormShape]) -> Progress:
        """`progress(shapes).total`, for a list of visits (no figures per section)."""
        return visit_totals(shapes, self.answers, self.photos, self.rated, self.bound)


def visit_bound(visit_date: object, summary: str | None) -> dict[str, object]:
    """The bound values a caller holding the visit's row gives (its date, synthesis)."""
    return {VISIT_DATE: visit_date, VISIT_SUMMARY: summary or None}


def bound_fields(shapes: Iterable[FormShape]) -> frozenset[str]:
    """The visit's fields these forms' bound items show (forms/bindings.py)."""
    return frozenset(bind for shape in shapes for _, bind in shape._bound)


def read_stored_progress(
    connection: Any, ids: Sequence[str], fields: Collection[str] = ()
) -> dict[str, StoredProgress]:
    """{visit id: what its progress reads} for these visits (absent: nothing given);
    `fields`: the visit's bound fields to read (VISIT_SUMMARY, VISIT_PARTICIPANTS)."""
    stored: dict[str, StoredProgress] = {}
    if not ids:
        return stored

    def of(visit_id: str) -> StoredProgress:
        found = stored.get(visit_id)
        if found is None:
            found = stored[visit_id] = StoredProgress()
        return found

    photos, rated = _read_linked(connection, ids)
    for (visit_id, form_id), items in photos.items():
        of(visit_id).photos.update((form_id, item) for item in items)
    for visit_id, themes in rated.items():
        of(visit_id).rated = themes
    for visit_id, form_id, answers in _read_answers(connection, ids):
        of(visit_id).answers[form_id] = answers
    for visit_id, values in _read_bound(connection, ids, fields).items():
        of(visit_id).bound.update(values)
    return stored


def read_progress_totals(
    connection: Any,
    shapes_of: Mapping[str, Sequence[FormShape]],
    dates: Mapping[str, object] | None = None,
) -> dict[str, Progress]:
    """{visit id: its progress totals} for the visits of `shapes_of` (visit id → the
    shapes of its pinned forms): `StoredProgress.totals` of each, by the same rules
    (`form_totals`, whose sum `visit_totals` is), but each form is counted as its
    answers are read and its answers dropped: the visit list of 10,000 visits never
    holds their 300,000 answers at once (docs/PERFORMANCE.md, "Desktop app").
    `dates`: {visit id: its date}, which an item may be bound to (the caller has it)."""
    if not shapes_of:
        return {}
    ids = list(shapes_of)
    photos, rated = _read_linked(connection, ids)
    distinct = {id(shapes): shapes for shapes in shapes_of.values()}  # few distinct lists
    fields = bound_fields(shape for shapes in distinct.values() for shape in shapes)
    bound = _read_bound(connection, ids, fields)
    if dates is not None:
        for visit_id in ids:
            bound.setdefault(visit_id, {})[VISIT_DATE] = dates.get(visit_id)
    nothing: frozenset[str] = frozenset()
    counts: dict[str, list[Progress]] = {visit_id: [] for visit_id in ids}
    counted: set[tuple[str, str]] = set()
    for visit_id, form_id, answers in _read_answers(connection, ids):
        for shape in shapes_of[visit_id]:
            if shape.id == form_id:
                key = (visit_id, form_id)
                counted.add(key)
                counts[visit_id].append(
                    form_totals(
                        shape,
                        answers,
                        photos.get(key, nothing),
                        rated.get(visit_id, nothing),
                        bound.get(visit_id),
                    )
                )
    for visit_id, shapes in shapes_of.items():  # the forms with no answer given
        for shape in shapes:
            key = (visit_id, shape.id)
            if key not in counted:
                counts[visit_id].append(
                    form_totals(
                        shape,
                        {},
                        photos.get(key, nothing),
                        rated.get(visit_id, nothing),
                        bound.get(visit_id),
                    )
                )
    return {visit_id: progress_sum(forms) for visit_id, forms in counts.items()}


def _wanted(ids: Sequence[str]) -> set[str] | None:
    """The ids to keep from a pass over a whole table, or None when the statements ask
    for these ids (`IN`): above `_COUNT_BY_IDS_MAX`, SQLite's limit on a statement's
    variables is near, and one pass over each table costs less anyway."""
    return set(ids) if len(ids) > _COUNT_BY_IDS_MAX else None


def _read_linked(
    connection: Any, ids: Sequence[str]
) -> tuple[dict[tuple[str, str], set[str]], dict[str, set[str]]]:
    """({(visit, form): items with a linked photo}, {visit: rated themes}): little, even
    for 10,000 visits."""
    where, params = _where_ids(ids)
    wanted = _wanted(ids)
    photos: dict[tuple[str, str], set[str]] = {}
    rated: dict[str, set[str]] = {}
    # Fetched whole (`all`): a result iterated row by row costs a driver call per row.
    for visit_id, form_id, item_id in fetch_all(
        connection, _LINKED_PHOTOS.format(ids=where), params
    ):
        if (wanted is None or visit_id in wanted) and form_id is not None:
            photos.setdefault((visit_id, form_id), set()).add(item_id)
    for visit_id, theme_id in fetch_all(connection, _RATED.format(ids=where), params):
        if wanted is None or visit_id in wanted:
            rated.setdefault(visit_id, set()).add(theme_id)
    return photos, rated


def _read_bound(
    connection: Any, ids: Sequence[str], fields: Collection[str]
) -> dict[str, dict[str, object]]:
    """{visit id: {field: value}} of the visit's fields in `fields` that bound items
    show: whether it has a synthesis (True or None, not its text, which may be long), its
    participants (contact ids). Nothing is read for a field no form binds."""
    bound: dict[str, dict[str, object]] = {}
    where, params = _where_ids(ids)
    wanted = _wanted(ids)
    if VISIT_SUMMARY in fields:
        for visit_id, has_summary in fetch_all(
            connection, _SUMMARIES.format(ids=where.replace("visit_id", "id")), params
        ):
            if wanted is None or visit_id in wanted:
                bound.setdefault(visit_id, {})[VISIT_SUMMARY] = True if has_summary else None
    if VISIT_PARTICIPANTS in fields:
        for visit_id, contact_id in fetch_all(connection, _PARTICIPANTS.format(ids=where), params):
            if wanted is None or visit_id in wanted:
                values = bound.setdefault(visit_id, {})
                contacts = values.setdefault(VISIT_PARTICIPANTS, [])
                assert isinstance(contacts, list)
                contacts.append(contact_id)
    return bound


def _read_answers(
    connection: Any, ids: Sequence[str]
) -> Iterator[tuple[str, str, dict[str, object]]]:
    """(visit id, form id, {item id: value}) of these visits' given answers, one per
    visit and form, read `_ANSWER_ROWS` rows at a time."""
    where, params = _where_ids(ids)
    wanted = _wanted(ids)
    # In chunks (one driver call each), not row by row, nor all at once.
    for rows in fetch_chunks(connection, _ANSWERS.format(ids=where), params, _ANSWER_ROWS):
        for visit_id, form_id, text in rows:
            if wanted is None or visit_id in wanted:
                yield visit_id, form_id, _answers(text)


def _answers(joined: str) -> dict[str, object]:
    """{item id: value} of one visit's form, from its joined answers; each value as the
    ORM would read its JSON text. Plain strings (most answers) are not handed to the
    JSON decoder, which would cost the list of 10,000 visits a good part of a second."""
    words = iter(joined.split(_SEPARATOR))  # item, value, item, value…: split in one call
    return {
        item_id: text[1:-1] if text[:1] == '"' and "\\" not in text else json.loads(text)
        for item_id, text in zip(words, words, strict=True)
    }


def pinned_shapes(svc: ShapesOf, forms: PinnedKeys | Iterable[tuple[str, int]]) -> list[FormShape]:
    """The shapes of a visit's pinned forms; a form that is no longer installed counts
    for nothing (the visit is still shown)."""
    found = (svc.form_shape(form_id, version) for form_id, version in forms)
    return [shape for shape in found if shape is not None]
