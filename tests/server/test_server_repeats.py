"""Occurrences of repeatable groups on the server: scoped by their visit's territory,
their answers under the natural key (occurrence, item) and inside the occurrence's own
visit, ids and codes of the right shape. A crafted push is refused for good and
nothing of it is stored; the app's own records are accepted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from fieldvisit.core.ids import new_id
from fieldvisit.server.testing import (
    change,
    keyed,
    occurrence_answer_fields,
    occurrence_fields,
    pulled_by_id,
    push_as,
    visit_fields,
)

Login = Callable[..., dict[str, str]]


@pytest.fixture
def two_territories(client: TestClient, login_as: Login) -> dict[str, dict[str, str]]:
    """agent15 with visits v1 and v2 (an occurrence in each), agent43 with v43 (same)."""
    h15, h43 = login_as("agent15"), login_as("agent43")
    for h, visits, dep, commune in (
        (h15, ("v1", "v2"), "15", "15187"),
        (h43, ("v43",), "43", "43157"),
    ):
        changes = []
        for v in visits:
            changes += [
                change("visits", v, visit_fields(dep, commune)),
                change("repeat_occurrences", f"o-{v}", occurrence_fields(v)),
            ]
        assert {r["status"] for r in push_as(client, h, *changes)} == {"accepted"}
    return {"15": h15, "43": h43}


def test_the_apps_occurrences_and_answers_are_accepted_and_pulled(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    h = two_territories["15"]
    first = keyed("occurrence_answers", occurrence_answer_fields("o-v1", "v1"))
    second = keyed(
        "occurrence_answers", occurrence_answer_fields("o-v1", "v1", "local_etat", "bon")
    )
    results = push_as(
        client, h, change("repeat_occurrences", "o-v1b", occurrence_fields("v1")), first, second
    )
    assert [r["status"] for r in results] == ["accepted"] * 3, results
    pulled = pulled_by_id(client, h)
    assert {"o-v1", "o-v1b", first["id"], second["id"]} <= set(pulled)
    # agent43 sees none of it.
    assert not {"o-v1", first["id"]} & set(pulled_by_id(client, two_territories["43"]))


def test_an_occurrence_or_an_answer_for_another_territorys_visit_is_refused(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    h = two_territories["15"]
    theirs = occurrence_answer_fields("o-v43", "v43")
    results = push_as(
        client,
        h,
        change("repeat_occurrences", "o-squat", occurrence_fields("v43")),
        keyed("occurrence_answers", theirs),
    )
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "out_of_territory"),
        ("rejected", "out_of_territory"),
    ], results
    # Posing as one's own visit while naming their occurrence does not get in either.
    [crossed] = push_as(
        client, h, keyed("occurrence_answers", occurrence_answer_fields("o-v43", "v1"))
    )
    assert crossed["status"] == "rejected", crossed
    assert crossed["code"] in ("out_of_territory", "invalid"), crossed
    held = pulled_by_id(client, two_territories["43"])
    assert "o-squat" not in held
    assert not [r for r in held.values() if r["table"] == "occurrence_answers"]


def test_an_answer_must_stay_in_its_occurrences_visit(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    h = two_territories["15"]
    [refused] = push_as(
        client, h, keyed("occurrence_answers", occurrence_answer_fields("o-v2", "v1"))
    )
    assert (refused["status"], refused["code"]) == ("rejected", "invalid"), refused
    assert "autre visite" in refused["reason"]


def test_a_second_answer_for_the_same_item_and_a_wrong_id_are_refused(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    h = two_territories["15"]
    fields = occurrence_answer_fields("o-v1", "v1")
    assert push_as(client, h, keyed("occurrence_answers", fields))[0]["status"] == "accepted"
    [duplicate] = push_as(client, h, change("occurrence_answers", new_id(), fields))
    assert (duplicate["status"], duplicate["code"]) == ("rejected", "natural_key_taken")
    other = occurrence_answer_fields("o-v1", "v1", "local_etat", "bon")
    [mismatch] = push_as(client, h, change("occurrence_answers", new_id(), other))
    assert (mismatch["status"], mismatch["code"]) == ("rejected", "natural_id_mismatch")


@pytest.mark.parametrize(
    ("table", "fields", "field"),
    [
        ("repeat_occurrences", occurrence_fields("v1", group_id="Pas Un Id"), "group_id"),
        ("repeat_occurrences", occurrence_fields("v1", form_id="../etc"), "form_id"),
        (
            "occurrence_answers",
            occurrence_answer_fields("o-v1", "v1", item_id="DROP TABLE"),
            "item_id",
        ),
        (
            "occurrence_answers",
            occurrence_answer_fields("o-v1", "v1", value={"pirate": True}),
            "value",
        ),
    ],
)
def test_ids_and_values_of_the_wrong_shape_are_refused(
    client: TestClient,
    two_territories: dict[str, dict[str, str]],
    table: str,
    fields: dict,
    field: str,
) -> None:
    h = two_territories["15"]
    record = change(table, new_id(), fields)
    [refused] = push_as(client, h, record)
    assert (refused["status"], refused["code"]) == ("rejected", "invalid"), refused
    assert f"« {field} »" in refused["reason"]
    assert record["id"] not in pulled_by_id(client, h)


def test_an_occurrence_cannot_move_to_another_visit_or_group(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    h = two_territories["15"]
    for moved in (occurrence_fields("v2"), occurrence_fields("v1", group_id="autres")):
        [refused] = push_as(client, h, change("repeat_occurrences", "o-v1", moved, base=1))
        assert (refused["status"], refused["code"]) == ("rejected", "parent_changed"), refused


def test_an_occurrence_is_deleted_with_its_answers_only(
    client: TestClient, two_territories: dict[str, dict[str, str]]
) -> None:
    """The server accepts an occurrence's deletion once nothing under it is alive."""
    h = two_territories["15"]
    answer = keyed("occurrence_answers", occurrence_answer_fields("o-v1", "v1"))
    assert push_as(client, h, answer)[0]["status"] == "accepted"
    alone = occurrence_fields("v1", deletion_id="d-1")
    [refused] = push_as(
        client, h, change("repeat_occurrences", "o-v1", alone, base=1, deleted=True)
    )
    assert refused["status"] == "rejected", refused
    gone_answer = {**answer["fields"], "deletion_id": "d-1"}
    results = push_as(
        client,
        h,
        change("occurrence_answers", answer["id"], gone_answer, base=1, deleted=True),
        change("repeat_occurrences", "o-v1", alone, base=1, deleted=True),
    )
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
