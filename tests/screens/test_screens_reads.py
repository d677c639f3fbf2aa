"""Every screen loader: one snapshot, a fixed number of statements, plain data, no Qt."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from screens_support import Filled, LoadedRecords, StatementCounter, fill_visit, jpeg

from fieldvisit.core.errors import NotFound
from fieldvisit.screens.actions import load_action_plan
from fieldvisit.screens.header import load_header
from fieldvisit.screens.info import load_participants, load_visit_info
from fieldvisit.screens.interviews import load_interview, load_interview_list, load_interviewees
from fieldvisit.screens.notes import load_notes
from fieldvisit.screens.observations import load_observations
from fieldvisit.screens.photos import load_album
from fieldvisit.screens.report import load_report_state
from fieldvisit.screens.visit_form import load_photo_counts, load_visit_form
from fieldvisit.services import Services, attachments, visits
from fieldvisit.store.models import SyncColumns

Loader = Callable[[Services, Filled], Any]

LOADERS: dict[str, Loader] = {
    "header": lambda svc, v: load_header(svc, v.visit_id),
    "info": lambda svc, v: load_visit_info(svc, v.visit_id),
    "participants": lambda svc, v: load_participants(svc, v.visit_id),
    "checklist": lambda svc, v: load_visit_form(svc, v.visit_id, "checklist"),
    "diagnostic": lambda svc, v: load_visit_form(svc, v.visit_id, "diagnostic"),
    "photo counts": lambda svc, v: load_photo_counts(svc, v.visit_id, "visite-centre-bourg"),
    "interview list": lambda svc, v: load_interview_list(svc, v.visit_id),
    "interview": lambda svc, v: load_interview(svc, v.visit_id, v.interview_ids[0]),
    "interviewees": lambda svc, v: load_interviewees(svc, v.interview_ids[0]),
    "action plan": lambda svc, v: load_action_plan(svc, v.visit_id),
    "album": lambda svc, v: load_album(svc, v.visit_id),
    "notes": lambda svc, v: load_notes(svc, v.visit_id, True),
    "observations": lambda svc, v: load_observations(svc, v.visit_id),
    "report": lambda svc, v: load_report_state(svc, v.visit_id),
}

# The Diagnostic also looks for the commune's previous visit (services/evolution.py;
# tests/screens/test_screens_evolution.py counts a follow-up's).
# The header also reads the visit's participants, which the checklist's « Participants
# au parcours » is bound to (v3, forms/bindings.py).
MOST_QUERIES = {"diagnostic": 5, "header": 5}


def statements_of(svc: Services, load: Loader, visit: Filled) -> StatementCounter:
    load(svc, visit)  # forms and models loaded once, as after the first visit opened
    with StatementCounter(svc) as counter:
        load(svc, visit)
    return counter


@pytest.mark.parametrize("name", LOADERS)
def test_a_screen_is_read_in_one_session_with_as_many_statements_for_many_records(
    name: str, svc: Services, tmp_path: Path
) -> None:
    """No N+1: a visit with 12 interviews, participants, contacts and photos costs the
    same statements as a visit with one of each."""
    small = fill_visit(svc, tmp_path / "small", 1)
    big = fill_visit(svc, tmp_path / "big", 12, commune="52269")
    load = LOADERS[name]
    few = statements_of(svc, load, small)
    many = statements_of(svc, load, big)
    # One connection, one read transaction: one snapshot of the database.
    assert many.connections == few.connections == 1, many.statements
    assert many.transactions == few.transactions == 1, many.statements
    assert len(many.queries) == len(few.queries) <= MOST_QUERIES.get(name, 4), many.queries


def test_loaders_return_plain_frozen_data(svc: Services, tmp_path: Path) -> None:
    """No ORM record reaches a page (it could change it, or load lazily on the UI thread)."""
    visit = fill_visit(svc, tmp_path, 2)
    for name, load in LOADERS.items():
        found = list(_records_in(load(svc, visit)))
        assert found == [], f"{name}: {found[:1]}"


def _records_in(value: object) -> Any:
    if isinstance(value, SyncColumns):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        assert type(value).__dataclass_params__.frozen, type(value)  # type: ignore[attr-defined]
        for item in dataclasses.fields(value):
            yield from _records_in(getattr(value, item.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _records_in(item)
    elif isinstance(value, tuple | list | set | frozenset):
        for item in value:
            yield from _records_in(item)


def test_a_screen_shows_one_state_of_the_database(
    svc: Services, data_dir: Any, tmp_path: Path
) -> None:
    """A sync round or an import committed by another connection while a screen is being
    read never shows up half: the screen's statements all see the state of its start."""
    visit = fill_visit(svc, tmp_path, 2)
    other = Services.open(data_dir)  # another connection, as the sync thread has
    try:
        with StatementCounter(svc) as counter:
            engine = svc.store.engine
            from sqlalchemy import event

            def meanwhile(*_args: object) -> None:
                if len(counter.queries) == 1:  # the visit is read; the rest is not yet
                    visits.add_participant(other, visit.visit_id, visit.participant_ids[0])
                    visits.update_visit(other, visit.visit_id, summary="Arrivé entre-temps")
                    extra = visits.plan_visit(other, "52269", date(2026, 4, 1))
                    visits.add_participant(other, extra.id, visit.participant_ids[0])
                    _new_participant(other, visit.visit_id)

            event.listen(engine, "after_cursor_execute", meanwhile)
            try:
                info = load_visit_info(svc, visit.visit_id)
            finally:
                event.remove(engine, "after_cursor_execute", meanwhile)
        assert info.visit.summary == ""  # as at its start…
        assert len(info.participants) == 2  # …and so are the participants
        again = load_visit_info(svc, visit.visit_id)  # the next read sees the change
        assert again.visit.summary == "Arrivé entre-temps"
        assert len(again.participants) == 3
    finally:
        other.close()


def _new_participant(svc: Services, visit_id: str) -> None:
    from fieldvisit.core.domain import ContactRole
    from fieldvisit.services import contacts

    person = contacts.add_contact(svc, "Arrivée entre-temps", ContactRole.DGS, "Mairie")
    visits.add_participant(svc, visit_id, person.id)


def test_the_informations_show_the_visits_participants_only(svc: Services, tmp_path: Path) -> None:
    visit = fill_visit(svc, tmp_path, 3)
    info = load_visit_info(svc, visit.visit_id)
    assert [p.name for p in info.participants] == [
        "Participant 00",
        "Participant 01",
        "Participant 02",
    ]
    assert info.forms == ("Visite du centre-bourg (v3)", "Diagnostic local de sécurité (v3)")
    follow = visits.plan_follow_up(svc, visit.visit_id, date(2026, 9, 1))
    previous = load_visit_info(svc, follow.id).previous
    assert previous is not None and (previous.id, previous.visit_date) == (
        visit.visit_id,
        date(2026, 3, 12),
    )


def test_a_screen_reads_only_the_records_it_shows(svc: Services, tmp_path: Path) -> None:
    """Informations reads the visit's participants, not every contact; an interview is
    read alone, not found in the list of the visit's interviews."""
    visit = fill_visit(svc, tmp_path, 6)  # 6 participants among 12 contacts, 6 interviews
    fill_visit(svc, tmp_path / "other", 4, commune="52269")
    with LoadedRecords() as loaded:
        info = load_visit_info(svc, visit.visit_id)
    assert len(info.participants) == 6
    assert loaded.counts["Contact"] == 6
    with LoadedRecords() as loaded:
        one = load_interview(svc, visit.visit_id, visit.interview_ids[2])
    assert one.title == "Entretien 02"
    assert (loaded.counts["Interview"], loaded.counts["Contact"]) == (1, 2)


def test_interviews_with_their_interviewees(svc: Services, tmp_path: Path) -> None:
    visit = fill_visit(svc, tmp_path, 3)
    listed = load_interview_list(svc, visit.visit_id)
    assert [(s.title, s.interviewees) for s in listed.interviews] == [
        ("Entretien 00", ("Participant 00", "Participant 01")),
        ("Entretien 01", ("Participant 01", "Participant 02")),
        ("Entretien 02", ("Participant 00", "Participant 02")),
    ]
    assert {form_id for form_id, _title in listed.guides} == {
        "entretien-elu",
        "entretien-gendarmerie",
    }
    one = load_interview(svc, visit.visit_id, visit.interview_ids[1])
    assert (one.title, one.answers["atteintes_elus"]) == ("Entretien 01", "oui")
    assert [p.name for p in one.interviewees] == ["Participant 01", "Participant 02"]
    other = fill_visit(svc, tmp_path / "other", 1, commune="52269")
    with pytest.raises(NotFound, match="entretien est introuvable"):
        load_interview(svc, other.visit_id, visit.interview_ids[1])  # not this visit's


def test_photos_and_their_counts(svc: Services, tmp_path: Path) -> None:
    visit = fill_visit(svc, tmp_path, 4)
    pdf = tmp_path / "compte-rendu.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%fieldvisit test\n")
    attachments.attach_file(svc, visit.visit_id, pdf, "", "visite-centre-bourg", "bati_photos")
    album = load_album(svc, visit.visit_id)
    assert [photo.caption for photo in album.photos] == [f"Photo {n}" for n in range(4)]
    assert album.choices[0].is_photo and album.choices[0].form_id == "visite-centre-bourg"
    # Photos answer photo items; a document linked to one does not count (progress).
    counts = load_photo_counts(svc, visit.visit_id, "visite-centre-bourg")
    assert counts == {"eclairage_photos": 2}
    form = load_visit_form(svc, visit.visit_id, "checklist")
    assert form.photo_counts == counts
    jpeg(tmp_path / "x.jpg", 3)


def test_a_missing_visit_is_said_in_french(svc: Services) -> None:
    for name, load in LOADERS.items():
        if name in ("participants", "interviewees", "photo counts"):
            continue  # parts of a screen, read again after an edit of its own
        with pytest.raises(NotFound, match=r"[Ii]ntrouvable"):  # (the loader: name)
            load(svc, Filled("0190b0c0-0000-7000-8000-000000000000", ["x"], []))


def test_the_screens_import_no_qt() -> None:
    code = (
        "import sys, fieldvisit.screens.actions, fieldvisit.screens.header, "
        "fieldvisit.screens.info, fieldvisit.screens.interviews, fieldvisit.screens.notes, "
        "fieldvisit.screens.photos, fieldvisit.screens.report, fieldvisit.screens.visit_form;"
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
