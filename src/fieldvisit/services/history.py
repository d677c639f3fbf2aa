"""A record's or a field's history, and putting an old value back.

The history is written by the store with every change (store/history.py says what is
kept and how autosaves are coalesced); this module reads it for people and restores.

A restore writes the old value through the same service as a person's edit (so the
domain checks apply, the record is stamped and pending, and it syncs like any edit),
inside `recorded_as("restore")`: its own history entry says « restauration » and is
never folded into the edits around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Date, Integer, String, Text, inspect, select

from fieldvisit.core.errors import BadInput, NotFound
from fieldvisit.services import deletion
from fieldvisit.services.context import Services
from fieldvisit.services.describe import contact_names, describe, field_name
from fieldvisit.services.edits import EDITORS, column_value, set_field
from fieldvisit.store.history import ORIGIN_RESTORE, TRACKED, plain, recorded_as
from fieldvisit.store.models import HistoryEntry, SyncColumns, natural_id
from fieldvisit.store.serialize import MODELS_BY_TABLE
from fieldvisit.store.types import JSONValue, UTCDateTime


def answer_record_id(visit_id: str, form_id: str, item_id: str) -> str:
    """The id of the answer to an item of a visit-level form (it may not exist yet)."""
    return natural_id("answer", visit_id, form_id, item_id)


def interview_answer_record_id(interview_id: str, item_id: str) -> str:
    return natural_id("interview-answer", interview_id, item_id)


# --- restoring ---------------------------------------------------------------------------


def restore(svc: Services, entry_id: int) -> HistoryItem:
    """Write back the value an entry replaced; the restore's own history entry.

    Goes through the service of a person's edit: the value is checked again (a form
    changed since may refuse it, with its French message), the record is stamped and
    sent at the next sync.
    """
    with svc.store.reading() as session:
        entry = session.get(HistoryEntry, entry_id)
        if entry is None:
            raise NotFound(f"Entrée d'historique introuvable : « {entry_id} ».")
        model = MODELS_BY_TABLE.get(entry.table_name)
        record = session.get(model, entry.record_id) if model is not None else None
        if model is None or record is None:
            raise NotFound("L'enregistrement de cette entrée d'historique n'existe plus.")
    if entry.field_name == "deleted_at":
        return _restore_deletion(svc, entry, record)
    with svc.store.reading() as session:
        if record.deleted_at is not None:
            raise BadInput(
                "Cet enregistrement a été supprimé : sa valeur ne peut pas être restaurée."
            )
    label = field_name(entry.table_name, entry.field_name)
    if (entry.table_name, entry.field_name) not in EDITORS:
        raise BadInput(f"« {label} » ne se restaure pas depuis l'historique.")
    if plain(getattr(record, entry.field_name)) == entry.old_value:
        raise BadInput(f"« {label} » a déjà cette valeur : rien à restaurer.")
    with recorded_as(ORIGIN_RESTORE):
        set_field(
            svc, record, entry.field_name, column_value(model, entry.field_name, entry.old_value)
        )
    return _newest(svc, entry)


def _is_deletion(table: str, field_name: str, old: Any, new: Any) -> bool:
    return field_name == "deleted_at" and old is None and new is not None


def _restore_deletion(svc: Services, entry: HistoryEntry, record: Any) -> HistoryItem:
    """Undo a deletion, whole: the record and everything the same deletion removed,
    and the deletions of its visit or interview if they are deleted too
    (services/deletion.py), so that nothing stays half-deleted."""
    if not _is_deletion(entry.table_name, entry.field_name, entry.old_value, entry.new_value):
        raise BadInput("Seule une suppression se restaure depuis cette entrée.")
    if record.deleted_at is None:
        raise BadInput("Cet enregistrement n'est pas supprimé : rien à restaurer.")
    with recorded_as(ORIGIN_RESTORE):
        deletion.undelete(svc, entry.table_name, entry.record_id)
    return _newest(svc, entry)


def _newest(svc: Services, entry: HistoryEntry) -> HistoryItem:
    with svc.store.reading() as session:
        newest = session.scalars(
            select(HistoryEntry)
            .where(
                HistoryEntry.table_name == entry.table_name,
                HistoryEntry.record_id == entry.record_id,
                HistoryEntry.field_name == entry.field_name,
            )
            .order_by(HistoryEntry.id.desc())
            .limit(1)
        ).one()
        return _item(svc, newest)


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryItem:
    """One history entry as a person reads it (values as stored: see `RecordHistory`)."""

    id: int
    table: str
    record_id: str
    field: str
    old: Any
    new: Any
    changed_at: datetime
    user_name: str | None
    device_id: str
    this_device: bool
    origin: str  # store.history.ORIGINS: edit, pulled, merge, restore, import
    restorable: bool


@dataclass(frozen=True)
class RecordHistory:
    """The entries of a record (or of one of its fields), newest first, and what is
    needed to show their values: each field's kind ("str", "text", "int", "date",
    "datetime", "json", "bool"), the labels of stored codes (a choice id, a status…) and
    the record's current values (a restore that would change nothing is not offered).
    """

    table: str
    record_id: str
    field_name: str | None  # None: every field of the record
    record_label: str
    entries: list[HistoryItem]
    current: dict[str, Any] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    exists: bool = True

    def can_restore(self, entry: HistoryItem) -> bool:
        """Whether restoring this entry's old value would change the record."""
        if entry.field == "deleted_at":  # a deletion: undone whole
            return self.exists and entry.restorable and self.current.get("deleted_at") is not None
        return (
            self.exists
            and entry.restorable
            and self.current.get("deleted_at") is None
            and self.current.get(entry.field) != entry.old
        )


def for_record(svc: Services, table: str, record_id: str) -> RecordHistory:
    """Every entry of a record, newest first."""
    return _history(svc, table, record_id, None)


def for_field(svc: Services, table: str, record_id: str, field_name: str) -> RecordHistory:
    """The entries of one field of a record, newest first."""
    if field_name not in TRACKED.get(table, ()):
        raise BadInput(f"Champ « {field_name} » inconnu pour « {table} ».")
    return _history(svc, table, record_id, field_name)


def _history(svc: Services, table: str, record_id: str, field_name: str | None) -> RecordHistory:
    model = MODELS_BY_TABLE.get(table)
    if model is None:
        raise BadInput(f"Type d'enregistrement inconnu : « {table} ».")
    query = select(HistoryEntry).where(
        HistoryEntry.table_name == table, HistoryEntry.record_id == record_id
    )
    if field_name is not None:
        query = query.where(HistoryEntry.field_name == field_name)
    with svc.store.reading() as session:
        entries = [_item(svc, e) for e in session.scalars(query.order_by(HistoryEntry.id.desc()))]
        record = session.get(model, record_id)
        current = {name: plain(getattr(record, name)) for name in TRACKED[table]} if record else {}
        described = describe(svc, session, table, record)
        labels = described.value_labels
        if table == "recommendations":
            # Every porteur the entries name, by name (one who is no porteur any more
            # and was of no contact list the record's visit shows, too).
            named = {
                str(value)
                for entry in entries
                if entry.field == "porteur_contact_id"
                for value in (entry.old, entry.new)
                if value
            }
            labels = {
                **labels,
                "porteur_contact_id": {
                    **contact_names(session, named),
                    **labels.get("porteur_contact_id", {}),
                },
            }
    return RecordHistory(
        table=table,
        record_id=record_id,
        field_name=field_name,
        record_label=described.label,
        entries=entries,
        current=current,
        kinds={name: _kind(model, name) for name in TRACKED[table]},
        value_labels=labels,
        exists=record is not None,
    )


def _item(svc: Services, entry: HistoryEntry) -> HistoryItem:
    return HistoryItem(
        id=entry.id,
        table=entry.table_name,
        record_id=entry.record_id,
        field=entry.field_name,
        old=entry.old_value,
        new=entry.new_value,
        changed_at=entry.changed_at,
        user_name=entry.user_name,
        device_id=entry.device_id,
        this_device=entry.device_id == svc.store.device_id,
        origin=entry.origin,
        restorable=(entry.table_name, entry.field_name) in EDITORS
        or _is_deletion(entry.table_name, entry.field_name, entry.old_value, entry.new_value),
    )


def _kind(model: type[SyncColumns], name: str) -> str:
    kind = inspect(model).columns[name].type
    if isinstance(kind, UTCDateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, JSONValue):
        return "json"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, Integer):
        return "int"
    if isinstance(kind, Text):
        return "text"
    if isinstance(kind, String):
        return "str"
    return "str"
