"""Signatures on the server: one per visit and role under its natural id, re-signing
replaces it, and a crafted signature for a visit of another territory is refused for
good with nothing of it stored (nor shown to that territory)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from fieldvisit.server.testing import (
    change,
    keyed,
    pulled_by_id,
    push_as,
    signature_fields,
    visit_fields,
)

Login = Callable[..., dict[str, str]]


@pytest.fixture
def two_territories(client: TestClient, login_as: Login) -> dict[str, dict[str, str]]:
    h15, h43 = login_as("agent15"), login_as("agent43")
    assert (
        push_as(client, h15, change("visits", "v15", visit_fields("15", "15187")))[0]["status"]
        == "accepted"
    )
    assert (
        push_as(client, h43, change("visits", "v43", visit_fields("43", "43157")))[0]["status"]
        == "accepted"
    )
    return {"15": h15, "43": h43}


def test_a_signature_for_another_territorys_visit_is_refused(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    h15, h43 = two_territories["15"], two_territories["43"]
    crafted = keyed("signatures", signature_fields("v43", "maire", name="Faux Maire"))
    [refused] = push_as(client, h15, crafted)
    assert (refused["status"], refused["code"]) == ("rejected", "out_of_territory"), refused
    assert "territoire" in refused["reason"]
    assert crafted["id"] not in pulled_by_id(client, h43)
    assert crafted["id"] not in pulled_by_id(client, h15)


def test_one_signature_per_visit_and_role_and_re_signing_replaces_it(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    h15, h43 = two_territories["15"], two_territories["43"]
    first = keyed("signatures", signature_fields("v15", "maire", name="J. Dupuis"))
    assert push_as(client, h15, first)[0]["status"] == "accepted"
    # A second record for the same visit and role, under another id, is refused.
    [taken] = push_as(client, h15, change("signatures", "s-x", signature_fields("v15", "maire")))
    assert (taken["status"], taken["code"]) == ("rejected", "natural_key_taken"), taken
    # Signing again is an update of the same record.
    again = keyed(
        "signatures",
        signature_fields("v15", "maire", name="Jeanne Dupuis", strokes=[[[0.2, 0.2], [0.8, 0.8]]]),
        base=1,
    )
    assert push_as(client, h15, again)[0]["status"] == "accepted"
    held = pulled_by_id(client, h15)[first["id"]]["fields"]
    assert (held["name"], held["strokes"]) == ("Jeanne Dupuis", [[[0.2, 0.2], [0.8, 0.8]]])
    assert first["id"] not in pulled_by_id(client, h43)  # the other territory never sees it
