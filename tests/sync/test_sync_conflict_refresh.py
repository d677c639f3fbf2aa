"""A conflict follows its record (issue 11, point 1).

B has an open conflict whose server side is "A1"; A edits the field again ("A2") and
syncs; B pulls. The conflict must now show A2, and a decision taken on the conflict as
it was (on A1) must be refused and the conflict shown again: a resolution never puts
the old text back over a newer edit. Three laptops and the in-process server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from fieldvisit.cli import main
from fieldvisit.core.errors import BadInput
from fieldvisit.server.testing import server_snapshot
from fieldvisit.services.answers import answer_item
from fieldvisit.services.interviews import record_interview, update_interview
from fieldvisit.services.visits import plan_visit
from fieldvisit.sync.client import SyncClient
from fieldvisit.sync.conflicts import conflict_entries, resolve_conflict
from fieldvisit.sync.engine import SyncEngine
from fieldvisit.sync.session import configured_client

FORM = "visite-centre-bourg"
GUIDE = "entretien-elu"
Make = Callable[..., Any]


def _converged(server: FastAPI, *laptops: Any) -> None:
    on_server = server_snapshot(server.state.ctx.db)
    for laptop in laptops:
        assert laptop.pending() == 0
        assert laptop.snapshot() == on_server


class Field:
    """One free-text field two laptops edit: an answer's comment or interview notes."""

    def __init__(self, kind: str, a: Any, b: Any, c: Any) -> None:
        self.kind = kind
        visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
        if kind == "comment":
            answer = answer_item(a.svc, visit.id, FORM, "parcours", comment="Départ")
            self.table, self.id, self.name = "answers", answer.id, "comment"
            self.visit_id = visit.id
        else:
            interview = record_interview(a.svc, visit.id, GUIDE, notes="Départ")
            self.table, self.id, self.name = "interviews", interview.id, "notes"
        for laptop in (a, b, c):
            laptop.sync()
        self.visit = visit

    def edit(self, laptop: Any, text: str) -> None:
        if self.kind == "comment":
            answer_item(laptop.svc, self.visit.id, FORM, "parcours", comment=text)
        else:
            update_interview(laptop.svc, self.id, notes=text)

    def on_server(self, server: FastAPI) -> str:
        fields, deleted = server_snapshot(server.state.ctx.db)[(self.table, self.id)]
        assert not deleted
        return str(fields[self.name])


def _stale_conflict(laptops: Make, kind: str) -> tuple[Any, Any, Any, Field, Any]:
    """B's conflict (B1 against A1), then A's newer edit A2, pulled by B."""
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    field = Field(kind, a, b, c)
    field.edit(a, "A1 : le maire souhaite une réunion publique")
    field.edit(b, "B1 : réunion publique refusée par le maire")
    a.sync()
    assert b.sync().conflicts == 1
    [stale] = conflict_entries(b.svc)
    assert (stale.local, stale.remote) == (
        "B1 : réunion publique refusée par le maire",
        "A1 : le maire souhaite une réunion publique",
    )
    field.edit(a, "A2 : réunion publique fixée au 3 décembre")
    a.sync()
    b.sync()
    return a, b, c, field, stale


@pytest.mark.parametrize("kind", ["comment", "notes"])
@pytest.mark.parametrize("choice", ["remote", "local", "value"])
def test_a_decision_on_an_outdated_conflict_is_refused_and_shown_again(
    laptops: Make, server: FastAPI, kind: str, choice: str
) -> None:
    a, b, c, field, stale = _stale_conflict(laptops, kind)
    typed = "B : réunion publique, date à fixer" if choice == "value" else None
    with pytest.raises(BadInput, match="version plus récente"):
        resolve_conflict(b.svc, stale.id, choice, typed)  # decided on A1
    [shown] = conflict_entries(b.svc)  # shown again, with the server's newest version
    assert shown.id != stale.id
    assert (shown.local, shown.remote) == (
        "B1 : réunion publique refusée par le maire",
        "A2 : réunion publique fixée au 3 décembre",
    )
    for laptop in (b, a, c, b):
        laptop.sync()
    _converged(server, a, b, c)
    assert field.on_server(server) == "A2 : réunion publique fixée au 3 décembre"


@pytest.mark.parametrize("kind", ["comment", "notes"])
def test_a_decision_on_the_refreshed_conflict_is_kept_everywhere(
    laptops: Make, server: FastAPI, kind: str
) -> None:
    a, b, c, field, _stale = _stale_conflict(laptops, kind)
    [shown] = conflict_entries(b.svc)
    merged = "A2 : réunion publique fixée au 3 décembre (le maire hésitait)"
    resolve_conflict(b.svc, shown.id, "value", merged)
    for laptop in (b, a, c):
        laptop.sync()
    _converged(server, a, b, c)
    assert field.on_server(server) == merged
    assert [x.conflicts() for x in (a, b, c)] == [[], [], []]


@pytest.mark.parametrize("choice", ["local", "value"])
def test_a_decision_taken_offline_meets_a_newer_edit_as_a_new_conflict(
    laptops: Make, server: FastAPI, choice: str
) -> None:
    """B decides on A1 while A2 is already on the server: B's push is based on A1's
    version, so the newer A2 is merged against it, never overwritten."""
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    field = Field("notes", a, b, c)
    field.edit(a, "A1")
    field.edit(b, "B1")
    a.sync()
    b.sync()
    [conflict] = conflict_entries(b.svc)
    field.edit(a, "A2")
    a.sync()
    resolve_conflict(b.svc, conflict.id, choice, "B, tapé" if choice == "value" else None)
    assert b.sync().conflicts == 1
    [again] = conflict_entries(b.svc)
    assert again.remote == "A2" and again.local == ("B1" if choice == "local" else "B, tapé")
    for laptop in (a, c, b):
        laptop.sync()
    _converged(server, a, b, c)
    assert field.on_server(server) == "A2"


def test_a_conflict_closes_when_the_other_side_comes_to_the_same_text(
    laptops: Make, server: FastAPI
) -> None:
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    field = Field("comment", a, b, c)
    field.edit(a, "Éclairage insuffisant")
    field.edit(b, "Éclairage insuffisant rue Haute")
    a.sync()
    b.sync()
    [conflict] = conflict_entries(b.svc)
    field.edit(a, "Éclairage insuffisant rue Haute")  # A comes round to B's text
    a.sync()
    b.sync()
    assert conflict_entries(b.svc) == []
    with pytest.raises(BadInput, match="identiques"):
        resolve_conflict(b.svc, conflict.id, "remote")
    for laptop in (a, b, c):
        laptop.sync()
    _converged(server, a, b, c)
    assert field.on_server(server) == "Éclairage insuffisant rue Haute"


class ColleagueSyncsFirst(SyncClient):
    """Lets a colleague edit and sync just before this laptop's first push."""

    def __init__(self, *args: Any, colleague: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.colleague = colleague
        self.fired = 0

    def push(self, batch):  # type: ignore[no-untyped-def]
        if not self.fired:
            self.fired += 1
            self.colleague()
        return super().push(batch)


def test_a_newer_version_in_a_push_answer_refreshes_the_conflict(
    laptops: Make, server: FastAPI
) -> None:
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    field = Field("notes", a, b, c)
    field.edit(a, "A1")
    field.edit(b, "B1")
    a.sync()
    b.sync()
    [stale] = conflict_entries(b.svc)
    update_interview(b.svc, field.id, title="Entretien avec le maire")  # pending on B

    def colleague() -> None:
        field.edit(a, "A2")
        a.sync()

    base = configured_client(b.svc, http=b.http)
    client = ColleagueSyncsFirst(base.server_url, base.token, http=b.http, colleague=colleague)
    SyncEngine(b.svc, client).run()  # B's push meets A2: a conflict answer
    assert client.fired == 1
    [shown] = conflict_entries(b.svc)
    assert shown.id != stale.id and (shown.local, shown.remote) == ("B1", "A2")
    with pytest.raises(BadInput, match="version plus récente"):
        resolve_conflict(b.svc, stale.id, "local")
    for laptop in (a, c):
        laptop.sync()
    _converged(server, a, b, c)
    assert field.on_server(server) == "A2"


def test_the_command_line_refuses_an_outdated_decision_and_names_the_new_conflict(
    laptops: Make, capsys: pytest.CaptureFixture[str]
) -> None:
    _a, b, _c, _field, stale = _stale_conflict(laptops, "notes")
    root = str(b.svc.data_dir.root)
    assert main(["--data-dir", root, "conflicts", "resolve", stale.id, "--keep", "local"]) == 2
    [shown] = conflict_entries(b.svc)
    err = capsys.readouterr().err
    assert "version plus récente" in err and shown.id in err
    code = main(["--data-dir", root, "conflicts", "resolve", shown.id, "--value", "B et A2"])
    assert code == 0 and conflict_entries(b.svc) == []


def test_a_conflicting_field_edited_here_and_pushed_refreshes_the_conflict(
    laptops: Make, server: FastAPI
) -> None:
    """B types a new text straight into the field: the server now holds it, so keeping
    « the server's version » decided on A1 must not put A1 back over it."""
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    field = Field("notes", a, b, c)
    field.edit(a, "A1")
    field.edit(b, "B1")
    a.sync()
    b.sync()
    [stale] = conflict_entries(b.svc)
    field.edit(b, "B3, repris à la main")
    b.sync()
    with pytest.raises(BadInput, match="version plus récente"):
        resolve_conflict(b.svc, stale.id, "remote")
    [shown] = conflict_entries(b.svc)
    assert (shown.local, shown.remote) == ("B1", "B3, repris à la main")
    for laptop in (a, c):
        laptop.sync()
    _converged(server, a, b, c)
    assert field.on_server(server) == "B3, repris à la main"
