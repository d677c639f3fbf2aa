"""A record described for people: what kind of record it is, what its fields are called,
a short name of the record, and the labels of the codes it stores.

Every place that shows a record to a person asks here — the history of changes
(services/history.py), the conflicts and the refused changes (sync/conflicts.py,
sync/refusals.py), and the app's conflict, refusal and history views — so that a field
has one name everywhere. The names come in the app's two languages, French first and
English for the app in English: like the labels of `core/domain.py` they are words of
the domain, not Qt strings, so the command line and the services use them too.

The names are plain data (the app's shell reads them at a cold start); what describes
a record reads the store, and imports its models when first asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from fieldvisit.core import domain
from fieldvisit.core.dates import day_text
from fieldvisit.core.errors import NotFound
from fieldvisit.forms.enums import YES_NO_NA_LABELS, ItemType
from fieldvisit.services.visit_forms import pinned_keys, visit_forms

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session

    from fieldvisit.forms.schema import FormDefinition, FormItem
    from fieldvisit.services.context import Services
    from fieldvisit.store.models import Visit

Language = Literal["fr", "en"]
#: a record's short name is cut to this many characters (its first line)
NAME_LENGTH = 80


@dataclass(frozen=True)
class Name:
    """A word of the domain in the app's two languages."""

    fr: str
    en: str

    def said(self, language: Language = "fr") -> str:
        return self.en if language == "en" else self.fr


#: what kind of record a table holds (also the noun in a sentence, lower-cased)
TABLE_NAMES: dict[str, Name] = {
    "visits": Name("Visite", "Visit"),
    "answers": Name("Question", "Question"),
    "interviews": Name("Entretien", "Interview"),
    "interview_answers": Name("Question d'entretien", "Interview question"),
    "visit_participants": Name("Participant", "Participant"),
    "interviewees": Name("Personne entendue", "Person interviewed"),
    "theme_ratings": Name("Thème du diagnostic", "Diagnostic theme"),
    "recommendations": Name("Recommandation", "Recommendation"),
    "observations": Name("Observation", "Observation"),
    "repeat_occurrences": Name("Occurrence d'un groupe répétable", "Repeat group entry"),
    "occurrence_answers": Name("Réponse d'une occurrence", "Repeat group answer"),
    "attachments": Name("Photo ou fichier joint", "Photo or attached file"),
    "quick_notes": Name("Note rapide", "Quick note"),
    "signatures": Name("Signature", "Signature"),
    "contacts": Name("Contact", "Contact"),
}

#: what a field is called, whatever its table (see _TABLE_FIELD_NAMES for exceptions)
FIELD_NAMES: dict[str, Name] = {
    "value": Name("Réponse", "Answer"),
    "comment": Name("Commentaire", "Comment"),
    "deleted_at": Name("Suppression", "Deletion"),
    "summary": Name("Synthèse", "Summary"),
    "status": Name("Statut", "Status"),
    "visit_date": Name("Date de la visite", "Visit date"),
    "visit_type": Name("Type de visite", "Visit type"),
    "author": Name("Auteur", "Author"),
    "commune_code": Name("Code commune", "Commune code"),
    "commune_name": Name("Commune", "Commune"),
    "departement": Name("Département", "Département"),
    "title": Name("Titre", "Title"),
    "held_on": Name("Date de l'entretien", "Interview date"),
    "notes": Name("Notes libres", "Notes"),
    "level": Name("Niveau de préoccupation", "Level of concern"),
    "observations": Name("Observations", "Observations"),
    "text": Name("Texte", "Text"),
    "theme_id": Name("Thème", "Theme"),
    "priority": Name("Priorité", "Priority"),
    "horizon": Name("Horizon", "Horizon"),
    "porteur": Name("Porteur", "Lead"),
    "dispositif": Name("Dispositif", "Scheme"),
    "dispositifs": Name("Dispositifs", "Schemes"),
    "porteur_contact_id": Name("Porteur nommé", "Named lead"),
    "description": Name("Description", "Description"),
    "estimated_cost": Name("Coût estimé (€)", "Estimated cost (€)"),
    "funding": Name("Financements", "Funding"),
    "success_indicator": Name("Indicateur de réussite", "Success indicator"),
    "review_date": Name("Date de revue", "Review date"),
    "due_date": Name("Échéance", "Due date"),
    "caption": Name("Légende", "Caption"),
    "filename": Name("Nom du fichier", "File name"),
    "name": Name("Nom", "Name"),
    "role": Name("Fonction", "Role"),
    "organisation": Name("Organisme", "Organisation"),
    "phone": Name("Téléphone", "Phone"),
    "email": Name("Courriel", "Email"),
    "moved_to": Name("Rangée dans", "Filed under"),
    "noted_at": Name("Notée le", "Noted at"),
    "item_id": Name("Élément", "Item"),
    "taken_at": Name("Prise le", "Taken at"),
    "orientation": Name("Orientation", "Orientation"),
    "gps": Name("Position GPS", "GPS position"),
    "annotation": Name("Annotation", "Annotation"),
    "category": Name("Catégorie", "Category"),
    "place": Name("Lieu", "Place"),
    "severity": Name("Gravité", "Severity"),
    "action_id": Name("Action liée", "Linked action"),
    "pin": Name("Position sur le plan", "Position on the plan"),
    "observation_id": Name("Observation", "Observation"),
    "group_id": Name("Groupe répétable", "Repeat group"),
    "occurrence_id": Name("Occurrence", "Entry"),
}
_TABLE_FIELD_NAMES: dict[tuple[str, str], Name] = {
    ("recommendations", "text"): Name("Texte de la recommandation", "Recommendation text"),
    ("quick_notes", "text"): Name("Texte de la note", "Note text"),
    ("observations", "comment"): Name("Commentaire de l'observation", "Observation comment"),
    ("attachments", "role"): Name("Rôle du fichier", "File role"),
    ("signatures", "role"): Name("Signataire", "Signer"),
    ("signatures", "name"): Name("Nom du signataire", "Signer's name"),
    ("signatures", "signed_at"): Name("Signée le", "Signed at"),
    ("signatures", "strokes"): Name("Tracé de la signature", "Drawn signature"),
}

#: the fields that hold a code of one of the domain's closed lists
_CODED: dict[tuple[str, str], dict[str, str]] = {
    **{
        key: {member.value: member.label for member in enum}
        for key, enum in (
            (("contacts", "role"), domain.ContactRole),
            (("visits", "status"), domain.VisitStatus),
            (("visits", "visit_type"), domain.VisitType),
            (("recommendations", "horizon"), domain.Horizon),
            (("recommendations", "porteur"), domain.Porteur),
            (("recommendations", "dispositif"), domain.Dispositif),
            (("recommendations", "dispositifs"), domain.Dispositif),
            (("recommendations", "status"), domain.ActionStatus),
            (("observations", "category"), domain.ObservationCategory),
            (("observations", "severity"), domain.ObservationSeverity),
            (("signatures", "role"), domain.SignerRole),
        )
    },
    ("attachments", "role"): {"plan": "Plan du centre-bourg"},
    ("recommendations", "priority"): {str(k): v for k, v in domain.PRIORITY_LABELS.items()},
    ("theme_ratings", "level"): {
        str(k): v for k, v in domain.CONCERN_LABELS.items() if k is not None
    },
}


def table_name(table: str, language: Language = "fr") -> str:
    """What kind of record the table holds: « Recommandation »."""
    name = TABLE_NAMES.get(table)
    return name.said(language) if name is not None else table


def field_name(table: str, name: str, language: Language = "fr") -> str:
    """What the field is called: « Échéance »; an unknown field keeps its column name."""
    found = _TABLE_FIELD_NAMES.get((table, name)) or FIELD_NAMES.get(name)
    return found.said(language) if found is not None else name


def shortened(text: str | None, length: int = NAME_LENGTH) -> str:
    """The first line of a text, cut to `length` characters with « … »."""
    lines = (text or "").strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= length else first[: length - 1] + "…"


def item_labels(item: FormItem) -> dict[str, str]:
    """The labels of the values an answer to this item stores (its choices)."""
    if item.type == ItemType.yes_no_na:
        return dict(YES_NO_NA_LABELS)
    return {choice.id: choice.label for choice in item.choices}


@dataclass(frozen=True)
class Description:
    """A record as a person recognises it."""

    #: a short name: the question of an answer, the text of a recommendation, the
    #: commune and date of a visit, a contact's name…; "" when nothing names it
    label: str = ""
    #: per field, the labels of the codes it stores (a status, a choice of the item…)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: for an answer, its form item's type (a text answer may be typed over)
    item_type: ItemType | None = None


def describe(svc: Services, session: Session, table: str, record: Any) -> Description:
    """The record's short name and the labels of its codes (`record` None: the labels
    of the table's fields only)."""
    from fieldvisit.store.models import Contact, Visit

    labels = {name: dict(codes) for (coded, name), codes in _CODED.items() if coded == table}
    if record is None:
        return Description("", labels)
    if table in ("answers", "interview_answers"):
        item = _form_item(_answer_form(svc, session, table, record), record.item_id)
        if item is None:
            return Description(record.item_id, labels)
        labels["value"] = item_labels(item)
        return Description(item.label, labels, item.type)
    if table in ("repeat_occurrences", "occurrence_answers"):
        return _describe_occurrence(svc, session, table, record, labels)
    if table in ("theme_ratings", "recommendations"):
        visit = session.get(Visit, record.visit_id)
        form = visit_forms(svc, visit).diagnostic if visit is not None else None
        themes = {theme.id: theme.label for theme in form.iter_themes()} if form else {}
        if table == "theme_ratings":
            return Description(themes.get(record.theme_id, record.theme_id), labels)
        labels["theme_id"] = themes
        # The named porteur by name, not by id: the contacts of the visit's commune
        # (where a porteur is chosen) and the one named now.
        commune = visit.commune_code if visit is not None else None
        labels["porteur_contact_id"] = contact_names(
            session, [record.porteur_contact_id] if record.porteur_contact_id else [], commune
        )
        return Description(shortened(record.text), labels)
    if table == "visits":
        return Description(f"{record.commune_name}, {day_text(record.visit_date)}", labels)
    if table == "signatures":
        # « Maire — Jeanne Martin »: who signed, for whom.
        role = labels["role"].get(record.role, record.role)
        return Description(f"{role} — {record.name}", labels)
    if table == "observations":
        # « Éclairage — rue du Marché »: what the walk's list shows of it.
        kind = labels["category"].get(record.category, record.category)
        place = shortened(record.place)
        return Description(f"{kind} — {place}" if place else kind, labels)
    if table in ("visit_participants", "interviewees"):
        contact = session.get(Contact, record.contact_id)
        return Description(contact.name if contact is not None else "", labels)
    for attribute in ("title", "name", "filename", "text"):
        value = getattr(record, attribute, None)
        if isinstance(value, str) and value.strip():
            return Description(shortened(value), labels)
    return Description("", labels)


def _describe_occurrence(
    svc: Services, session: Session, table: str, record: Any, labels: dict[str, dict[str, str]]
) -> Description:
    """« Locaux visités n° 2 » for an occurrence, « Locaux visités n° 2 — Nom du local »
    for one of its answers: the group's title, its rank among the group's occurrences
    (by creation, as the checklist numbers them), the item's label."""
    from sqlalchemy import and_, func, or_, select

    from fieldvisit.forms.occurrences import group_item, repeat_group
    from fieldvisit.store.models import RepeatOccurrence, Visit

    occurrence = (
        record
        if table == "repeat_occurrences"
        else session.get(RepeatOccurrence, record.occurrence_id)
    )
    if occurrence is None:
        return Description(getattr(record, "item_id", ""), labels)
    visit = session.get(Visit, occurrence.visit_id)
    form = _pinned_form(svc, visit, occurrence.form_id)
    section = repeat_group(form, occurrence.group_id) if form is not None else None
    title = section.title if section is not None else occurrence.group_id
    # Its rank among the live ones (itself counted even if deleted: its history names it).
    rank = session.scalar(
        select(func.count()).where(
            RepeatOccurrence.visit_id == occurrence.visit_id,
            RepeatOccurrence.form_id == occurrence.form_id,
            RepeatOccurrence.group_id == occurrence.group_id,
            or_(RepeatOccurrence.deleted_at.is_(None), RepeatOccurrence.id == occurrence.id),
            or_(
                RepeatOccurrence.created_at < occurrence.created_at,
                and_(
                    RepeatOccurrence.created_at == occurrence.created_at,
                    RepeatOccurrence.id <= occurrence.id,
                ),
            ),
        )
    )
    name = f"{title} n° {rank}"
    if table == "repeat_occurrences":
        return Description(name, labels)
    item = group_item(section, record.item_id) if section is not None else None
    if item is None:
        return Description(f"{name} — {record.item_id}", labels)
    labels["value"] = item_labels(item)
    return Description(f"{name} — {item.label}", labels, item.type)


def _pinned_form(svc: Services, visit: Visit | None, form_id: str) -> FormDefinition | None:
    version = pinned_keys(visit).version_of(form_id) if visit is not None else None
    try:
        return svc.forms.get(form_id, version) if version else svc.forms.latest(form_id)
    except NotFound:
        return None


def contact_names(
    session: Session, ids: Iterable[str], commune_code: str | None = None
) -> dict[str, str]:
    """Contacts' names by id (deleted ones too: a history names who it named), for
    these ids and, with `commune_code`, every contact of that commune; one query."""
    from sqlalchemy import ColumnElement, or_, select

    from fieldvisit.store.models import Contact

    wanted = sorted({contact_id for contact_id in ids if contact_id})
    condition: ColumnElement[bool] = Contact.id.in_(wanted)
    if commune_code is not None:
        condition = or_(condition, Contact.commune_code == commune_code)
    elif not wanted:
        return {}
    return {
        row.id: row.name
        for row in session.execute(select(Contact.id, Contact.name).where(condition))
    }


def label_beside_visit(svc: Services, session: Session, table: str, record: Any) -> str:
    """The record's short name where its visit is shown beside it (the conflicts, the
    refused changes): a visit itself needs none, its commune and date name it there."""
    return "" if table == "visits" else describe(svc, session, table, record).label


def named(svc: Services, session: Session, table: str, record: Any) -> str:
    """The record in a French sentence: « la visite « Saint-Flour, 14/03/2026 » »,
    « recommandation « Éclairer le parking » »."""
    if table == "visits" and record is not None:
        return f"la visite « {describe(svc, session, table, record).label} »"
    what = table_name(table).lower()
    label = describe(svc, session, table, record).label
    return f"{what} « {label} »" if label else what


def visit_of(session: Session, table: str, record: Any) -> Visit | None:
    """The visit a record belongs to (itself, its visit, its interview's visit)."""
    from fieldvisit.store.models import Interview, Visit

    if record is None:
        return None
    if table == "visits":
        return record if isinstance(record, Visit) else None
    visit_id = getattr(record, "visit_id", None)
    if visit_id is None and getattr(record, "interview_id", None):
        interview = session.get(Interview, record.interview_id)
        visit_id = interview.visit_id if interview is not None else None
    return session.get(Visit, visit_id) if visit_id else None


def _answer_form(svc: Services, session: Session, table: str, record: Any) -> FormDefinition | None:
    """The form an answer answers: the visit's pinned version, an interview's guide (or
    the latest version installed when the record does not say which)."""
    from fieldvisit.store.models import Interview, Visit

    version: int | None
    if table == "interview_answers":
        interview = session.get(Interview, record.interview_id)
        if interview is None:
            return None
        form_id, version = interview.form_id, interview.form_version
    else:
        visit = session.get(Visit, record.visit_id)
        form_id = record.form_id
        version = pinned_keys(visit).version_of(form_id) if visit is not None else None
    try:
        return svc.forms.get(form_id, version) if version else svc.forms.latest(form_id)
    except NotFound:
        return None


def _form_item(form: FormDefinition | None, item_id: str) -> FormItem | None:
    if form is None:
        return None
    try:
        return form.item(item_id)
    except KeyError:
        return None
