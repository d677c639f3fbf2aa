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
- the visit's fields that bound items show (forms/bindings.py), those asked for
  (`fields`): whether it has a synthesis, its participants. A caller that holds the
  visit's row already gives its date and synthesis itself (`StoredProgress.bound`):
  the list reads the date from its covering index, a single screen from the visit.

Visits are read by a list of ids, or above `_COUNT_BY_IDS_MAX` in one pass over each table
(SQLite limits the variables of a statement).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, func, literal, select, type_coerce

from fieldvisit.forms.bindings import VISIT_DATE, VISIT_PARTICIPANTS, VISIT_SUMMARY
from fieldvisit.forms.progress import (
    FormShape,
    Progress,
    VisitProgress,
    visit_progress,
    visit_totals,
)
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import PinnedKeys
from fieldvisit.store.core_tables import (
    ANSWERS,
    ATTACHMENTS,
    PARTICIPANTS,
    THEME_RATINGS,
    VISITS,
)

_COUNT_BY_IDS_MAX = 500  # the name the tests patch (with 10,000 visits: one pass)

_GIVEN = (ANSWERS.c.deleted_at.is_(None), ANSWERS.c.value.is_not(None))
#: Separator of the joined answers (item, value, item, value…): an item id is a plain
#: identifier (forms/schema.py) and a value is JSON text, where control characters are
#: always escaped, so neither holds it.
_SEPARATOR = "\x1f"
_LINKED_PHOTOS = (
    ATTACHMENTS.c.deleted_at.is_(None),
    ATTACHMENTS.c.item_id.is_not(None),
    ATTACHMENTS.c.media_type.startswith("image/"),
)
_RATED = (THEME_RATINGS.c.deleted_at.is_(None), THEME_RATINGS.c.level.is_not(None))


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

    a, p, r, v, vp = ANSWERS.c, ATTACHMENTS.c, THEME_RATINGS.c, VISITS.c, PARTICIPANTS.c
    joined = func.group_concat(
        a.item_id + literal(_SEPARATOR) + type_coerce(a.value, String), literal(_SEPARATOR)
    )
    answers = select(a.visit_id, a.form_id, joined).where(*_GIVEN)
    photos = select(p.visit_id, p.form_id, p.item_id).where(*_LINKED_PHOTOS)
    rated = select(r.visit_id, r.theme_id).where(*_RATED)
    # Whether the synthesis is written, not its text (it may be long).
    facts = select(v.id, func.length(v.summary) > 0).where(v.deleted_at.is_(None))
    people = select(vp.visit_id, vp.contact_id).where(vp.deleted_at.is_(None))
    wanted: set[str] | None = None
    if len(ids) > _COUNT_BY_IDS_MAX:
        # One pass over each table; what belongs to visits not asked for is dropped.
        wanted = set(ids)
    else:
        answers = answers.where(a.visit_id.in_(ids))
        photos = photos.where(p.visit_id.in_(ids))
        rated = rated.where(r.visit_id.in_(ids))
        facts = facts.where(v.id.in_(ids))
        people = people.where(vp.visit_id.in_(ids))
    # Fetched whole (`all`): a result iterated row by row costs a driver call per row.
    for visit_id, form_id, text in connection.execute(
        answers.group_by(a.visit_id, a.form_id)
    ).all():
        if wanted is None or visit_id in wanted:
            of(visit_id).answers[form_id] = _answers(text)
    for visit_id, form_id, item_id in connection.execute(photos).all():
        if (wanted is None or visit_id in wanted) and form_id is not None:
            of(visit_id).photos.add((form_id, item_id))
    for visit_id, theme_id in connection.execute(rated).all():
        if wanted is None or visit_id in wanted:
            of(visit_id).rated.add(theme_id)
    summaries = connection.execute(facts).all() if VISIT_SUMMARY in fields else ()
    for visit_id, has_summary in summaries:
        if wanted is None or visit_id in wanted:
            of(visit_id).bound[VISIT_SUMMARY] = True if has_summary else None
    participants = connection.execute(people).all() if VISIT_PARTICIPANTS in fields else ()
    for visit_id, contact_id in participants:
        if wanted is None or visit_id in wanted:
            participants = of(visit_id).bound.setdefault(VISIT_PARTICIPANTS, [])
            assert isinstance(participants, list)
            participants.append(contact_id)
    return stored


def _answers(joined: str) -> dict[str, object]:
    """{item id: value} of one visit's form, from its joined answers; each value as the
    ORM would read its JSON text. Plain strings (most answers) are not handed to the
    JSON decoder, which would cost the list of 10,000 visits a good part of a second."""
    words = iter(joined.split(_SEPARATOR))  # item, value, item, value…: split in one call
    return {
        item_id: text[1:-1] if text[:1] == '"' and "\\" not in text else json.loads(text)
        for item_id, text in zip(words, words, strict=True)
    }


def pinned_shapes(svc: Services, forms: PinnedKeys | Iterable[tuple[str, int]]) -> list[FormShape]:
    """The shapes of a visit's pinned forms; a form that is no longer installed counts
    for nothing (the visit is still shown)."""
    found = (svc.form_shape(form_id, version) for form_id, version in forms)
    return [shape for shape in found if shape is not None]
