"""What several screens show: the visit's facts, people, the items one can point at."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from fieldvisit.forms.enums import ItemType
from fieldvisit.services.records import get_live
from fieldvisit.services.visit_forms import PinnedKeys, pinned_keys
from fieldvisit.store.models import Contact, Visit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from fieldvisit.forms import FormDefinition

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class VisitFacts:
    """A visit's own fields, as screens show them."""

    id: str
    commune_code: str
    commune_name: str
    departement: str
    visit_date: date
    visit_type: str
    status: str
    author: str
    summary: str
    previous_visit_id: str | None
    checklist_form_id: str | None
    checklist_form_version: int | None
    diagnostic_form_id: str | None
    diagnostic_form_version: int | None

    @classmethod
    def of(cls, visit: Visit) -> VisitFacts:
        return cls(
            id=visit.id,
            commune_code=visit.commune_code,
            commune_name=visit.commune_name,
            departement=visit.departement,
            visit_date=visit.visit_date,
            visit_type=visit.visit_type,
            status=visit.status,
            author=visit.author,
            summary=visit.summary,
            previous_visit_id=visit.previous_visit_id,
            checklist_form_id=visit.checklist_form_id,
            checklist_form_version=visit.checklist_form_version,
            diagnostic_form_id=visit.diagnostic_form_id,
            diagnostic_form_version=visit.diagnostic_form_version,
        )

    @property
    def pinned(self) -> PinnedKeys:
        return pinned_keys(self)


def frozen(mapping: Mapping[K, V]) -> Mapping[K, V]:
    """A read-only view of a dict made for a screen (screens hand out no mutable data)."""
    return MappingProxyType(dict(mapping))


def read_visit(session: Session, visit_id: str) -> VisitFacts:
    """The live visit; NotFound (French) when it does not exist or was deleted."""
    return VisitFacts.of(get_live(session, Visit, visit_id))


@dataclass(frozen=True)
class Person:
    """A contact as lists show it (« Nom — Fonction, organisation »)."""

    id: str
    name: str
    role: str
    organisation: str
    commune_code: str | None

    @classmethod
    def of(cls, contact: Contact) -> Person:
        return cls(
            contact.id, contact.name, contact.role, contact.organisation, contact.commune_code
        )


@dataclass(frozen=True)
class ItemChoice:
    """A form item a photo or a note can be attached to."""

    form_id: str
    item_id: str
    label: str  # "Section › Item" (form title first when several forms are offered)
    is_photo: bool


def item_choices(
    forms: Sequence[FormDefinition], photos_first: bool = False
) -> tuple[ItemChoice, ...]:
    """The items of forms, in form order (photo items first when asked)."""
    several = len(forms) > 1
    choices = []
    for form in forms:
        for section in form.sections:
            if section.repeat:
                continue  # an occurrence's item is not a place to attach to (yet)
            for item in section.items:
                if item.bind is not None:
                    continue  # its visit's or interview's field: no answer to attach to
                prefix = f"{form.title} › " if several else ""
                choices.append(
                    ItemChoice(
                        form.id,
                        item.id,
                        f"{prefix}{section.title} › {item.label}",
                        item.type == ItemType.photo,
                    )
                )
    if photos_first:
        choices.sort(key=lambda choice: not choice.is_photo)  # stable: form order kept
    return tuple(choices)


def people_text(people: Iterable[Person]) -> str:
    """Names as a bound item shows a list of contacts (forms/bindings.py); "" if none."""
    return ", ".join(person.name for person in people)
