"""Planned visits as an .ics calendar, parsed back with icalendar."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar

from fieldvisit.cli import main
from fieldvisit.exports.calendar import planned_visits_calendar, write_calendar
from fieldvisit.exports.tables import ExportScope
from fieldvisit.services import visits


def events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_one_event_per_planned_visit_with_commune_date_and_participants(services, sample) -> None:  # type: ignore[no-untyped-def]
    data, count = planned_visits_calendar(services, ExportScope())
    found = events(data)
    assert count == 2
    assert set(found) == {f"{sample.planned}@fieldvisit", f"{sample.other_planned}@fieldvisit"}
    event = found[f"{sample.planned}@fieldvisit"]
    assert event.decoded("dtstart") == date(2026, 12, 17)  # an all-day event
    assert event.decoded("dtend") == date(2026, 12, 18)
    assert "Lodève" in str(event["summary"]) and str(event["location"]) == "Lodève (34)"
    description = str(event["description"])
    assert "Mme Hélène Vidal (Maire)" in description
    assert "Adjudant-chef Marc Delpuech (Commandant de brigade)" in description
    assert "Claire Martin (ANCT)" in description
    # the visit en cours is not planned any more
    assert f"{sample.started}@fieldvisit" not in found
    only, count = planned_visits_calendar(services, ExportScope.of(communes=["15187"]))
    assert count == 1 and set(events(only)) == {f"{sample.other_planned}@fieldvisit"}


def test_uid_is_stable_and_sequence_grows_when_the_visit_moves(services, sample, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "visites.ics"
    write_calendar(services, target, ExportScope())
    before = events(target.read_bytes())[f"{sample.planned}@fieldvisit"]
    later = services.clock() + timedelta(minutes=5)
    services.clock = lambda: later  # the change comes some minutes after the first export
    visits.update_visit(services, sample.planned, visit_date=date(2026, 12, 18))
    write_calendar(services, target, ExportScope(), overwrite=True)
    after = events(target.read_bytes())
    assert len(after) == 2  # the same events, not a copy
    moved = after[f"{sample.planned}@fieldvisit"]
    assert moved.decoded("dtstart") == date(2026, 12, 18)
    # a client keeps the event with the higher SEQUENCE: the moved one
    assert int(moved["sequence"]) > int(before["sequence"])
    assert moved.decoded("last-modified") > before.decoded("last-modified")
    untouched = after[f"{sample.other_planned}@fieldvisit"]
    assert untouched.decoded("dtstart") == date(2027, 1, 20)


def test_ics_cli(capsys, services, sample, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = str(services.data_dir.root)
    services.close()
    target = tmp_path / "visites.ics"
    assert main(["--data-dir", data, "export", "ics", "-o", str(target)]) == 0
    assert "2 visite(s) planifiée(s)" in capsys.readouterr().err
    assert len(events(target.read_bytes())) == 2
    before = target.read_bytes()
    assert main(["--data-dir", data, "export", "ics", "-o", str(target)]) == 2
    assert "existe déjà" in capsys.readouterr().err
    assert target.read_bytes() == before
