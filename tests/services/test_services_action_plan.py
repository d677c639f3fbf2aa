"""The action plan a contract needs, through the services: several dispositifs (the
single one kept in step for older apps), a named porteur, a description, the estimated
cost and its funding lines, a success indicator and a review date; checked in French,
kept in the history, and carried to a follow-up visit."""

from __future__ import annotations

from datetime import date

import pytest

from fieldvisit.core.errors import BadInput
from fieldvisit.services import actions, contacts, history, visits
from fieldvisit.services.actions import recommendation_dispositifs


@pytest.fixture
def visit(services):  # type: ignore[no-untyped-def]
    return visits.plan_visit(services, "15187", date(2026, 3, 14))


@pytest.fixture
def adjoint(services):  # type: ignore[no-untyped-def]
    return contacts.add_contact(
        services, "Mme Lefèvre", "adjoint", "Mairie de Saint-Flour", commune_code="15187"
    )


def test_an_action_holds_what_the_contract_needs(services, visit, adjoint) -> None:  # type: ignore[no-untyped-def]
    rec = actions.add_recommendation(
        services,
        visit.id,
        "Étendre la vidéoprotection à la place du Marché",
        porteur="commune",
        dispositifs=["Vidéoprotection", "fipd", "fipd"],  # a label or a code; once each
        porteur_contact_id=adjoint.id,
        description="Trois caméras, relais d'images vers la brigade.",
        estimated_cost="45 000 €",
        funding=[("FIPD", 22500), {"source": "commune", "amount": "22 500"}],
        success_indicator="Caméras en service avant l'été",
        review_date=date(2026, 10, 1),
    )
    [stored] = actions.list_recommendations(services, visit.id)
    assert stored.id == rec.id
    assert stored.dispositifs == ["videoprotection", "fipd"]
    assert stored.dispositif == "videoprotection"  # the main one, for older apps
    assert stored.porteur_contact_id == adjoint.id and stored.porteur == "commune"
    assert stored.estimated_cost == 45000
    assert stored.funding == [
        {"source": "fipd", "amount": 22500},
        {"source": "commune", "amount": 22500},
    ]
    assert stored.review_date == date(2026, 10, 1)
    assert stored.success_indicator == "Caméras en service avant l'été"


def test_the_single_dispositif_and_the_list_stay_in_step(services, visit) -> None:  # type: ignore[no-untyped-def]
    rec = actions.add_recommendation(services, visit.id, "Relancer l'OTV", dispositif="otv")
    assert (rec.dispositifs, rec.dispositif) == (["otv"], "otv")
    rec = actions.update_recommendation(services, rec.id, dispositifs=[])
    assert (rec.dispositifs, rec.dispositif) == ([], "aucun")
    rec = actions.update_recommendation(services, rec.id, dispositif="clspd")
    assert recommendation_dispositifs(rec) == ["clspd"]


def test_an_older_record_reads_as_its_single_dispositif(services, visit) -> None:  # type: ignore[no-untyped-def]
    rec = actions.add_recommendation(services, visit.id, "Protocole", dispositif="otv")
    rec.dispositifs = None  # as pulled from an older app
    assert recommendation_dispositifs(rec) == ["otv"]


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"dispositifs": ["drones"]}, "« drones » n'est pas une valeur possible"),
        ({"dispositifs": "fipd"}, "une liste est attendue"),
        ({"estimated_cost": "beaucoup"}, "Coût estimé « beaucoup » invalide"),
        ({"estimated_cost": -5}, "Coût estimé « -5 » invalide"),
        ({"funding": [("loto", 10)]}, "Financeur : « loto » n'est pas une valeur possible"),
        ({"funding": [("fipd", 10), ("FIPD", 20)]}, "Le financeur FIPD figure deux fois"),
        ({"funding": [("detr", "")]}, "Financement DETR : indiquez un montant"),
        ({"funding": [("detr", 12.5)]}, "un montant en euros entiers"),
        ({"review_date": "demain"}, "Date de revue « demain » invalide"),
        ({"porteur_contact_id": "inconnu"}, "Porteur : contact « inconnu » introuvable"),
        ({"budget": 3}, "Champ(s) inconnu(s) : budget"),
    ],
)
def test_bad_values_are_refused_in_french(services, visit, changes, said) -> None:  # type: ignore[no-untyped-def]
    rec = actions.add_recommendation(services, visit.id, "Éclairer le parking")
    with pytest.raises(BadInput) as refused:
        actions.update_recommendation(services, rec.id, **changes)
    assert said in str(refused.value)
    [kept] = actions.list_recommendations(services, visit.id)
    assert (kept.funding, kept.estimated_cost, kept.dispositifs) == (None, None, [])


def test_funding_changes_are_in_the_history(services, visit) -> None:  # type: ignore[no-untyped-def]
    rec = actions.add_recommendation(
        services, visit.id, "Vidéoprotection", funding=[("fipd", 10000)]
    )
    actions.update_recommendation(services, rec.id, funding=[("fipd", 8000), ("dsil", 2000)])
    entries = history.for_field(services, "recommendations", rec.id, "funding").entries
    # (Edits of one field a moment apart are one entry: the history coalesces them.)
    assert entries[0].new == [
        {"source": "fipd", "amount": 8000},
        {"source": "dsil", "amount": 2000},
    ]
    assert entries[-1].old is None


def test_a_follow_up_visit_carries_the_open_actions_contract(services, visit, adjoint) -> None:  # type: ignore[no-untyped-def]
    actions.add_recommendation(
        services,
        visit.id,
        "Vidéoprotection",
        dispositifs=["videoprotection", "fipd"],
        porteur_contact_id=adjoint.id,
        estimated_cost=45000,
        funding=[("fipd", 22500)],
        success_indicator="En service",
        review_date=date(2026, 10, 1),
    )
    follow = visits.plan_follow_up(services, visit.id, date(2026, 11, 3))
    [copy] = actions.list_recommendations(services, follow.id)
    assert copy.dispositifs == ["videoprotection", "fipd"]
    assert (copy.porteur_contact_id, copy.estimated_cost) == (adjoint.id, 45000)
    assert copy.funding == [{"source": "fipd", "amount": 22500}]
    assert (copy.success_indicator, copy.review_date) == ("En service", date(2026, 10, 1))
