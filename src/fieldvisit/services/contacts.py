"""The people met during visits: maires, adjoints, gendarmes…"""

from __future__ import annotations

from sqlalchemy import select

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
    if email and "@" not in email:
        raise BadInput(f"Adresse électronique invalide : « {email} ».")
    contact = Contact(
        name=name.strip(),
        role=role,
        organisation=organisation.strip(),
        phone=phone or None,
        email=email or None,
        commune_code=commune_code,
    )
    with svc.store.transaction() as session:
        check_contact_writable(session, commune_code)  # the server's rule (core/territories)
        svc.stamp(contact, new=True)
        session.add(contact)
    return contact


def update_contact(svc: Services, contact_id: str, **changes: str | None) -> Contact:
    allowed = {"name", "role", "organisation", "phone", "email", "commune_code"}
    unknown = set(changes) - allowed
    if unknown:
        raise BadInput(f"Champ(s) de contact inconnu(s) : {', '.join(sorted(unknown))}.")
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
