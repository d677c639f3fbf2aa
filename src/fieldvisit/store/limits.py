"""A person's edit never stores a text longer than the sync can carry.

Checked once for every ORM write (`before_flush`), whatever service made it — an
answer's comment is set after its record is made, a conflict is resolved by typing —
so that no text a person types is refused by the server later. The limits are the wire
ones: a `String(N)` column holds N characters, a long text (`Text`, and a JSON answer
that is a text) `core.limits.LONG_TEXT_CHARS`.

Only edits are checked (history origins "edit" and "restore"): records that arrive
made (pulled, imported from an archive) are kept as they are, and the sync shows any
the server refuses. A value already over its limit (typed before the limit existed)
may be shortened step by step: a change is refused only if it leaves the text over the
limit *and* longer than it was.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text, event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from fieldvisit.core.errors import BadInput
from fieldvisit.core.limits import LONG_TEXT_CHARS, too_long_message
from fieldvisit.store.history import LOCAL_ORIGINS, current_origin
from fieldvisit.store.models import USER_RECORD_MODELS, SyncColumns
from fieldvisit.store.types import JSONValue

#: French names of the fields a person types, for the refusal
LABELS: dict[tuple[str, str], str] = {
    ("visits", "summary"): "synthèse de la visite",
    ("visits", "author"): "auteur",
    ("interviews", "notes"): "notes de l'entretien",
    ("interviews", "title"): "titre de l'entretien",
    ("recommendations", "text"): "texte de la recommandation",
    ("theme_ratings", "observations"): "observations",
    ("quick_notes", "text"): "note rapide",
    ("attachments", "caption"): "légende",
    ("observations", "place"): "lieu de l'observation",
    ("observations", "comment"): "commentaire de l'observation",
    ("contacts", "name"): "nom",
    ("contacts", "organisation"): "organisme",
    ("contacts", "phone"): "téléphone",
    ("contacts", "email"): "courriel",
}
_DEFAULT_LABELS = {"comment": "commentaire", "value": "réponse"}


def _limits(model: type[SyncColumns]) -> dict[str, int]:
    out: dict[str, int] = {}
    for column in inspect(model).columns:
        kind = column.type
        if isinstance(kind, Text | JSONValue):
            out[column.key] = LONG_TEXT_CHARS
        elif isinstance(kind, String) and kind.length:
            out[column.key] = kind.length
    out.pop("id", None)
    out.pop("updated_by", None)  # bookkeeping, never typed
    return out


LIMITS: dict[str, dict[str, int]] = {
    model.__tablename__: _limits(model)  # type: ignore[attr-defined]
    for model in USER_RECORD_MODELS
}


def field_limit(table: str, name: str) -> int | None:
    """How many characters this field holds (None: not a text)."""
    return LIMITS.get(table, {}).get(name)


def label(table: str, name: str) -> str:
    return LABELS.get((table, name)) or _DEFAULT_LABELS.get(name, name)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def _check(record: SyncColumns, new: bool) -> None:
    table = record.__tablename__  # type: ignore[attr-defined]
    state = inspect(record)
    for name, limit in LIMITS[table].items():
        if new:
            value, old = getattr(record, name), None
        else:
            history = state.attrs[name].history
            if not history.added:
                continue
            value = history.added[0]
            old = history.deleted[0] if history.deleted else None
        length = _length(value)
        if length > limit and length > _length(old):
            raise BadInput(too_long_message(label(table, name), length, limit))


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    if current_origin() not in LOCAL_ORIGINS:
        return
    for record in session.new:
        if isinstance(record, SyncColumns):
            _check(record, new=True)
    for record in session.dirty:
        if isinstance(record, SyncColumns):
            _check(record, new=False)
