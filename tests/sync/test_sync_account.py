"""A data dir belongs to one account (12.5); the app offers only the contacts the server
accepts (12.4): the one territory rule of core/territories.py on both sides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from fieldvisit.core.errors import BadInput
from fieldvisit.server.testing import server_snapshot
from fieldvisit.services.account import current_account
from fieldvisit.services.contacts import add_contact, list_contacts, update_contact
from fieldvisit.services.history import for_record
from fieldvisit.services.visits import add_participant, list_visits, plan_visit, update_visit
from fieldvisit.sync.account import AccountInUse
from fieldvisit.sync.client import NotAuthenticated
from fieldvisit.sync.session import logout, session_info

Make = Callable[..., Any]


def test_another_account_is_refused_while_changes_of_the_first_are_unsent(
    laptops: Make, server: FastAPI
) -> None:
    laptop = laptops("partage", user="agent15")
    visit = plan_visit(laptop.svc, "15187", date(2026, 3, 14))
    laptop.sync()
    update_visit(laptop.svc, visit.id, summary="Pas encore envoyé.")
    plan_visit(laptop.svc, "15014", date(2026, 3, 15))
    logout(laptop.svc, http=laptop.http)

    with pytest.raises(AccountInUse) as refused:
        laptop.login("agent43")

    message = str(refused.value)
    assert "agent15" in message and "2 modification(s) pas encore envoyée(s)" in message
    assert "--data-dir" in message and refused.value.unsent.changes == 2
    # Nothing went with 43's token, nothing changed here.
    assert server_snapshot(server.state.ctx.db)[("visits", visit.id)][0]["summary"] == ""
    assert laptop.pending() == 2 and session_info(laptop.svc).username == "agent15"
    with pytest.raises(NotAuthenticated):  # and 15 is still signed out
        laptop.sync()


def test_once_everything_is_sent_the_previous_account_is_cleared_only_when_asked(
    laptops: Make, server: FastAPI, tmp_path: Any
) -> None:
    from PIL import Image

    from fieldvisit.services.attachments import attach_file
    from fieldvisit.services.backups import make_backup

    laptop = laptops("partage", user="agent15")
    visit = plan_visit(laptop.svc, "15187", date(2026, 3, 14))
    update_visit(laptop.svc, visit.id, summary="Visite du 15.")
    photo = tmp_path / "place.jpg"
    Image.new("RGB", (32, 24), (10, 20, 30)).save(photo, format="JPEG")
    attach_file(laptop.svc, visit.id, photo)
    laptop.sync()
    make_backup(laptop.svc.store, "manuelle")
    other = laptops("collegue43", user="agent43")
    visit43 = plan_visit(other.svc, "43157", date(2026, 4, 1))
    other.sync()
    data_dir = laptop.svc.data_dir
    assert any(data_dir.attachments.rglob("*")) and any(data_dir.backups.iterdir())

    with pytest.raises(AccountInUse, match="--clear-previous-account"):
        laptop.login("agent43")  # everything is sent, but nothing is cleared unasked
    assert [v.id for v in list_visits(laptop.svc)] == [visit.id]
    with pytest.raises(NotAuthenticated):  # a wrong password clears nothing either
        from fieldvisit.sync.session import login

        login(
            laptop.svc,
            "http://testserver",
            "agent43",
            "pas-le-bon",
            http=laptop.http,
            clear_previous_account=True,
        )
    assert [v.id for v in list_visits(laptop.svc)] == [visit.id]

    from fieldvisit.sync.session import login

    login(
        laptop.svc,
        "http://testserver",
        "agent43",
        "mot-de-passe-solide",
        http=laptop.http,
        clear_previous_account=True,
    )

    assert list_visits(laptop.svc) == [] and laptop.snapshot() == {}
    assert not any(p.is_file() for p in data_dir.attachments.rglob("*"))
    assert not any(p.is_file() for p in data_dir.backups.iterdir())
    assert for_record(laptop.svc, "visits", visit.id).entries == []
    report = laptop.sync()
    assert [v.id for v in list_visits(laptop.svc)] == [visit43.id]
    assert report.pushed == 0  # nothing of agent15 went with 43's token
    account = current_account(laptop.svc)
    assert account is not None and (account.username, account.territories) == (
        "agent43",
        ("43",),
    )


def test_the_same_account_signs_in_again_without_a_question(laptops: Make, server: FastAPI) -> None:
    laptop = laptops("a", user="agent15")
    plan_visit(laptop.svc, "15187", date(2026, 3, 14))
    logout(laptop.svc, http=laptop.http)
    laptop.login("agent15")
    assert laptop.sync().pushed == 1


# --- 12.4: contacts ---------------------------------------------------------------------


def test_a_contact_of_another_territory_is_neither_created_nor_corrected(
    laptops: Make, server: FastAPI
) -> None:
    coord = laptops("coord", user="coord")  # 15 and 43
    agent = laptops("agent", user="agent15")
    visit = plan_visit(coord.svc, "15187", date(2026, 3, 14))
    maire_du_puy = add_contact(coord.svc, "M. Dupuy", "maire", commune_code="43157")
    add_participant(coord.svc, visit.id, maire_du_puy.id)
    coord.sync()
    agent.sync()  # agent15 reads the 43 contact through the participant (a grant)
    assert [c.id for c in list_contacts(agent.svc)] == [maire_du_puy.id]

    with pytest.raises(BadInput, match="relève du département 43"):
        update_contact(agent.svc, maire_du_puy.id, phone="04 71 00 00 00")
    with pytest.raises(BadInput, match="département 43"):
        add_contact(agent.svc, "Mme Velay", "adjoint", commune_code="43268")
    # What the server accepts stays possible: 15's communes, no commune, linking the
    # 43 contact to a 15 visit.
    own = add_contact(agent.svc, "Mme Flour", "adjoint", commune_code="15187")
    update_contact(agent.svc, own.id, phone="04 71 60 00 00")
    add_contact(agent.svc, "M. Sans-Commune", "autre")
    other_visit = plan_visit(agent.svc, "15014", date(2026, 3, 20))
    add_participant(agent.svc, other_visit.id, maire_du_puy.id)
    report = agent.sync()
    assert report.refused == 0 and agent.pending() == 0
    # The coordinateur of both may correct it.
    update_contact(coord.svc, maire_du_puy.id, phone="04 71 00 00 00")
    assert coord.sync().refused == 0


def test_a_contact_made_before_signing_in_in_another_territory_cannot_be_linked(
    laptops: Make, server: FastAPI
) -> None:
    from fieldvisit.store.models import natural_id
    from fieldvisit.sync import refusals

    laptop = laptops("a", user="agent15")
    logout(laptop.svc, http=laptop.http)
    with laptop.svc.store.transaction() as session:  # as before any sign-in: no account
        session.connection().exec_driver_sql("UPDATE sync_state SET role = NULL")
    stranger = add_contact(laptop.svc, "M. Yssingeaux", "maire", commune_code="43268")
    laptop.login("agent15")
    visit = plan_visit(laptop.svc, "15187", date(2026, 3, 14))
    with pytest.raises(BadInput, match="ne peut pas être envoyé au serveur"):
        add_participant(laptop.svc, visit.id, stranger.id)

    report = laptop.sync()  # the server refuses it: shown as refused, not "sera renvoyé"
    assert report.refused == 1
    [held] = refusals.refused_changes(laptop.svc)
    assert held.record_id == stranger.id and held.table == "contacts"
    assert ("visit_participants", natural_id("participant", visit.id, stranger.id)) not in (
        server_snapshot(server.state.ctx.db)
    )
