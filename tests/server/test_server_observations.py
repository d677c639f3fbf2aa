"""Observations of the walk on the server: their links stay inside their own visit.

A photo shows an observation of its visit, an observation leads to an action of its
visit's plan. A crafted push that links another visit's record — one of the same
user's other visits, or a visit of another territory — is refused for good, and
nothing of it is stored; the app's own links are accepted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from fieldvisit.server.testing import (
    attachment_fields,
    change,
    observation_fields,
    pulled_by_id,
    push_as,
    recommendation_fields,
    visit_fields,
)

Login = Callable[..., dict[str, str]]
PHOTO = b"JPEG du lampadaire de la rue du Marche"
SHA = hashlib.sha256(PHOTO).hexdigest()


def _upload(client: TestClient, headers: dict[str, str]) -> None:
    url = f"/api/v1/attachments/{SHA}?offset=0&size={len(PHOTO)}"
    assert client.put(url, headers=headers, content=PHOTO).json()["complete"]


@pytest.fixture
def two_territories(client: TestClient, login_as: Login) -> dict[str, dict[str, str]]:
    """agent15 with visits v1 and v2 (an action and an observation in each), agent43
    with visit v43 (the same)."""
    h15, h43 = login_as("agent15"), login_as("agent43")
    _upload(client, h15)
    _upload(client, h43)
    for h, visits, dep, commune in (
        (h15, ("v1", "v2"), "15", "15187"),
        (h43, ("v43",), "43", "43157"),
    ):
        changes = []
        for v in visits:
            changes += [
                change("visits", v, visit_fields(dep, commune)),
                change("recommendations", f"a-{v}", recommendation_fields(v)),
                change("observations", f"o-{v}", observation_fields(v)),
            ]
        assert {r["status"] for r in push_as(client, h, *changes)} == {"accepted"}
    return {"15": h15, "43": h43}


def test_links_inside_the_visit_are_accepted(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    h = two_territories["15"]
    results = push_as(
        client,
        h,
        change("observations", "o-new", observation_fields("v1", action_id="a-v1")),
        change(
            "attachments",
            "p1",
            {**attachment_fields("v1", SHA, len(PHOTO)), "observation_id": "o-new"},
        ),
    )
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    held = pulled_by_id(client, h)
    assert held["o-new"]["fields"]["action_id"] == "a-v1"
    assert held["p1"]["fields"]["observation_id"] == "o-new"


@pytest.mark.parametrize("whose", ["own other visit", "another territory"])
def test_an_observation_linking_an_action_of_another_visit_is_refused(
    client: TestClient, two_territories: dict[str, dict[str, str]], whose: str
) -> None:
    h = two_territories["15"]
    other = "a-v2" if whose == "own other visit" else "a-v43"
    [refused] = push_as(
        client, h, change("observations", "o-x", observation_fields("v1", action_id=other))
    )
    assert refused["status"] == "rejected"
    assert refused["code"] == ("invalid" if whose == "own other visit" else "out_of_territory")
    assert "o-x" not in pulled_by_id(client, h)
    # An update of an existing observation is refused the same way, and it keeps its link.
    [refused] = push_as(
        client, h, change("observations", "o-v1", observation_fields("v1", action_id=other), base=1)
    )
    assert refused["status"] == "rejected"
    assert pulled_by_id(client, h)["o-v1"]["fields"]["action_id"] is None


@pytest.mark.parametrize("whose", ["own other visit", "another territory"])
def test_a_photo_of_one_visit_showing_an_observation_of_another_is_refused(
    client: TestClient, two_territories: dict[str, dict[str, str]], whose: str
) -> None:
    h = two_territories["15"]
    other = "o-v2" if whose == "own other visit" else "o-v43"
    fields = {**attachment_fields("v1", SHA, len(PHOTO)), "observation_id": other}
    [refused] = push_as(client, h, change("attachments", "p-x", fields))
    assert refused["status"] == "rejected", refused
    assert refused["code"] in ("invalid", "out_of_territory")
    assert "autre visite" in refused["reason"] or "territoires" in refused["reason"]
    assert "p-x" not in pulled_by_id(client, h)


def test_the_other_territory_never_sees_the_observations(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    held = pulled_by_id(client, two_territories["43"])
    assert "o-v43" in held and "o-v1" not in held and "o-v2" not in held
