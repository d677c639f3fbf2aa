"""Informations: the visit, its participants, the visit it follows up, its forms, and
its signatures drawn on screen (one slot per SignerRole)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from fieldvisit.core.domain import ContactRole, SignerRole
from fieldvisit.screens.common import Person, VisitFacts, read_visit
from fieldvisit.services.context import Services
from fieldvisit.services.signatures import signatures_of
from fieldvisit.store.models import Contact, Signature, Visit, VisitParticipant

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class PreviousVisit:
    id: str
    visit_date: date


@dataclass(frozen=True)
class SignatureSlot:
    """One signer's slot of the « Signatures » group: their signature, if they signed,
    and the name the dialog proposes (the visit's author, the participant who is maire
    or commandant de brigade)."""

    role: SignerRole
    suggested_name: str
    name: str = ""
    signed_at: datetime | None = None
    strokes: tuple[tuple[tuple[float, float], ...], ...] = ()

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


# The contact role whose participant is proposed as each signer.
_SIGNER_CONTACTS = {
    SignerRole.MAIRE: ContactRole.MAIRE.value,
    SignerRole.COMMANDANT: ContactRole.COMMANDANT_BRIGADE.value,
}


@dataclass(frozen=True)
class VisitInfo:
    visit: VisitFacts
    participants: tuple[Person, ...]  # by name
    previous: PreviousVisit | None
    forms: tuple[str, ...]  # "Visite du centre-bourg (v1)"
    signatures: tuple[SignatureSlot, ...] = ()  # one per SignerRole, in its order


def load_visit_info(svc: Services, visit_id: str) -> VisitInfo:
    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        people = read_participants(session, visit_id)
        previous = None
        if visit.previous_visit_id is not None:
            row = session.execute(
                select(Visit.id, Visit.visit_date).where(
                    Visit.id == visit.previous_visit_id, Visit.deleted_at.is_(None)
                )
            ).first()
            previous = PreviousVisit(row.id, row.visit_date) if row is not None else None
        signed = signatures_of(session, visit_id)
        slots = tuple(_slot(role, signed.get(role), visit.author, people) for role in SignerRole)
    forms = tuple(_title(svc, *key) for key in visit.pinned)
    return VisitInfo(visit, people, previous, forms, slots)


def _slot(
    role: SignerRole, row: Signature | None, author: str, people: tuple[Person, ...]
) -> SignatureSlot:
    wanted = _SIGNER_CONTACTS.get(role)
    suggested = author if role is SignerRole.AUTEUR else ""
    if wanted is not None:
        suggested = next((p.name for p in people if p.role == wanted), "")
    if row is None:
        return SignatureSlot(role, suggested)
    strokes = tuple(tuple((x, y) for x, y in stroke) for stroke in row.strokes)
    return SignatureSlot(role, suggested, row.name, row.signed_at, strokes)


def load_participants(svc: Services, visit_id: str) -> tuple[Person, ...]:
    """The visit's participants alone (after one was added or removed)."""
    with svc.store.reading() as session:
        return read_participants(session, visit_id)


def read_participants(session: Session, visit_id: str) -> tuple[Person, ...]:
    """Only the visit's participants, joined to their contacts: one statement."""
    return tuple(
        Person.of(contact)
        for contact in session.scalars(
            select(Contact)
            .join(VisitParticipant, VisitParticipant.contact_id == Contact.id)
            .where(
                VisitParticipant.visit_id == visit_id,
                VisitParticipant.deleted_at.is_(None),
                Contact.deleted_at.is_(None),
            )
            .order_by(Contact.name, Contact.id)
        )
    )


def _title(svc: Services, form_id: str, version: int) -> str:
    if (form_id, version) in svc.forms:
        return f"{svc.forms.get(form_id, version).title} (v{version})"
    return f"{form_id} (v{version})"
