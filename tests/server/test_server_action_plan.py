"""The action plan a contract needs, on the server: several dispositifs, funding lines,
the cost and a named porteur are checked (closed lists, amounts, a contact one may
read); an older app's action without them is still accepted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from fieldvisit.server.testing import (
    change,
    contact_fields,
    pulled_by_id,
    push_as,
    recommendation_fields,
    visit_fields,
)

Login = Callable[..., dict[str, str]]
CONTRACT = {
    "dispositifs": ["videoprotection", "fipd"],
    "porteur_contact_id": None,
    "description": "Trois caméras place du Marché, relais d'images vers la brigade.",
    "estimated_cost": 45000,
    "funding": [{"source": "fipd", "amount": 22500}, {"source": "commune", "amount": 22500}],
    "success_indicator": "Caméras en service, convention de relais signée.",
    "review_date": "2026-10-01",
}


@pytest.fixture
def agents(client: TestClient, login_as: Login) -> dict[str, dict[str, str]]:
    h15, h43 = login_as("agent15"), login_as("agent43")
    assert {
        r["status"]
        for r in push_as(
            client,
            h15,
            change("visits", "v15", visit_fields("15", "15187")),
            change("contacts", "c15", contact_fields("15187", "M. Adjoint")),
        )
    } == {"accepted"}
    assert {
        r["status"]
        for r in push_as(
            client,
            h43,
            change("visits", "v43", visit_fields("43", "43157")),
            change("contacts", "c43", contact_fields("43157", "Mme Voisine")),
        )
    } == {"accepted"}
    return {"15": h15, "43": h43}


def test_an_action_with_its_funding_and_named_porteur_travels_whole(
    client: TestClient, agents: dict[str, dict[str, str]]
) -> None:
    fields = recommendation_fields("v15", **{**CONTRACT, "porteur_contact_id": "c15"})
    [result] = push_as(client, agents["15"], change("recommendations", "a1", fields))
    assert result["status"] == "accepted", result
    held = pulled_by_id(client, agents["15"])["a1"]["fields"]
    assert held["funding"] == CONTRACT["funding"]
    assert held["dispositifs"] == ["videoprotection", "fipd"]
    assert (held["porteur_contact_id"], held["estimated_cost"]) == ("c15", 45000)


def test_an_older_apps_action_without_them_is_accepted(
    client: TestClient, agents: dict[str, dict[str, str]]
) -> None:
    [result] = push_as(
        client, agents["15"], change("recommendations", "old", recommendation_fields("v15"))
    )
    assert result["status"] == "accepted", result


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("dispositifs", ["videoprotection", "drones"], "dispositif « drones » inconnu"),
        ("dispositifs", ["fipd", "fipd"], "cité deux fois"),
        ("dispositifs", "fipd", "liste de dispositifs"),
        ("funding", [{"source": "loto", "amount": 5}], "financeur « loto » inconnu"),
        (
            "funding",
            [{"source": "fipd", "amount": 1}, {"source": "fipd", "amount": 2}],
            "cité deux fois",
        ),
        ("funding", [{"source": "detr", "amount": -300}], "hors de l'intervalle"),
        ("funding", [{"source": "detr", "amount": 12.5}], "nombre entier"),
        ("funding", [{"source": "detr"}], "ligne de financement"),
        ("estimated_cost", -1, "hors de l'intervalle"),
    ],
)
def test_bad_dispositifs_funding_or_cost_are_refused(
    client: TestClient, agents: dict[str, dict[str, str]], field: str, value: object, said: str
) -> None:
    fields = recommendation_fields("v15", **{**CONTRACT, field: value})
    [refused] = push_as(client, agents["15"], change("recommendations", "bad", fields))
    assert (refused["status"], refused["code"]) == ("rejected", "invalid"), refused
    assert said in refused["reason"]
    assert "bad" not in pulled_by_id(client, agents["15"])


def test_a_porteur_of_another_territory_is_refused(
    client: TestClient, agents: dict[str, dict[str, str]]
) -> None:
    fields = recommendation_fields("v15", **{**CONTRACT, "porteur_contact_id": "c43"})
    [refused] = push_as(client, agents["15"], change("recommendations", "a43", fields))
    assert (refused["status"], refused["code"]) == ("rejected", "out_of_territory"), refused
    assert "a43" not in pulled_by_id(client, agents["15"])
