"""Small shared helpers: fetch a live record or fail with a French message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy.orm import Session

from fieldvisit.core.errors import BadInput, NotFound
from fieldvisit.forms import FormDefinition, FormItem, validate_answer
from fieldvisit.forms.bindings import BOUND_FIELDS
from fieldvisit.services.describe import table_name
from fieldvisit.store.models import Answer, InterviewAnswer, SyncColumns

if TYPE_CHECKING:
    from fieldvisit.services.context import Services

R = TypeVar("R", bound=SyncColumns)


def get_live(session: Session, model: type[R], record_id: str) -> R:
    """The record with this id, unless it does not exist or was deleted."""
    record = session.get(model, record_id)
    if record is None or record.deleted_at is not None:
        kind = table_name(model.__tablename__).lower()
        raise NotFound(f"Introuvable : {kind} « {record_id} » (inexistant ou supprimé).")
    return record


def upsert_by_key(
    svc: Services, session: Session, model: type[R], record_id: str, **fields: Any
) -> R:
    """The record with a natural-key id, created if missing and revived if deleted.

    `fields` are only used when the record is created; the caller sets what changes.
    """
    record = session.get(model, record_id)
    if record is None:
        record = cast(Any, model)(id=record_id, **fields)
        svc.stamp(record, new=True)
        session.add(record)
    else:
        record.deleted_at = None
        record.deletion_id = None
        svc.stamp(record)
    return record


UNSET: Any = object()


def apply_answer(
    answer: Answer | InterviewAnswer, item: FormItem, value: Any, comment: str | None
) -> None:
    """Set a validated value (UNSET: keep, None: clear) and/or a comment."""
    if value is not UNSET:
        try:
            answer.value = None if value is None else validate_answer(item, value)
        except ValueError as err:
            raise BadInput(str(err)) from err
    if comment is not None:
        answer.comment = comment


def form_item(form: FormDefinition, item_id: str) -> FormItem:
    """The item to answer; BadInput for an unknown one, and for an item bound to a
    field of its visit or interview (forms/bindings.py): that field is edited with its
    own service, so that it is typed, kept and synced once."""
    try:
        item = form.item(item_id)
    except KeyError:
        raise BadInput(
            f"Élément « {item_id} » inconnu dans le formulaire « {form.title} »."
        ) from None
    if item.bind is not None:
        raise BadInput(
            f"« {item.label} » est {BOUND_FIELDS[item.bind].label} : modifiez-la là où "
            "elle est saisie, elle n'a pas de réponse à part dans le formulaire."
        )
    return item
