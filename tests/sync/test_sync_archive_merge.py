"""Importing a visit archive merges like a pull (issue 11, point 3).

A edits offline and exports; C changes the same answer and syncs; B imports A's
archive and syncs: C's value must not be lost. The import merges three-way against
the common base and never touches the record's server version; what cannot be merged
becomes a conflict, in which the record keeps the value everyone already has.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from fieldvisit.server.testing import server_snapshot
from fieldvisit.services.answers import answer_item
from fieldvisit.services.deletion import soft_delete
from fieldvisit.services.interviews import answer_interview_item, record_interview
from fieldvisit.services.visits import plan_visit, update_visit
from fieldvisit.store.models import Answer
from fieldvisit.sync.archive import export_visit, import_visit
from fieldvisit.sync.conflicts import conflict_entries, resolve_conflict

FORM = "visite-centre-bourg"
Make = Callable[..., Any]


def _converged(server: FastAPI, *laptops: Any) -> dict[tuple[str, str], Any]:
    on_server = server_snapshot(server.state.ctx.db)
    for laptop in laptops:
        assert laptop.pending() == 0
        assert laptop.snapshot() == on_server
    return on_server


def _server_version(laptop: Any, answer_id: str) -> int:
    with laptop.svc.store.reading() as session:
        return session.scalars(select(Answer.server_version).where(Answer.id == answer_id)).one()


def _setup(laptops: Make, tmp_path: Path) -> tuple[Any, Any, Any, Any, Any, Path]:
    # A's clock is weeks ahead, as a laptop's can be: wall clocks never decide a merge.
    a, b, c = laptops("a", clock_offset=timedelta(days=30)), laptops("b"), laptops("c")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14), author="Claire")
    answer = answer_item(a.svc, visit.id, FORM, "parcours", value="Mairie", comment="Départ")
    for laptop in (a, b, c):
        laptop.sync()
    # A, offline, edits the comment and exports the visit.
    answer_item(a.svc, visit.id, FORM, "parcours", comment="A : trottoirs étroits rue Haute")
    update_visit(a.svc, visit.id, summary="Synthèse écrite hors ligne par A.")
    archive = export_visit(a.svc, visit.id, tmp_path / "visite-a.zip")
    return a, b, c, visit, answer, archive


@pytest.mark.parametrize("b_pulled_first", [True, False])
def test_an_imported_archive_never_reverts_a_teammates_synced_change(
    laptops: Make, server: FastAPI, tmp_path: Path, b_pulled_first: bool
) -> None:
    _a, b, c, visit, answer, archive = _setup(laptops, tmp_path)
    answer_item(c.svc, visit.id, FORM, "parcours", comment="C : éclairage refait en octobre")
    c.sync()
    if b_pulled_first:
        b.sync()
    version_before = _server_version(b, answer.id)
    import_visit(b.svc, archive)
    assert _server_version(b, answer.id) == version_before  # never touched by an import
    b.sync()
    for laptop in (c, b, c):
        laptop.sync()
    snapshot = server_snapshot(server.state.ctx.db)
    fields = snapshot[("answers", answer.id)][0]
    assert fields["comment"] == "C : éclairage refait en octobre"  # C's value kept
    # A's other offline work (a field nobody else changed) came through the archive.
    assert snapshot[("visits", visit.id)][0]["summary"] == "Synthèse écrite hors ligne par A."
    [conflict] = conflict_entries(b.svc)  # A's value is waiting for a decision
    assert (conflict.table, conflict.field_name) == ("answers", "comment")
    assert {conflict.local, conflict.remote} == {
        "C : éclairage refait en octobre",
        "A : trottoirs étroits rue Haute",
    }
    _converged(server, b, c)


def test_the_archived_value_can_still_be_chosen(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    _a, b, c, visit, answer, archive = _setup(laptops, tmp_path)
    answer_item(c.svc, visit.id, FORM, "parcours", comment="C : éclairage refait")
    c.sync()
    b.sync()
    import_visit(b.svc, archive)
    [conflict] = conflict_entries(b.svc)
    assert conflict.source == "import"
    choice = "local" if conflict.local == "A : trottoirs étroits rue Haute" else "remote"
    resolve_conflict(b.svc, conflict.id, choice)
    b.sync()
    c.sync()
    snapshot = _converged(server, b, c)
    assert snapshot[("answers", answer.id)][0]["comment"] == "A : trottoirs étroits rue Haute"


def test_an_archive_merges_fields_changed_on_different_sides(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    _a, b, c, visit, answer, archive = _setup(laptops, tmp_path)
    answer_item(c.svc, visit.id, FORM, "parcours", value="Place du marché")  # not the comment
    c.sync()
    b.sync()
    result = import_visit(b.svc, archive)
    assert result.conflicts == 0
    b.sync()
    c.sync()
    snapshot = _converged(server, b, c)
    fields = snapshot[("answers", answer.id)][0]
    assert (fields["value"], fields["comment"]) == (
        "Place du marché",
        "A : trottoirs étroits rue Haute",
    )
    assert conflict_entries(b.svc) == []


def test_importing_the_same_archive_twice_changes_nothing_the_second_time(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    _a, b, _c, _visit, _answer, archive = _setup(laptops, tmp_path)
    import_visit(b.svc, archive)
    b.sync()
    again = import_visit(b.svc, archive)
    assert (again.created, again.updated, again.conflicts) == (0, 0, 0)
    assert b.pending() == 0


def test_an_archive_of_the_first_format_is_merged_without_guessing(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    """A format-1 archive has no merge bases: a field that differs becomes a conflict."""
    _a, b, c, visit, answer, archive = _setup(laptops, tmp_path)
    old = tmp_path / "ancienne.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(old, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["format_version"] = 1
                del manifest["bases"], manifest["server"]
                data = json.dumps(manifest).encode()
            dst.writestr(info.filename, data)
    answer_item(c.svc, visit.id, FORM, "parcours", comment="C : éclairage refait")
    c.sync()
    b.sync()
    assert import_visit(b.svc, old).conflicts == 1  # the comment (the summary was empty)
    b.sync()
    snapshot = server_snapshot(server.state.ctx.db)
    assert snapshot[("answers", answer.id)][0]["comment"] == "C : éclairage refait"
    assert snapshot[("visits", visit.id)][0]["summary"] == "Synthèse écrite hors ligne par A."


def test_an_imported_deletion_is_undone_whole_by_an_edit_made_here(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    interview = record_interview(a.svc, visit.id, "entretien-elu", notes="En mairie")
    answer_interview_item(a.svc, interview.id, "interlocuteurs_noms", "Mme Martin")
    a.sync()
    b.sync()
    soft_delete(a.svc, "interview", interview.id)  # A, offline, deletes the interview
    archive = export_visit(a.svc, visit.id, tmp_path / "visite-a.zip")
    answer_interview_item(b.svc, interview.id, "interlocuteurs_noms", "Mme Martin, maire")
    result = import_visit(b.svc, archive)
    assert result.conflicts == 1
    [conflict] = conflict_entries(b.svc)
    assert (conflict.conflict_kind, conflict.record_id) == ("delete", interview.id)
    b.sync()
    a.sync()
    snapshot = _converged(server, a, b)
    assert not snapshot[("interviews", interview.id)][1]
    assert not any(deleted for (t, _), (f, deleted) in snapshot.items() if f.get("interview_id"))
