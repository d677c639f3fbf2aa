"""Contacts: phone numbers and e-mail addresses are checked the same way from every way
in (dialog, CLI, archive import), with a French message naming the field."""

from __future__ import annotations

import re

import pytest

from fieldvisit.core.domain import ContactRole
from fieldvisit.core.errors import BadInput
from fieldvisit.services import contacts


@pytest.mark.parametrize(
    ("phone", "email", "named"),
    [
        ("abc", None, "Téléphone « abc » invalide"),
        ("04 71", None, "Téléphone « 04 71 » invalide"),
        ("+33 4", None, "Téléphone « +33 4 » invalide"),
        (None, "pierre.dupont@@mairie", "Adresse électronique « pierre.dupont@@mairie »"),
        (None, "x@saint-flour", "Adresse électronique « x@saint-flour » invalide"),
        (None, "pierre dupont@mairie.fr", "Adresse électronique « pierre dupont@mairie.fr »"),
        (None, "x@mairie..fr", "Adresse électronique « x@mairie..fr » invalide"),
    ],
)
def test_a_bad_phone_or_email_is_refused_and_nothing_is_saved(
    services,  # type: ignore[no-untyped-def]
    phone: str | None,
    email: str | None,
    named: str,
) -> None:
    with pytest.raises(BadInput, match=re.escape(named)):
        contacts.add_contact(services, "Pierre Dupont", ContactRole.MAIRE, "", phone, email)
    assert contacts.list_contacts(services) == []


def test_the_usual_ways_of_writing_them_are_kept_as_typed(services) -> None:  # type: ignore[no-untyped-def]
    made = [
        contacts.add_contact(services, "A", "maire", "", "04 71 60 00 00", "a@mairie.fr"),
        contacts.add_contact(services, "B", "maire", "", "04.71.60.00.00", "b.c@saint-flour.fr"),
        contacts.add_contact(
            services, "C", "maire", "", "+33 4 71 60 00 00", "c+x@gendarmerie.interieur.gouv.fr"
        ),
        contacts.add_contact(services, "D", "maire", "", "  0471600000 ", "  "),
    ]
    assert [c.phone for c in made] == [
        "04 71 60 00 00",
        "04.71.60.00.00",
        "+33 4 71 60 00 00",
        "0471600000",
    ]
    assert made[3].email is None


def test_a_correction_is_checked_by_the_same_rule(services) -> None:  # type: ignore[no-untyped-def]
    contact = contacts.add_contact(services, "Pierre Dupont", "maire", "Mairie")
    with pytest.raises(BadInput, match="Téléphone « abc » invalide"):
        contacts.update_contact(services, contact.id, phone="abc")
    with pytest.raises(BadInput, match="Adresse électronique « x@saint-flour » invalide"):
        contacts.update_contact(services, contact.id, email="x@saint-flour")
    with pytest.raises(BadInput, match="nom du contact est obligatoire"):
        contacts.update_contact(services, contact.id, name="  ")
    saved = contacts.update_contact(
        services, contact.id, phone="04 71 60 00 00", email="p.dupont@saint-flour.fr"
    )
    assert (
        contacts.get_contact(services, contact.id).email == saved.email == "p.dupont@saint-flour.fr"
    )


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("sous_prefet", "Sous-préfet(e)"),
        ("delegue_prefet", "Délégué(e) du préfet"),
        ("coordinateur_clspd", "Coordinateur(rice) du CLSPD / CISPD"),
    ],
)
def test_the_prefecture_and_clspd_roles_exist(services, code: str, label: str) -> None:  # type: ignore[no-untyped-def]
    contact = contacts.add_contact(services, "Mme Préfecture", label)
    assert contact.role == code and ContactRole(code).label == label
