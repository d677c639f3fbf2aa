"""Form items bound to a field of their visit or interview (`bind = "visit.date"`).

The checklist asked again for the visit's date, participants and synthesis, and an
interview guide for the interview's date and the people met, right under the fields
that already hold them. A bound item has no answer of its own: the form shows the
field's value, an edit there edits the field (through its service, so it is in the
history and synced as that field), progress counts the field's value, and the report
prints it once, where the field is printed.

Each bindable field declares which forms may bind it (visit fields: the visit's own
forms; interview fields: interview guides) and which item types can show it. Fields
holding people (a visit's participants, an interview's interviewees) are contacts,
edited where they are (Informations, the interview's « Personnes interrogées »): the
form shows their names, read-only.

No Qt, no SQL, no pydantic here.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldvisit.forms.enums import FormKind, ItemType


@dataclass(frozen=True)
class BoundField:
    name: str  # "visit.date"
    label: str  # what `forms check` and the form say the item shows
    form_kinds: frozenset[FormKind]
    item_types: frozenset[ItemType]
    #: shown read-only in the form (edited where the field is: a list of contacts)
    read_only: bool = False


_VISIT_FORMS = frozenset({FormKind.checklist, FormKind.diagnostic})
_INTERVIEW = frozenset({FormKind.interview})
_TEXTS = frozenset({ItemType.text, ItemType.long_text})

VISIT_DATE = "visit.date"
VISIT_PARTICIPANTS = "visit.participants"
VISIT_SUMMARY = "visit.summary"
INTERVIEW_DATE = "interview.date"
INTERVIEW_PERSONS = "interview.persons"

BOUND_FIELDS: dict[str, BoundField] = {
    f.name: f
    for f in (
        BoundField(VISIT_DATE, "la date de la visite", _VISIT_FORMS, frozenset({ItemType.date})),
        BoundField(VISIT_SUMMARY, "la synthèse de la visite", _VISIT_FORMS, _TEXTS),
        BoundField(VISIT_PARTICIPANTS, "les participants de la visite", _VISIT_FORMS, _TEXTS, True),
        BoundField(
            INTERVIEW_DATE, "la date de l'entretien", _INTERVIEW, frozenset({ItemType.date})
        ),
        BoundField(
            INTERVIEW_PERSONS, "les personnes interrogées", _INTERVIEW, _TEXTS, read_only=True
        ),
    )
}


def bind_issue(field: object, item_type: str | None, form_kind: object) -> str | None:
    """What is wrong with `bind = field` on an item of this type in a form of this kind
    (a French message for `forms check`), or None."""
    if not isinstance(field, str):
        return 'bind doit être un texte, par exemple "visit.date"'
    bound = BOUND_FIELDS.get(field)
    if bound is None:
        known = ", ".join(f'"{name}"' for name in BOUND_FIELDS)
        return f"bind « {field} » inconnu ; champs possibles : {known}"
    if form_kind in set(FormKind) and FormKind(str(form_kind)) not in bound.form_kinds:
        kinds = " ou ".join(sorted(k.value for k in bound.form_kinds))
        return f"bind « {field} » ne s'applique qu'à un formulaire de nature {kinds}"
    if item_type in set(ItemType) and ItemType(str(item_type)) not in bound.item_types:
        types = " ou ".join(sorted(t.value for t in bound.item_types))
        return (
            f"bind « {field} » ({bound.label}) demande un élément de type {types}, pas {item_type}"
        )
    return None
