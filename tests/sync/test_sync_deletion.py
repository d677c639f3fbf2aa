"""A deletion is one operation (issue 11, point 2).

Deleting a visit removes everything it holds as one deletion. When an edit made on
another laptop wins over it (edit against delete: the edit wins), the whole deletion is
undone on every laptop, with one conflict of kind « suppression » saying who deleted
what and why it came back. No live record under a deleted parent, ever: neither on a
laptop nor on the server, after every round.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from fieldvisit.cli import main
from fieldvisit.server.testing import server_snapshot
from fieldvisit.services import history
from fieldvisit.services.actions import add_recommendation
from fieldvisit.services.answers import answer_item
from fieldvisit.services.attachments import attach_file
from fieldvisit.services.contacts import add_contact
from fieldvisit.services.deletion import soft_delete
from fieldvisit.services.diagnostic import rate_theme
from fieldvisit.services.interviews import (
    add_interviewee,
    answer_interview_item,
    record_interview,
    update_interview,
)
from fieldvisit.services.notes import add_quick_note
from fieldvisit.services.visits import add_participant, plan_visit, update_visit
from fieldvisit.sync.conflicts import conflict_entries, resolve_conflict
from fieldvisit.sync.wire import REFERENCES

FORM = "visite-centre-bourg"
GUIDE = "entretien-elu"
Make = Callable[..., Any]
Snapshot = dict[tuple[str, str], tuple[dict[str, Any], bool]]
PARENT_LINKS = {
    table: refs[0]
    for table, refs in REFERENCES.items()
    if refs and refs[0][0] != "previous_visit_id"
}


def orphans(snapshot: Snapshot) -> list[tuple[str, str]]:
    """Live records whose visit or interview is deleted (or missing)."""
    found = []
    for (table, record_id), (fields, deleted) in snapshot.items():
        link = PARENT_LINKS.get(table)
        if deleted or link is None:
            continue
        parent = snapshot.get((link[1], fields[link[0]]))
        if parent is None or parent[1]:
            found.append((table, record_id))
    return found


def _sync(server: FastAPI, *laptops: Any) -> None:
    """Sync each laptop in turn, checking the invariant after every round."""
    for laptop in laptops:
        laptop.sync()
        assert orphans(laptop.snapshot()) == [], laptop.svc.data_dir.root
        assert orphans(server_snapshot(server.state.ctx.db)) == []


def _converged(server: FastAPI, *laptops: Any) -> Snapshot:
    on_server = server_snapshot(server.state.ctx.db)
    for laptop in laptops:
        assert laptop.pending() == 0
        assert laptop.snapshot() == on_server
    return on_server


def _photo(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "place.jpg"
    Image.new("RGB", (64, 48), (120, 160, 200)).save(path, format="JPEG")
    return path


class Visit:
    """A visit holding one record of every kind, synced to every laptop."""

    def __init__(self, a: Any, tmp_path: Path) -> None:
        svc = a.svc
        self.visit = plan_visit(svc, "15187", date(2026, 3, 14), author="Claire")
        contact = add_contact(svc, "Jeanne Martin", "maire", commune_code="15187")
        add_participant(svc, self.visit.id, contact.id)
        self.answer = answer_item(svc, self.visit.id, FORM, "parcours", value="Place, rue Haute")
        self.interview = record_interview(svc, self.visit.id, GUIDE, notes="Entretien en mairie")
        add_interviewee(svc, self.interview.id, contact.id)
        answer_interview_item(svc, self.interview.id, "interlocuteurs_noms", "Mme Martin")
        rate_theme(svc, self.visit.id, "cambriolages", level=3)
        add_recommendation(svc, self.visit.id, "Éclairer le parking")
        attach_file(svc, self.visit.id, _photo(tmp_path))
        add_quick_note(svc, self.visit.id, "Voir le marché du samedi")

    def records(self, snapshot: Snapshot) -> dict[tuple[str, str], bool]:
        """Every record of the visit (contacts aside): key -> deleted."""
        vid = self.visit.id
        interviews = {k[1] for k, (f, _) in snapshot.items() if k[0] == "interviews"}
        out = {}
        for key, (fields, deleted) in snapshot.items():
            if (
                key == ("visits", vid)
                or fields.get("visit_id") == vid
                or fields.get("interview_id") in interviews
            ):
                out[key] = deleted
        return out


def _all_alive(visit: Visit, snapshot: Snapshot) -> None:
    records = visit.records(snapshot)
    assert len(records) == 10  # the visit and its nine records
    assert not any(records.values()), records


def _delete_conflicts(*laptops: Any) -> list[Any]:
    return [e for x in laptops for e in conflict_entries(x.svc) if e.conflict_kind == "delete"]


@pytest.mark.parametrize("deleter_first", [True, False])
def test_a_visit_edited_on_one_laptop_and_deleted_on_another_comes_back_whole(
    laptops: Make, server: FastAPI, tmp_path: Path, deleter_first: bool
) -> None:
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    visit = Visit(a, tmp_path)
    _sync(server, a, b, c)
    soft_delete(b.svc, "visit", visit.visit.id)
    update_visit(a.svc, visit.visit.id, summary="Une commune bien tenue.")
    _sync(server, *((b, a) if deleter_first else (a, b)))
    _sync(server, a, b, c, a, b)
    snapshot = _converged(server, a, b, c)
    _all_alive(visit, snapshot)
    assert snapshot[("visits", visit.visit.id)][0]["summary"] == "Une commune bien tenue."
    [conflict] = _delete_conflicts(a, b, c)
    assert conflict.table == "visits" and conflict.record_id == visit.visit.id
    assert "agent15" in conflict.explanation and "Synthèse" in conflict.explanation


@pytest.mark.parametrize("deleter_first", [True, False])
def test_an_answer_edited_while_its_visit_is_deleted_brings_the_whole_visit_back(
    laptops: Make, server: FastAPI, tmp_path: Path, deleter_first: bool
) -> None:
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    visit = Visit(a, tmp_path)
    _sync(server, a, b, c)
    soft_delete(b.svc, "visit", visit.visit.id)
    answer_item(a.svc, visit.visit.id, FORM, "parcours", comment="Trottoirs étroits")
    _sync(server, *((b, a) if deleter_first else (a, b)))
    _sync(server, a, b, c, a, b)
    snapshot = _converged(server, a, b, c)
    _all_alive(visit, snapshot)
    assert snapshot[("answers", visit.answer.id)][0]["comment"] == "Trottoirs étroits"
    [conflict] = _delete_conflicts(a, b, c)
    assert conflict.record_id == visit.visit.id
    assert "Suppression" in conflict.explanation and "Commentaire" in conflict.explanation


@pytest.mark.parametrize("deleter_first", [True, False])
@pytest.mark.parametrize("what", ["answer", "photo", "interview_answer"])
def test_a_record_added_under_a_visit_deleted_elsewhere_undoes_the_deletion(
    laptops: Make, server: FastAPI, tmp_path: Path, deleter_first: bool, what: str
) -> None:
    """A adds a record that B never saw; B deletes the visit: both orders of arrival."""
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    visit = Visit(a, tmp_path)
    _sync(server, a, b, c)
    soft_delete(b.svc, "visit", visit.visit.id)
    if what == "answer":
        added = answer_item(a.svc, visit.visit.id, FORM, "marche_exploratoire", value="oui")
    elif what == "photo":
        added = attach_file(a.svc, visit.visit.id, _photo(tmp_path), caption="Le marché")
    else:
        added = answer_interview_item(a.svc, visit.interview.id, "problemes_description", "Bruit")
    _sync(server, *((b, a) if deleter_first else (a, b)))
    _sync(server, a, b, c, a, b)
    snapshot = _converged(server, a, b, c)
    assert not snapshot[(added.__tablename__, added.id)][1]
    assert not any(visit.records(snapshot).values())
    assert len(_delete_conflicts(a, b, c)) == 1


def test_a_laptop_offline_for_long_finds_its_deletion_undone(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = Visit(a, tmp_path)
    _sync(server, a, b)
    soft_delete(b.svc, "visit", visit.visit.id)  # then B stays offline
    for n in range(3):
        update_interview(a.svc, visit.interview.id, notes=f"Entretien en mairie, suite {n}")
        _sync(server, a)
    rate_theme(a.svc, visit.visit.id, "degradations", level=2)
    _sync(server, a, b, a)
    snapshot = _converged(server, a, b)
    assert not any(visit.records(snapshot).values())
    [conflict] = _delete_conflicts(a, b)
    assert conflict.conflict_kind == "delete" and conflict.record_id == visit.visit.id


def test_the_deletion_conflict_lets_the_person_delete_again(
    laptops: Make, server: FastAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = Visit(a, tmp_path)
    _sync(server, a, b)
    soft_delete(b.svc, "visit", visit.visit.id)
    answer_item(a.svc, visit.visit.id, FORM, "parcours", comment="Trottoirs étroits")
    _sync(server, b, a, b)
    [conflict] = _delete_conflicts(a)
    assert main(["--data-dir", str(a.svc.data_dir.root), "conflicts", "list"]) == 0
    out = capsys.readouterr().out
    assert "suppression" in out and "Saint-Flour" in out and "annulée" in out
    resolve_conflict(a.svc, conflict.id, "remote")  # agree with the deletion after all
    _sync(server, a, b)
    snapshot = _converged(server, a, b)
    assert all(visit.records(snapshot).values())  # everything deleted, nothing left alive


def test_history_restore_brings_back_what_a_deletion_removed(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = Visit(a, tmp_path)
    _sync(server, a, b)
    soft_delete(a.svc, "visit", visit.visit.id)
    _sync(server, a, b)
    assert all(visit.records(_converged(server, a, b)).values())
    entries = history.for_field(b.svc, "visits", visit.visit.id, "deleted_at").entries
    [deletion] = [e for e in entries if e.old is None and e.new is not None]
    assert deletion.restorable
    history.restore(b.svc, deletion.id)
    _sync(server, b, a)
    snapshot = _converged(server, a, b)
    _all_alive(visit, snapshot)


def test_restoring_one_record_of_a_deletion_restores_the_whole_deletion(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    """Nothing half-deleted: the answer comes back with the visit it belongs to."""
    a, b = laptops("a"), laptops("b")
    visit = Visit(a, tmp_path)
    _sync(server, a, b)
    soft_delete(a.svc, "visit", visit.visit.id)
    _sync(server, a, b)
    entries = history.for_field(b.svc, "answers", visit.answer.id, "deleted_at").entries
    [deletion] = [e for e in entries if e.new is not None]
    history.restore(b.svc, deletion.id)
    _sync(server, b, a)
    _all_alive(visit, _converged(server, a, b))


@pytest.mark.parametrize("who_edits", ["agent15", "coord"])
def test_a_photo_deleted_before_it_was_sent_comes_back_with_its_file(
    laptops: Make, server: FastAPI, tmp_path: Path, who_edits: str
) -> None:
    """A attaches a photo, then deletes the visit before any sync: the photo's file was
    never sent. B answers in the visit meanwhile: the deletion is undone, the photo
    comes back on every laptop, and its file must be on the server for them (found by
    test_sync_multidevice.py: the file of a deleted attachment stayed on A, and every
    other laptop got « Fichier joint introuvable sur le serveur »)."""
    from fieldvisit.sync.engine import SyncEngine
    from fieldvisit.sync.session import configured_client

    a, b = laptops("a"), laptops("b", user=who_edits)
    visit = Visit(a, tmp_path)
    _sync(server, a, b)
    path = tmp_path / "marche.jpg"
    path.write_bytes(_photo(tmp_path).read_bytes() + b"-le-marche-du-samedi")
    photo = attach_file(a.svc, visit.visit.id, path, caption="Le marché")
    soft_delete(a.svc, "visit", visit.visit.id)
    answer_item(b.svc, visit.visit.id, FORM, "parcours", comment="Trottoirs étroits")
    _sync(server, a, b, a, b)
    snapshot = _converged(server, a, b)
    assert not snapshot[("attachments", photo.id)][1]  # back with its visit
    engine = SyncEngine(b.svc, configured_client(b.svc, http=b.http))
    engine.download_attachment(photo.sha256)  # what opening the photo on B does
    assert b.svc.store.files.read_bytes(photo.sha256) == path.read_bytes()


@pytest.mark.parametrize("order", ["c_then_b", "b_then_c", "b_pulls_then_c"])
def test_a_visit_deleted_on_two_laptops_comes_back_with_all_either_removed(
    laptops: Make, server: FastAPI, tmp_path: Path, order: str
) -> None:
    """A and B both delete the visit; B had recorded an interview in it that nobody else
    saw; C edits the visit before hearing of either deletion: the visit comes back with
    B's interview too, whichever reaches the server first, B's round or C's, and when
    B's round is cut after its pull (found by test_sync_multidevice.py: the two
    deletions stayed two, C's edit undid the first to arrive, and B's interview stayed
    deleted in a live visit)."""
    from fieldvisit.sync.engine import SyncEngine, SyncReport
    from fieldvisit.sync.session import configured_client

    a, b, c = laptops("a"), laptops("b"), laptops("c")
    visit = Visit(a, tmp_path)
    _sync(server, a, b, c)
    second = record_interview(b.svc, visit.visit.id, GUIDE, notes="Entretien au café")
    soft_delete(a.svc, "visit", visit.visit.id)
    soft_delete(b.svc, "visit", visit.visit.id)
    update_visit(c.svc, visit.visit.id, summary="Une commune bien tenue.")
    _sync(server, a)
    if order == "c_then_b":
        _sync(server, c, b)
    elif order == "b_then_c":
        _sync(server, b, c)
    else:  # B's round cut after its pull: its deletion reaches the server after C's edit
        SyncEngine(b.svc, configured_client(b.svc, http=b.http)).pull(SyncReport())
        _sync(server, c, b)
    _sync(server, a, b, c, a, b, c)
    snapshot = _converged(server, a, b, c)
    records = visit.records(snapshot)
    assert len(records) == 11 and ("interviews", second.id) in records
    assert not any(records.values()), records
