"""One record pushed by any account cannot break a territory's sync (server side).

Each record is checked alone, and refused with a code (wire.RejectionCode) and a French
reason: a duplicate of a natural key, a natural-key id that is not its own, a record
moved to another parent, a value outside the domain (status « piratee »), a visit
declared in another département than its commune's, a record over the size limit.
Anything else of the batch is applied.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fieldvisit.core.ids import new_id
from fieldvisit.server.testing import (
    answer_fields,
    attachment_fields,
    change,
    contact_fields,
    interview_answer_fields,
    interview_fields,
    interviewee_fields,
    keyed,
    natural,
    note_fields,
    observation_fields,
    participant_fields,
    push_body,
    rating_fields,
    recommendation_fields,
    signature_fields,
    visit_fields,
)
from fieldvisit.sync.wire import RETRY_LATER_CODES

Login = Callable[..., dict[str, str]]
PHOTO = b"JPEG de la place de la mairie"
SHA = hashlib.sha256(PHOTO).hexdigest()


def _push(client: TestClient, headers: dict[str, str], *changes: dict) -> list[dict]:
    device = "dev-" + _user_of(client, headers)
    answer = client.post("/api/v1/push", headers=headers, json=push_body(device, *changes))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["results"])


def _user_of(client: TestClient, headers: dict[str, str]) -> str:
    return str(client.get("/api/v1/me", headers=headers).json()["username"])


def _pulled(client: TestClient, headers: dict[str, str]) -> dict[str, dict]:
    records = client.get("/api/v1/changes?limit=1000", headers=headers).json()["records"]
    return {r["id"]: r for r in records}


@pytest.fixture
def agent15(client: TestClient, login_as: Login) -> dict[str, str]:
    """agent15, with two visits of Saint-Flour, an interview in each, two contacts and a
    photo uploaded."""
    h = login_as("agent15")
    url = f"/api/v1/attachments/{SHA}?offset=0&size={len(PHOTO)}"
    put = client.put(url, headers=h, content=PHOTO)
    assert put.json()["complete"]
    results = _push(
        client,
        h,
        change("contacts", "c1", contact_fields("15187", "Mme la Maire")),
        change("contacts", "c2", contact_fields("15187", "M. le Commandant")),
        change("visits", "v1", visit_fields()),
        change("visits", "v2", visit_fields()),
        change("interviews", "i1", interview_fields("v1")),
        change("interviews", "i2", interview_fields("v2")),
    )
    assert {r["status"] for r in results} == {"accepted"}, results
    return h


# What each table's record looks like under one parent (natural-key tables first).
MAKERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "answers": lambda parent: answer_fields(parent),
    "theme_ratings": lambda parent: rating_fields(parent),
    "visit_participants": lambda parent: participant_fields(parent, "c1"),
    "interviewees": lambda parent: interviewee_fields(parent, "c1"),
    "interview_answers": lambda parent: interview_answer_fields(parent),
    "interviews": lambda parent: interview_fields(parent),
    "recommendations": lambda parent: recommendation_fields(parent),
    "attachments": lambda parent: attachment_fields(parent, SHA, len(PHOTO)),
    "quick_notes": lambda parent: note_fields(parent),
    "observations": lambda parent: observation_fields(parent),
    "signatures": lambda parent: signature_fields(parent),
}
NATURAL = (
    "answers",
    "theme_ratings",
    "visit_participants",
    "interviewees",
    "interview_answers",
    "signatures",
)
# The field naming each table's parent, and its two parents in the fixture.
PARENTS = {
    table: ("interview_id", "i1", "i2")
    if table in ("interviewees", "interview_answers")
    else ("visit_id", "v1", "v2")
    for table in MAKERS
}


def _record(table: str, parent: str) -> dict:
    fields = MAKERS[table](parent)
    if table in NATURAL:
        return keyed(table, fields)
    return change(table, f"{table}-1", fields)


# --- natural keys --------------------------------------------------------------------


@pytest.mark.parametrize("table", NATURAL)
def test_a_second_record_for_the_same_natural_key_is_refused(
    client: TestClient, agent15: dict[str, str], table: str
) -> None:
    """A second answer for an item that has one (under a new id) used to be accepted:
    every laptop of the territory then failed every pull on its unique index."""
    _, first_parent, _ = PARENTS[table]
    first = _record(table, first_parent)
    assert _push(client, agent15, first)[0]["status"] == "accepted"
    duplicate = change(table, new_id(), MAKERS[table](first_parent))
    [refused] = _push(client, agent15, duplicate)
    assert (refused["status"], refused["code"]) == ("rejected", "natural_key_taken"), refused
    assert first["id"] in refused["reason"] and "renvoyé" not in refused["reason"]
    held = [r for r in _pulled(client, agent15).values() if r["table"] == table]
    assert [r["id"] for r in held] == [first["id"]]


@pytest.mark.parametrize("table", NATURAL)
def test_a_natural_key_id_must_be_the_one_of_its_own_parent_and_key(
    client: TestClient, login_as: Login, table: str
) -> None:
    """An agent of 15 who knows a 43 visit (or interview) id computed the id of a future
    answer of it and pushed it under his own visit: the agent of 43's answer was then
    refused every round. Now the squatter is refused, and the rightful owner is not."""
    admin, agent15, agent43 = login_as("admin"), login_as("agent15"), login_as("agent43")
    parent_field, _, _ = PARENTS[table]
    seeds = [
        change("contacts", "c1", contact_fields("15187")),
        change("visits", "v15", visit_fields()),
        change("visits", "v43", visit_fields("43", "43157")),
        change("interviews", "i15", interview_fields("v15")),
        change("interviews", "i43", interview_fields("v43")),
    ]
    assert {r["status"] for r in _push(client, admin, *seeds)} == {"accepted"}
    parents = ("i15", "i43") if parent_field == "interview_id" else ("v15", "v43")
    theirs = MAKERS[table](parents[1])
    if table in ("visit_participants", "interviewees"):
        _push(client, agent43, change("contacts", "c43", contact_fields("43157")))
        theirs = {**theirs, "contact_id": "c43"}
    future_id = natural(table, theirs)
    mine = {**theirs, parent_field: parents[0]}
    if "contact_id" in mine:
        mine["contact_id"] = "c1"
    [squat] = _push(client, agent15, change(table, future_id, mine))
    assert (squat["status"], squat["code"]) == ("rejected", "natural_id_mismatch"), squat
    assert "renvoyé" not in squat["reason"]
    [own] = _push(client, agent43, change(table, future_id, theirs))
    assert own["status"] == "accepted", own


def test_an_update_that_changes_the_key_of_a_record_is_refused(
    client: TestClient, agent15: dict[str, str]
) -> None:
    answer = keyed("answers", answer_fields("v1", item_id="parcours"))
    _push(client, agent15, answer)
    moved = change("answers", answer["id"], answer_fields("v1", item_id="eclairage"), base=1)
    [refused] = _push(client, agent15, moved)
    assert (refused["status"], refused["code"]) == ("rejected", "natural_id_mismatch")
    assert _pulled(client, agent15)[answer["id"]]["fields"]["item_id"] == "parcours"


# --- parents -------------------------------------------------------------------------


@pytest.mark.parametrize("table", list(MAKERS))
def test_a_record_never_moves_to_another_parent(
    client: TestClient, agent15: dict[str, str], table: str
) -> None:
    """An answer moved into another visit used to be accepted, and broke every laptop of
    the old visit's territory on a foreign-key check."""
    name, old, new = PARENTS[table]
    record = _record(table, old)
    assert _push(client, agent15, record)[0]["status"] == "accepted"
    moved = change(table, record["id"], {**record["fields"], name: new}, base=1)
    [refused] = _push(client, agent15, moved)
    assert (refused["status"], refused["code"]) == ("rejected", "parent_changed"), refused
    assert name in refused["reason"] and "renvoyé" not in refused["reason"]
    held = _pulled(client, agent15)[record["id"]]
    assert (held["version"], held["fields"][name]) == (1, old)


def test_a_link_never_changes_its_contact(client: TestClient, agent15: dict[str, str]) -> None:
    link = keyed("visit_participants", participant_fields("v1", "c1"))
    _push(client, agent15, link)
    other = change("visit_participants", link["id"], participant_fields("v1", "c2"), base=1)
    [refused] = _push(client, agent15, other)
    assert refused["code"] == "parent_changed" and "contact_id" in refused["reason"]


def test_an_answer_cannot_move_to_a_visit_of_another_territory(
    client: TestClient, login_as: Login
) -> None:
    coord = login_as("coord43")  # territories 15 and 43
    _push(
        client,
        coord,
        change("visits", "v15", visit_fields()),
        change("visits", "v43", visit_fields("43", "43157")),
        keyed("answers", answer_fields("v43", value="rodéos le soir")),
    )
    answer_id = natural("answers", answer_fields("v43"))
    [refused] = _push(client, coord, change("answers", answer_id, answer_fields("v15"), base=1))
    assert refused["code"] == "parent_changed"
    assert answer_id in _pulled(client, login_as("agent43"))
    assert answer_id not in _pulled(client, login_as("agent15"))


# --- values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "fields", "field"),
    [
        ("visits", visit_fields(status="piratee"), "status"),
        ("visits", visit_fields(visit_type="zzz"), "visit_type"),
        ("visits", visit_fields(commune_code="Saint"), "commune_code"),
        ("visits", visit_fields(checklist_form_id="Mon Formulaire"), "checklist_form_id"),
        ("visits", visit_fields(diagnostic_form_version=0), "diagnostic_form_version"),
        ("contacts", {**contact_fields(), "role": "pirate"}, "role"),
        ("contacts", contact_fields("15 187"), "commune_code"),
        ("answers", answer_fields("v1", item_id="../../etc"), "item_id"),
        ("answers", {**answer_fields("v1"), "form_id": "<script>"}, "form_id"),
        ("theme_ratings", rating_fields("v1", level=9), "level"),
        ("theme_ratings", rating_fields("v1", level=0), "level"),
        ("theme_ratings", rating_fields("v1", theme_id="Thème"), "theme_id"),
        ("recommendations", recommendation_fields("v1", priority=7), "priority"),
        ("recommendations", recommendation_fields("v1", horizon="jamais"), "horizon"),
        ("recommendations", recommendation_fields("v1", porteur="personne"), "porteur"),
        ("recommendations", recommendation_fields("v1", dispositif="x"), "dispositif"),
        ("recommendations", recommendation_fields("v1", status="oubliee"), "status"),
        ("interviews", {**interview_fields("v1"), "form_version": -1}, "form_version"),
        ("interview_answers", interview_answer_fields("i1", item_id="A B"), "item_id"),
        ("attachments", {**attachment_fields("v1", SHA, 1), "size": -1}, "size"),
        ("attachments", {**attachment_fields("v1", SHA, 1), "media_type": "jpeg"}, "media_type"),
        ("attachments", {**attachment_fields("v1", SHA, 1), "item_id": "X"}, "item_id"),
        ("quick_notes", note_fields("v1", moved_to="ailleurs"), "moved_to"),
        ("observations", observation_fields("v1", category="ovni"), "category"),
        ("observations", observation_fields("v1", severity="extreme"), "severity"),
        ("observations", observation_fields("v1", pin={"x": 1.5, "y": 0.2}), "pin"),
        ("observations", observation_fields("v1", pin=[0.1, 0.2]), "pin"),
        ("observations", observation_fields("v1", place="x" * 301), "place"),
        ("attachments", {**attachment_fields("v1", SHA, 1), "role": "affiche"}, "role"),
        ("signatures", signature_fields("v1", role="prefet"), "role"),
        ("signatures", signature_fields("v1", name="  "), "name"),
        ("signatures", signature_fields("v1", strokes=[]), "strokes"),
        ("signatures", signature_fields("v1", strokes=[[[0.1, 1.5]]]), "strokes"),
        ("signatures", signature_fields("v1", strokes=[[[0.1, 0.2, 0.3]]]), "strokes"),
        ("signatures", signature_fields("v1", strokes=[[[0.5, 0.5]]] * 201), "strokes"),
        ("signatures", signature_fields("v1", strokes="data:image/png"), "strokes"),
    ],
)
def test_values_outside_the_domain_are_refused(
    client: TestClient, agent15: dict[str, str], table: str, fields: dict, field: str
) -> None:
    """A visit with status « piratee » and type « zzz » used to be accepted, and
    `fieldvisit visits list` then crashed on every laptop that received it."""
    record = keyed(table, fields) if table in NATURAL else change(table, f"{table}-x", fields)
    [refused] = _push(client, agent15, record)
    assert (refused["status"], refused["code"]) == ("rejected", "invalid"), refused
    assert f"« {field} »" in refused["reason"] and "renvoyé" not in refused["reason"]
    assert record["id"] not in _pulled(client, agent15)


def test_the_refusal_says_which_values_are_possible(
    client: TestClient, agent15: dict[str, str]
) -> None:
    [refused] = _push(client, agent15, change("visits", "v9", visit_fields(status="piratee")))
    assert refused["reason"] == (
        "enregistrement invalide : champ « status » : « piratee » n'est pas une valeur "
        "possible (valeurs : planifiee, en_cours, terminee, rapport_emis)"
    )


# --- communes ------------------------------------------------------------------------


def test_a_visit_declared_in_another_departement_than_its_commune_is_refused(
    client: TestClient, login_as: Login
) -> None:
    """A visit of Yssingeaux (43268) declared in the Cantal was accepted: the
    coordinateur of the Haute-Loire never saw it."""
    agent15 = login_as("agent15")
    [refused] = _push(client, agent15, change("visits", "v-ys", visit_fields("15", "43268")))
    assert (refused["status"], refused["code"]) == ("rejected", "commune_mismatch"), refused
    assert "Yssingeaux" in refused["reason"] and "renvoyé" not in refused["reason"]
    ys_in_15 = change("visits", "v-ys", visit_fields("15", "43268"))
    [by_admin] = _push(client, login_as("admin"), ys_in_15)
    assert by_admin["code"] == "commune_mismatch"
    agent43 = login_as("agent43")
    [right] = _push(client, agent43, change("visits", "v-ys", visit_fields("43", "43268")))
    assert right["status"] == "accepted"
    assert "v-ys" in _pulled(client, agent43) and "v-ys" not in _pulled(client, agent15)


def test_an_existing_visit_cannot_take_a_commune_of_another_departement(
    client: TestClient, login_as: Login
) -> None:
    agent15 = login_as("agent15")
    _push(client, agent15, change("visits", "v1", visit_fields()))
    moved = change("visits", "v1", visit_fields("15", "43157", commune_name="Le Puy"), base=1)
    [refused] = _push(client, agent15, moved)
    assert refused["code"] == "commune_mismatch" and "Le Puy-en-Velay" in refused["reason"]
    other = change("visits", "v1", visit_fields("15", "15014", commune_name="Aurillac"), base=1)
    assert _push(client, agent15, other)[0]["status"] == "accepted"  # same département
    assert _pulled(client, agent15)["v1"]["fields"]["commune_code"] == "15014"


def test_a_visit_of_an_unknown_commune_is_refused(client: TestClient, login_as: Login) -> None:
    unknown = change("visits", "v", visit_fields("15", "15999"))
    [refused] = _push(client, login_as("agent15"), unknown)
    assert refused["code"] == "invalid" and "15999" in refused["reason"]


# --- codes ---------------------------------------------------------------------------


def test_every_refusal_has_a_code_and_only_those_retried_say_so(
    client: TestClient, agent15: dict[str, str], login_as: Login
) -> None:
    _push(client, login_as("agent43"), change("visits", "v43", visit_fields("43", "43157")))
    other_photo = hashlib.sha256(b"jamais envoyee").hexdigest()
    results = _push(
        client,
        agent15,
        change("visits", "v-bad", visit_fields(status="piratee")),  # invalid
        change("visits", "v-big", visit_fields(summary="x" * 300_000)),  # too_large
        change("visits", "v-43", visit_fields("43", "43157")),  # out_of_territory
        keyed("answers", answer_fields("v43")),  # out_of_territory (its visit)
        keyed("answers", answer_fields("absente")),  # parent_unknown
        change("attachments", "ph", attachment_fields("v1", other_photo, 5)),  # no file yet
        change("visits", "v-ys", visit_fields("15", "43268")),  # commune_mismatch
        change("answers", new_id(), answer_fields("v1")),  # natural_id_mismatch
    )
    codes = [r["code"] for r in results]
    assert codes == [
        "invalid",
        "too_large",
        "out_of_territory",
        "out_of_territory",
        "parent_unknown",
        "file_not_received",
        "commune_mismatch",
        "natural_id_mismatch",
    ]
    for result in results:
        retried = result["code"] in RETRY_LATER_CODES
        assert ("renvoyé" in result["reason"]) == retried, result
