"""The people met during visits: maires, adjoints, gendarmes…"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from fieldvisit.core.contact_details import (
    EMAIL_EXAMPLE,
    PHONE_EXAMPLE,
    email_problem,
    phone_problem,
)
from fieldvisit.core.domain import ContactRole
from fieldvisit.core.errors import BadInput
from fieldvisit.services.account import account_in, check_contact_writable, linkable
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.store.models import Contact


def add_contact(
    svc: Services,
    name: str,
    role: ContactRole | str,
    organisation: str = "",
    phone: str | None = None,
    email: str | None = None,
    commune_code: str | None = None,
) -> Contact:
    if not name.strip():
        raise BadInput("Le nom du contact est obligatoire.")
    try:
        role = ContactRole.parse(role) if not isinstance(role, ContactRole) else role
    except ValueError as err:
        raise BadInput(f"Fonction du contact : {err}") from err
    phone, email = checked_phone(phone), checked_email(email)
    contact = Contact(
        name=name.strip(),
        role=role,
        organisation=organisation.strip(),
        phone=phone,
        email=email,
        commune_code=commune_code,
    )
    with svc.store.transaction() as session:
        check_contact_writable(session, commune_code)  # the server's rule (core/territories)
        svc.stamp(contact, new=True)
        session.add(contact)
    return contact


def checked_phone(phone: str | None) -> str | None:
    """The phone number as stored (None if empty); BadInput naming the field if it is
    not one (the rule: core/contact_details.py)."""
    text = (phone or "").strip()
    if not text:
        return None
    problem = phone_problem(text)
    if problem is not None:
        raise BadInput(f"Téléphone « {text} » invalide : {problem} (exemple : {PHONE_EXAMPLE}).")
    return text


def checked_email(email: str | None) -> str | None:
    """The e-mail address as stored (None if empty); BadInput naming the field if not."""
    text = (email or "").strip()
    if not text:
        return None
    problem = email_problem(text)
    if problem is not None:
        raise BadInput(
            f"Adresse électronique « {text} » invalide : {problem} (exemple : {EMAIL_EXAMPLE})."
        )
    return text


def get_contact(svc: Services, contact_id: str) -> Contact:
    with svc.store.reading() as session:
        return get_live(session, Contact, contact_id)


def update_contact(svc: Services, contact_id: str, **changes: str | None) -> Contact:
    allowed = {"name", "role", "organisation", "phone", "email", "commune_code"}
    unknown = set(changes) - allowed
    if unknown:
        raise BadInput(f"Champ(s) de contact inconnu(s) : {', '.join(sorted(unknown))}.")
    if "name" in changes:
        name = (changes["name"] or "").strip()
        if not name:
            raise BadInput("Le nom du contact est obligatoire.")
        changes["name"] = name
    if "phone" in changes:
        changes["phone"] = checked_phone(changes["phone"])
    if "email" in changes:
        changes["email"] = checked_email(changes["email"])
    if "organisation" in changes:
        changes["organisation"] = (changes["organisation"] or "").strip()
    if changes.get("role") is not None:
        try:
            ContactRole.parse(str(changes["role"]))
        except ValueError as err:
            raise BadInput(f"Fonction du contact : {err}") from err
    with svc.store.transaction() as session:
        contact = get_live(session, Contact, contact_id)
        # A contact the server has keeps the territory of its first commune; one never
        # sent is judged on the commune it will be sent with.
        if contact.server_version > 0:
            check_contact_writable(session, contact.commune_code, correcting=True)
        else:
            check_contact_writable(session, changes.get("commune_code", contact.commune_code))
        for field, value in changes.items():
            if field == "role" and value is not None:
                value = ContactRole.parse(value)
            setattr(contact, field, value)
        svc.stamp(contact)
    return contact


def list_contacts(svc: Services, commune_code: str | None = None) -> list[Contact]:
    query = select(Contact).where(Contact.deleted_at.is_(None)).order_by(Contact.name)
    if commune_code is not None:
        query = query.where(Contact.commune_code == commune_code)
    with svc.store.reading() as session:
        return list(session.scalars(query))


def contacts_by_id(svc: Services, ids: Iterable[str]) -> list[Contact]:
    """The live contacts with these ids (e.g. the named porteurs of a plan), in one read."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = select(Contact).where(Contact.id.in_(wanted), Contact.deleted_at.is_(None))
    with svc.store.reading() as session:
        return list(session.scalars(query))


def list_linkable_contacts(svc: Services) -> list[Contact]:
    """The contacts that may be made participants or interviewees: those the server will
    accept a link to (see `services/account.linkable`)."""
    query = select(Contact).where(Contact.deleted_at.is_(None)).order_by(Contact.name)
    with svc.store.reading() as session:
        account = account_in(session)
        return [
            contact
            for contact in session.scalars(query)
            if linkable(account, contact.server_version, contact.commune_code)
        ]
