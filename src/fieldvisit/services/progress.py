"""What a visit's progress is computed from, read from the database the one way.

The visit list (many visits, at a cold start: Core statements on the light tables of
store/core_tables.py, no ORM) and every single-visit screen (inside their own reading
session, through `session.connection()`) read the same three things with the same
statements, and hand them to the one progress function of forms/progress.py:

- the given answers (value not NULL, not deleted; the partial index of revision 0003
  finds a visit's), decoded as the ORM would;
- the photos linked to items (live image attachments with an item);
- the rated themes (a level of concern set).

Visits are read by a list of ids, or above `_COUNT_BY_IDS_MAX` in one pass over each table
(SQLite limits the variables of a statement).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from fieldvisit.forms.progress import FormShape, VisitProgress, visit_progress
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import PinnedKeys
from fieldvisit.store.core_tables import ANSWERS, ATTACHMENTS, THEME_RATINGS

_COUNT_BY_IDS_MAX = 500  # the name the tests patch (with 10,000 visits: one pass)

_GIVEN = (ANSWERS.c.deleted_at.is_(None), ANSWERS.c.value.is_not(None))
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

    def progress(self, shapes: Sequence[FormShape]) -> VisitProgress:
        return visit_progress(shapes, self.answers, self.photos, self.rated)


def read_stored_progress(connection: Any, ids: Sequence[str]) -> dict[str, StoredProgress]:
    """{visit id: what its progress reads} for these visits (absent: nothing given)."""
    stored: dict[str, StoredProgress] = {}
    if not ids:
        return stored

    def of(visit_id: str) -> StoredProgress:
        found = stored.get(visit_id)
        if found is None:
            found = stored[visit_id] = StoredProgress()
        return found

    a, p, r = ANSWERS.c, ATTACHMENTS.c, THEME_RATINGS.c
    answers = select(a.visit_id, a.form_id, a.item_id, a.value).where(*_GIVEN)
    photos = select(p.visit_id, p.form_id, p.item_id).where(*_LINKED_PHOTOS)
    rated = select(r.visit_id, r.theme_id).where(*_RATED)
    wanted: set[str] | None = None
    if len(ids) > _COUNT_BY_IDS_MAX:
        # One pass over each table; what belongs to visits not asked for is dropped.
        wanted = set(ids)
    else:
        answers = answers.where(a.visit_id.in_(ids))
        photos = photos.where(p.visit_id.in_(ids))
        rated = rated.where(r.visit_id.in_(ids))
    for visit_id, form_id, item_id, value in connection.execute(answers):
        if wanted is None or visit_id in wanted:
            of(visit_id).answers.setdefault(form_id, {})[item_id] = _decoded(value)
    for visit_id, form_id, item_id in connection.execute(photos):
        if (wanted is None or visit_id in wanted) and form_id is not None:
            of(visit_id).photos.add((form_id, item_id))
    for visit_id, theme_id in connection.execute(rated):
        if wanted is None or visit_id in wanted:
            of(visit_id).rated.add(theme_id)
    return stored


def _decoded(text: str) -> object:
    """An answer's JSON text as the value the ORM would read: plain strings (most
    answers) without going through the JSON decoder, which would cost the full list
    of 10,000 visits a good part of a second."""
    if text.startswith('"') and "\\" not in text:
        return text[1:-1]
    return json.loads(text)


def pinned_shapes(svc: Services, forms: PinnedKeys | Iterable[tuple[str, int]]) -> list[FormShape]:
    """The shapes of a visit's pinned forms; a form that is no longer installed counts
    for nothing (the visit is still shown)."""
    found = (svc.form_shape(form_id, version) for form_id, version in forms)
    return [shape for shape in found if shape is not None]
