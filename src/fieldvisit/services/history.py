"""A record's or a field's history, and putting an old value back.

The history is written by the store with every change (store/history.py says what is
kept and how autosaves are coalesced); this module reads it for people and restores.

A restore writes the old value through the same service as a person's edit (so the
domain checks apply, the record is stamped and pending, and it syncs like any edit),
inside `recorded_as("restore")`: its own history entry says « restauration » and is
never folded into the edits around it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Integer, String, Text, inspect, select
from sqlalchemy.orm import Session

from fieldvisit.core import domain
from fieldvisit.core.errors import BadInput, NotFound
from fieldvisit.forms import FormDefinition, FormItem, ItemType
from fieldvisit.services import (
    actions,
    answers,
    attachments,
    contacts,
    deletion,
    diagnostic,
    interviews,
)
from fieldvisit.services import visits as visit_service
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import pinned_keys
from fieldvisit.store.history import ORIGIN_RESTORE, TRACKED, plain, recorded_as
from fieldvisit.store.models import (
    HistoryEntry,
    Interview,
    SyncColumns,
    Visit,
    natural_id,
)
from fieldvisit.store.serialize import MODELS_BY_TABLE
from fieldvisit.store.types import JSONValue, UTCDateTime

#: French names of the fields, for the messages of this module (the app has its own)
FIELD_LABELS: dict[str, str] = {
    "value": "Réponse",
    "comment": "Commentaire",
    "deleted_at": "Suppression",
    "name": "Nom",
    "role": "Fonction",
    "organisation": "Organisme",
    "phone": "Téléphone",
    "email": "Courriel",
    "commune_code": "Code commune",
    "commune_name": "Commune",
    "departement": "Département",
    "visit_date": "Date de la visite",
    "visit_type": "Type de visite",
    "status": "Statut",
    "author": "Auteur",
    "summary": "Synthèse",
    "title": "Titre",
    "held_on": "Date de l'entretien",
    "notes": "Notes libres",
    "level": "Niveau de préoccupation",
    "observations": "Observations",
    "text": "Texte",
    "theme_id": "Thème",
    "priority": "Priorité",
    "horizon": "Horizon",
    "porteur": "Porteur",
    "dispositif": "Dispositif",
    "due_date": "Échéance",
    "caption": "Légende",
    "filename": "Fichier",
    "moved_to": "Déplacée vers",
    "item_id": "Élément",
    "form_id": "Formulaire",
}

_ENUMS: dict[tuple[str, str], type[domain.LabelledEnum]] = {
    ("contacts", "role"): domain.ContactRole,
    ("visits", "status"): domain.VisitStatus,
    ("visits", "visit_type"): domain.VisitType,
    ("recommendations", "horizon"): domain.Horizon,
    ("recommendations", "porteur"): domain.Porteur,
    ("recommendations", "dispositif"): domain.Dispositif,
    ("recommendations", "status"): domain.ActionStatus,
}
YES_NO_NA = {"oui": "Oui", "non": "Non", "na": "Sans objet"}


def answer_record_id(visit_id: str, form_id: str, item_id: str) -> str:
    """The id of the answer to an item of a visit-level form (it may not exist yet)."""
    return natural_id("answer", visit_id, form_id, item_id)


def interview_answer_record_id(interview_id: str, item_id: str) -> str:
    return natural_id("interview-answer", interview_id, item_id)


# --- restoring ---------------------------------------------------------------------------

Restorer = Callable[[Services, Any, str, Any], object]


def _restore_answer(svc: Services, record: Any, name: str, value: Any) -> object:
    if name == "value":
        return answers.answer_item(
            svc, record.visit_id, record.form_id, record.item_id, value=value
        )
    return answers.answer_item(
        svc, record.visit_id, record.form_id, record.item_id, comment=value or ""
    )


def _restore_interview_answer(svc: Services, record: Any, name: str, value: Any) -> object:
    if name == "value":
        return interviews.answer_interview_item(svc, record.interview_id, record.item_id, value)
    return interviews.answer_interview_item(
        svc, record.interview_id, record.item_id, comment=value or ""
    )


def _restore_interview(svc: Services, record: Any, name: str, value: Any) -> object:
    if value is None or value == "":
        raise BadInput(
            f"« {FIELD_LABELS[name]} » ne peut pas être vidé : saisissez une valeur à la place."
        )
    return interviews.update_interview(svc, record.id, **{name: value})


def _restore_rating(svc: Services, record: Any, name: str, value: Any) -> object:
    if name == "level":
        return diagnostic.rate_theme(svc, record.visit_id, record.theme_id, level=value)
    return diagnostic.rate_theme(svc, record.visit_id, record.theme_id, observations=value or "")


def _restore_recommendation(svc: Services, record: Any, name: str, value: Any) -> object:
    return actions.update_recommendation(svc, record.id, **{name: value})


def _restore_caption(svc: Services, record: Any, _name: str, value: Any) -> object:
    return attachments.update_attachment(svc, record.id, caption=value or "")


def _restore_contact(svc: Services, record: Any, name: str, value: Any) -> object:
    if name in ("name", "role") and not value:
        raise BadInput(f"« {FIELD_LABELS[name]} » du contact ne peut pas être vide.")
    return contacts.update_contact(svc, record.id, **{name: value})


def _restore_visit(svc: Services, record: Any, name: str, value: Any) -> object:
    if value is None:
        raise BadInput(f"« {FIELD_LABELS[name]} » ne peut pas être vide.")
    return visit_service.update_visit(svc, record.id, **{name: value})


#: (table, field) -> how its old value is written back: the service a person's edit uses
RESTORERS: dict[tuple[str, str], Restorer] = {
    **{("answers", name): _restore_answer for name in ("value", "comment")},
    **{("interview_answers", name): _restore_interview_answer for name in ("value", "comment")},
    **{("interviews", name): _restore_interview for name in ("title", "held_on", "notes")},
    **{("theme_ratings", name): _restore_rating for name in ("level", "observations")},
    **{
        ("recommendations", name): _restore_recommendation
        for name in (
            "text",
            "theme_id",
            "priority",
            "horizon",
            "porteur",
            "dispositif",
            "due_date",
            "status",
        )
    },
    ("attachments", "caption"): _restore_caption,
    **{
        ("contacts", name): _restore_contact
        for name in ("name", "role", "organisation", "phone", "email", "commune_code")
    },
    **{("visits", name): _restore_visit for name in ("visit_date", "author", "summary")},
}


def _column_value(model: type[SyncColumns], name: str, value: Any) -> Any:
    """A history value (wire form) as the column's Python value.

    None for a text column that cannot be empty (a record created with it) is "": the
    service then says in French whether it may be empty.
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
    label = FIELD_LABELS.get(entry.field_name, entry.field_name)
    restorer = RESTORERS.get((entry.table_name, entry.field_name))
    if restorer is None:
        raise BadInput(f"« {label} » ne se restaure pas depuis l'historique.")
    if plain(getattr(record, entry.field_name)) == entry.old_value:
        raise BadInput(f"« {label} » a déjà cette valeur : rien à restaurer.")
    with recorded_as(ORIGIN_RESTORE):
        restorer(
            svc, record, entry.field_name, _column_value(model, entry.field_name, entry.old_value)
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
        label, labels = _describe(svc, session, table, record)
    return RecordHistory(
        table=table,
        record_id=record_id,
        field_name=field_name,
        record_label=label,
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
        restorable=(entry.table_name, entry.field_name) in RESTORERS
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


# --- labels ------------------------------------------------------------------------------


def _form(svc: Services, form_id: str | None, version: int | None) -> FormDefinition | None:
    if not form_id or not version:
        return None
    try:
        return svc.forms.get(form_id, version)
    except NotFound:
        return None


def _visit_form(svc: Services, visit: Visit | None, form_id: str) -> FormDefinition | None:
    if visit is None:
        return None
    return _form(svc, form_id, pinned_keys(visit).version_of(form_id))


def _item_labels(item: FormItem | None) -> dict[str, str]:
    if item is None:
        return {}
    if item.type == ItemType.yes_no_na:
        return dict(YES_NO_NA)
    return {choice.id: choice.label for choice in item.choices}


def _form_item(form: FormDefinition | None, item_id: str) -> FormItem | None:
    if form is None:
        return None
    try:
        return form.item(item_id)
    except KeyError:
        return None


def _short(text: str | None, length: int = 80) -> str:
    lines = (text or "").strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= length else first[: length - 1] + "…"


def _describe(
    svc: Services, session: Session, table: str, record: Any
) -> tuple[str, dict[str, dict[str, str]]]:
    """A short French name of the record and, per field, the labels of stored codes."""
    labels: dict[str, dict[str, str]] = {
        name: {member.value: member.label for member in enum}
        for (enum_table, name), enum in _ENUMS.items()
        if enum_table == table
    }
    if table == "recommendations":
        labels["priority"] = {str(k): v for k, v in domain.PRIORITY_LABELS.items()}
    if table == "theme_ratings":
        labels["level"] = {str(k): v for k, v in domain.CONCERN_LABELS.items() if k is not None}
    if record is None:
        return "", labels
    if table == "answers":
        visit = session.get(Visit, record.visit_id)
        item = _form_item(_visit_form(svc, visit, record.form_id), record.item_id)
        labels["value"] = _item_labels(item)
        return (item.label if item else record.item_id), labels
    if table == "interview_answers":
        interview = session.get(Interview, record.interview_id)
        form = _form(svc, interview.form_id, interview.form_version) if interview else None
        item = _form_item(form, record.item_id)
        labels["value"] = _item_labels(item)
        return (item.label if item else record.item_id), labels
    if table in ("theme_ratings", "recommendations"):
        visit = session.get(Visit, record.visit_id)
        form = _visit_form(svc, visit, visit.diagnostic_form_id or "") if visit else None
        themes = {theme.id: theme.label for theme in form.iter_themes()} if form else {}
        if table == "theme_ratings":
            return themes.get(record.theme_id, record.theme_id), labels
        labels["theme_id"] = themes
        return _short(record.text), labels
    if table == "visits":
        return f"{record.commune_name}, {record.visit_date.strftime('%d/%m/%Y')}", labels
    for attribute in ("title", "name", "filename", "text"):
        value = getattr(record, attribute, None)
        if isinstance(value, str) and value.strip():
            return _short(value), labels
    return "", labels
