"""Conflicts left by the merge: list them, and resolve one by choosing or editing.

Resolving is a local edit like any other: the chosen value is written through the
service of a person's edit of that field (services/edits.py), stamped and pushed at the
next sync; the conflict row keeps what was decided, in the same transaction. What the
view shows of a record (its name, the labels of its codes) is services/describe.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.dates import moment_text
from fieldvisit.core.errors import BadInput, NotFound
from fieldvisit.forms.enums import ItemType
from fieldvisit.services.context import Services
from fieldvisit.services.deletion import delete_whole, revive
from fieldvisit.services.describe import (
    describe,
    field_name,
    label_beside_visit,
    named,
    visit_of,
)
from fieldvisit.services.edits import column_value, set_field
from fieldvisit.store.history import plain
from fieldvisit.store.serialize import MODELS_BY_TABLE
from fieldvisit.store.sync_models import SyncConflict
from fieldvisit.sync.conflict_log import (
    OUTDATED,
    REPLACED,
    SAME,
    SOURCE_IMPORT,
    SOURCE_SYNC,
    edited_here,
    replacement,
    source_of,
)
from fieldvisit.sync.wire import TABLES, check_field

Choice = Literal["local", "remote", "value"]


def open_conflicts(svc: Services) -> list[SyncConflict]:
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None))
                .order_by(SyncConflict.created_at, SyncConflict.id)
            )
        )


class ConflictOutdated(BadInput):
    """The conflict changed since it was shown: a newer version reached this laptop."""

    def __init__(self, message: str, replaced_by: str | None) -> None:
        super().__init__(message)
        self.replaced_by = replaced_by


def resolve_conflict(svc: Services, conflict_id: str, choice: Choice, value: Any = None) -> None:
    """Keep the local value, the remote one, or an edited `value` (field conflicts).

    The decision is taken on the conflict as it was shown: if a newer version of the
    record arrived since, the conflict was replaced by one showing it
    (sync/conflict_log.py) and this decision is refused (`ConflictOutdated`), nothing
    written; the same if the field was edited here since (the record holds a value of
    neither side): the conflict is replaced by one whose local side is that value, so
    that the person's latest value is never erased unseen. Otherwise the chosen value
    is an ordinary pending edit, based on the version the conflict showed: a change
    reaching the server meanwhile is merged against it at the next sync, never
    overwritten.

    For a deletion conflict, "local"/"remote" pick a side's state: deleted (the record
    and all it holds are deleted again, as one new deletion) or kept.
    """
    if choice not in ("local", "remote", "value"):
        raise BadInput(f"Choix inconnu « {choice} » : local, remote ou value.")
    outdated: ConflictOutdated | None = None
    now = svc.clock()
    with svc.store.transaction() as session:
        conflict = session.get(SyncConflict, conflict_id)
        if conflict is None:
            raise NotFound(f"Conflit introuvable : « {conflict_id} ».")
        if conflict.resolved_at is not None:
            raise _closed(session, conflict)
        model = MODELS_BY_TABLE.get(conflict.table_name)
        record = session.get(model, conflict.record_id) if model is not None else None
        if record is None:
            raise NotFound(f"L'enregistrement du conflit « {conflict_id} » n'existe plus.")
        if conflict.kind == "delete":
            if choice == "value":
                raise BadInput("Un conflit de suppression se résout par local ou remote.")
            wanted_deleted = bool(
                conflict.local_value if choice == "local" else conflict.remote_value
            )
            if wanted_deleted and not record.is_deleted:
                delete_whole(session, record, svc.clock, svc.stamp)
                details = dict(conflict.details) if isinstance(conflict.details, dict) else {}
                details["deleted_again"] = True
                conflict.details = details
            elif not wanted_deleted and record.is_deleted:
                revive(session, svc.stamp, records=[(conflict.table_name, record.id)])
        else:
            chosen = {"local": conflict.local_value, "remote": conflict.remote_value}.get(
                choice, value
            )
            problem = check_field(conflict.table_name, conflict.field_name, chosen)
            if choice == "value" and problem:
                raise BadInput(f"Valeur refusée : {problem}.")
            current = plain(getattr(record, conflict.field_name))
            newer = None if record.is_deleted else edited_here(session, conflict, current, now)
            if newer is not None:
                outdated = ConflictOutdated(
                    "Ce conflit a changé depuis qu'il a été affiché : la valeur a été "
                    "modifiée sur cet ordinateur, rien n'a été choisi. Il est affiché à "
                    f"nouveau avec cette valeur (conflit « {newer.id} ») : choisissez de "
                    "nouveau.",
                    newer.id,
                )
            elif chosen != current:
                if record.is_deleted:
                    raise BadInput(
                        "L'enregistrement de ce conflit a été supprimé : restaurez-le "
                        "d'abord (historique) pour choisir sa valeur."
                    )
                # Through the service of a person's edit of the field, in this
                # transaction: the decision and the value are committed together.
                value = column_value(type(record), conflict.field_name, chosen)
                set_field(svc, record, conflict.field_name, value)
        if outdated is None:
            conflict.resolved_at = now
            conflict.resolution = choice
    if outdated is not None:
        raise outdated  # the replacement is kept: the view shows it


def _closed(session: Session, conflict: SyncConflict) -> BadInput:
    """Why a closed conflict cannot be resolved (French)."""
    if conflict.resolution in (OUTDATED, REPLACED):
        newer = replacement(session, conflict)
        if newer is not None:
            return ConflictOutdated(
                "Ce conflit a changé depuis qu'il a été affiché : une version plus récente "
                "est arrivée du serveur, rien n'a été modifié. Il est affiché à nouveau "
                f"avec cette version (conflit « {newer.id} ») : choisissez de nouveau.",
                newer.id,
            )
    if conflict.resolution == SAME or conflict.resolution in (OUTDATED, REPLACED):
        return NotFound(
            "Ce conflit n'a plus lieu d'être : les deux versions sont maintenant identiques."
        )
    return NotFound(f"Conflit déjà résolu : « {conflict.id} ».")


# --- what the conflict view shows --------------------------------------------------------


@dataclass(frozen=True)
class ConflictEntry:
    """An open conflict with what a person needs to recognise it.

    `value_labels` maps stored codes to their French labels (a choice of a form item,
    a status…) for this field; `field_kind` is the wire kind of the field ("text", "str",
    "int", "date", "json"…; "" for a delete conflict).
    """

    id: str
    table: str
    record_id: str
    field_name: str
    conflict_kind: str
    local: Any
    remote: Any
    base: Any
    created_at: datetime
    field_kind: str = ""
    visit_id: str | None = None
    commune_name: str = ""
    departement: str = ""
    visit_date: date | None = None
    record_label: str = ""
    value_labels: dict[str, str] = field(default_factory=dict)
    # When the server's version was written, if the record still carries its stamp.
    remote_updated_at: datetime | None = None
    # Free text (a summary, a comment, a text answer): a merged value may be typed.
    free_text: bool = False
    # "sync" (found by a pull: the record shows the server's value) or "import" (found
    # by an archive import: the record keeps this laptop's value, `remote` is the
    # archive's).
    source: str = SOURCE_SYNC
    # What happened, in French: for a deletion, who deleted what and why it came back;
    # for an import, which archive the other value comes from.
    explanation: str = ""
    # The server version of the record this conflict shows (sync/conflict_log.py).
    record_version: int | None = None

    @property
    def editable(self) -> bool:
        """A merged value can be typed: free text whose two values are texts."""
        return (
            self.conflict_kind != "delete"
            and self.free_text
            and all(isinstance(v, str) or v is None for v in (self.local, self.remote))
        )


# Text columns that hold codes or references, never typed by hand.
_CODE_FIELDS = frozenset(
    {"commune_code", "departement", "sha256", "media_type", "form_id", "item_id", "theme_id",
     "moved_to", "visit_id", "contact_id", "interview_id", "previous_visit_id",
     "carried_from_id", "checklist_form_id", "diagnostic_form_id"}
)  # fmt: skip
_FREE_TEXT_ITEMS = frozenset({ItemType.text, ItemType.long_text})


def conflict_entries(svc: Services) -> list[ConflictEntry]:
    """The open conflicts, oldest first, described for the conflict view."""
    entries = []
    with svc.store.reading() as session:
        for conflict in session.scalars(
            select(SyncConflict)
            .where(SyncConflict.resolved_at.is_(None))
            .order_by(SyncConflict.created_at, SyncConflict.id)
        ):
            entries.append(_describe(svc, session, conflict))
    return entries


def _describe(svc: Services, session: Session, conflict: SyncConflict) -> ConflictEntry:
    model = MODELS_BY_TABLE.get(conflict.table_name)
    record = session.get(model, conflict.record_id) if model is not None else None
    visit = visit_of(session, conflict.table_name, record)
    described = describe(svc, session, conflict.table_name, record)
    labels = described.value_labels.get(conflict.field_name, {})
    item_type = described.item_type if conflict.field_name == "value" else None
    label = label_beside_visit(svc, session, conflict.table_name, record)
    remote_at = None
    if record is not None and record.updated_by != svc.store.device_id and not record.pending:
        remote_at = record.updated_at
    kind = TABLES.get(conflict.table_name, {}).get(conflict.field_name, "")
    if item_type is not None:  # an answer's value: free text only for text items
        free_text = item_type in _FREE_TEXT_ITEMS
    else:
        free_text = (
            kind.startswith(("text", "str"))
            and not labels
            and conflict.field_name not in _CODE_FIELDS
        )
    return ConflictEntry(
        id=conflict.id,
        table=conflict.table_name,
        record_id=conflict.record_id,
        field_name=conflict.field_name,
        conflict_kind=conflict.kind,
        local=conflict.local_value,
        remote=conflict.remote_value,
        base=conflict.base_value,
        created_at=conflict.created_at,
        field_kind=kind,
        visit_id=visit.id if visit is not None else None,
        commune_name=visit.commune_name if visit is not None else "",
        departement=visit.departement if visit is not None else "",
        visit_date=visit.visit_date if visit is not None else None,
        record_label=label,
        value_labels=labels,
        remote_updated_at=remote_at,
        free_text=free_text,
        source=source_of(conflict),
        explanation=_explain(svc, session, conflict, record),
        record_version=conflict.record_version,
    )


# --- explanations ------------------------------------------------------------------------


def _explain(svc: Services, session: Session, conflict: SyncConflict, record: Any) -> str:
    details = conflict.details if isinstance(conflict.details, dict) else {}
    if conflict.kind == "delete":
        return _explain_deletion(svc, session, conflict, record, details)
    if source_of(conflict) == SOURCE_IMPORT:
        archive = details.get("archive") or "une archive"
        return (
            f"Valeur importée de l'archive « {archive} » : elle diffère de celle de cet "
            "ordinateur, qui est gardée en attendant votre choix."
        )
    return ""


def _when(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return ""
    return f" le {moment_text(moment, ' à ')}"


def _explain_deletion(
    svc: Services,
    session: Session,
    conflict: SyncConflict,
    record: Any,
    details: dict[str, Any],
) -> str:
    """Who deleted what, when, and the edits that brought it back (French)."""
    what = named(svc, session, conflict.table_name, record)
    removed = details.get("removed")
    if isinstance(removed, int) and removed > 1:
        held = removed - 1
        pronoun = "il" if conflict.table_name == "interviews" else "elle"
        what += f" et {held} enregistrement{'s' if held > 1 else ''} qu'{pronoun} contenait"
    user = details.get("deleted_by") or ""
    if details.get("deleted_here", conflict.local_value):
        who = "sur cet ordinateur" + (f" ({user})" if user else "")
    else:
        who = f"par {user} sur un autre appareil" if user else "sur un autre appareil"
    reasons = []
    for reason in details.get("kept_because", []):
        if not isinstance(reason, dict):
            continue
        table = str(reason.get("table", ""))
        model = MODELS_BY_TABLE.get(table)
        kept = session.get(model, reason.get("id")) if model is not None else None
        name = named(svc, session, table, kept)
        where = "sur cet ordinateur" if reason.get("here") else (
            f"par {reason['by']}" if reason.get("by") else "sur un autre appareil"
        )  # fmt: skip
        fields = [field_name(table, f) for f in reason.get("fields", [])]
        if reason.get("added"):
            reasons.append(f"{name} a été ajouté(e) {where}")
        elif fields:
            reasons.append(f"{name} a été modifié(e) {where} ({', '.join(fields)})")
        else:
            reasons.append(f"{name} a été modifié(e) {where}")
    text = f"Suppression {who}{_when(details.get('deleted_at'))} de {what}."
    if reasons:
        text += " Elle a été annulée partout, car " + " ; ".join(reasons) + "."
    else:
        text += " Elle a été annulée partout, car une modification l'emportait."
    text += (
        " Gardez la visite telle qu'elle est revenue, ou confirmez la suppression."
        if conflict.table_name == "visits"
        else " Gardez l'enregistrement, ou confirmez la suppression."
    )
    return text
