"""One field of a record set to a chosen value, through the service of a person's edit.

Putting an old value back from the history (services/history.py) and keeping one
side of a conflict (sync/conflicts.py) both set one field of an existing record to a
value chosen by a person. Both go through `set_field`: where people edit that field
(an answer, a recommendation, a theme's rating, a contact…) the edit's own service
writes it, with its checks, its stamp and its history entry, like every other change;
`EDITORS` says which. The other fields (a visit's status or commune, where a quick
note went…) are never typed by a person: a conflict over them is settled by writing
the chosen version's value as it is, stamped the same way.

Called inside the caller's transaction, the services join it (store/database.py:
Store.transaction): the caller's own bookkeeping is committed with the edit, or not at
all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, String, Text, inspect

from fieldvisit.core.action_plan import CONTRACT_FIELDS
from fieldvisit.core.errors import BadInput
from fieldvisit.services import (
    actions,
    answers,
    attachments,
    contacts,
    diagnostic,
    interviews,
    observations,
    repeats,
    signatures,
)
from fieldvisit.services import visits as visit_service
from fieldvisit.services.context import Services
from fieldvisit.services.describe import field_name
from fieldvisit.store.models import SyncColumns
from fieldvisit.store.types import JSONValue, UTCDateTime

#: how a person's edit of a field is made: (services, record, field, value) -> record
Editor = Callable[[Services, Any, str, Any], object]


def _answer(svc: Services, record: Any, name: str, value: Any) -> object:
    if name == "value":
        return answers.answer_item(
            svc, record.visit_id, record.form_id, record.item_id, value=value
        )
    return answers.answer_item(
        svc, record.visit_id, record.form_id, record.item_id, comment=value or ""
    )


def _interview_answer(svc: Services, record: Any, name: str, value: Any) -> object:
    if name == "value":
        return interviews.answer_interview_item(svc, record.interview_id, record.item_id, value)
    return interviews.answer_interview_item(
        svc, record.interview_id, record.item_id, comment=value or ""
    )


def _interview(svc: Services, record: Any, name: str, value: Any) -> object:
    if value is None or value == "":
        raise BadInput(
            f"« {field_name('interviews', name)} » ne peut pas être vidé : saisissez une "
            "valeur à la place."
        )
    return interviews.update_interview(svc, record.id, **{name: value})


def _rating(svc: Services, record: Any, name: str, value: Any) -> object:
    if name == "level":
        return diagnostic.rate_theme(svc, record.visit_id, record.theme_id, level=value)
    return diagnostic.rate_theme(svc, record.visit_id, record.theme_id, observations=value or "")


def _recommendation(svc: Services, record: Any, name: str, value: Any) -> object:
    return actions.update_recommendation(svc, record.id, **{name: value})


def _caption(svc: Services, record: Any, _name: str, value: Any) -> object:
    return attachments.update_attachment(svc, record.id, caption=value or "")


def _annotation(svc: Services, record: Any, _name: str, value: Any) -> object:
    return attachments.annotate(svc, record.id, value)


def _observation(svc: Services, record: Any, name: str, value: Any) -> object:
    return observations.update_observation(svc, record.id, **{name: value})


def _signature(svc: Services, record: Any, name: str, value: Any) -> object:
    # Through the signing service: a restored drawing or name is checked as a new one.
    fields = {"name": record.name, "strokes": record.strokes, "signed_at": record.signed_at}
    fields[name] = value
    return signatures.sign(svc, record.visit_id, record.role, **fields)


def _occurrence_answer(svc: Services, record: Any, _name: str, value: Any) -> object:
    return repeats.set_occurrence_answer(svc, record.occurrence_id, record.item_id, value)


def _contact(svc: Services, record: Any, name: str, value: Any) -> object:
    if name in ("name", "role") and not value:
        raise BadInput(f"« {field_name('contacts', name)} » du contact ne peut pas être vide.")
    return contacts.update_contact(svc, record.id, **{name: value})


def _visit(svc: Services, record: Any, name: str, value: Any) -> object:
    if value is None:
        raise BadInput(f"« {field_name('visits', name)} » ne peut pas être vide.")
    return visit_service.update_visit(svc, record.id, **{name: value})


#: (table, field) -> the service of a person's edit of that field
EDITORS: dict[tuple[str, str], Editor] = {
    **{("answers", name): _answer for name in ("value", "comment")},
    **{("interview_answers", name): _interview_answer for name in ("value", "comment")},
    **{("interviews", name): _interview for name in ("title", "held_on", "notes")},
    **{("theme_ratings", name): _rating for name in ("level", "observations")},
    **{
        ("recommendations", name): _recommendation
        for name in (
            "text",
            "theme_id",
            "priority",
            "horizon",
            "porteur",
            "dispositif",
            "due_date",
            "status",
            *CONTRACT_FIELDS,
        )
    },
    ("attachments", "caption"): _caption,
    ("occurrence_answers", "value"): _occurrence_answer,
    ("attachments", "annotation"): _annotation,
    **{("observations", name): _observation for name in sorted(observations.EDITABLE)},
    **{("signatures", name): _signature for name in ("name", "strokes", "signed_at")},
    **{
        ("contacts", name): _contact
        for name in ("name", "role", "organisation", "phone", "email", "commune_code")
    },
    **{("visits", name): _visit for name in ("visit_date", "author", "summary")},
}


def set_field(svc: Services, record: SyncColumns, name: str, value: Any) -> None:
    """Set one field of a live record to `value` (the column's Python value), through
    its edit service where people edit it (see the module docstring)."""
    table = type(record).__tablename__
    editor = EDITORS.get((table, name))
    if editor is not None:
        editor(svc, record, name, value)
        return
    with svc.store.transaction() as session:
        held = session.get(type(record), record.id)  # the caller's own, when it joins
        if held is None:
            raise BadInput(f"{field_name(table, name)} : l'enregistrement n'existe plus.")
        setattr(held, name, value)
        svc.stamp(held)


def column_value(model: type[SyncColumns], name: str, value: Any) -> Any:
    """A value as the wire and the history keep it (JSON: dates as ISO text) as the
    column's Python value.

    None for a text column that cannot be empty (a record created with it) is "": the
    edit's service then says in French whether it may be empty.
    """
    column = inspect(model).columns[name]
    kind = column.type
    if value is None:
        text = isinstance(kind, String | Text) and not isinstance(kind, JSONValue)
        return "" if text and not column.nullable else None
    if isinstance(kind, Date):
        return date.fromisoformat(str(value))
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(str(value))
    return value
