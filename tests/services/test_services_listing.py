"""The visit list's rows: newest first, a first page, progress from the given answers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import weakref
from datetime import date, timedelta
from pathlib import Path

import pytest

from fieldvisit.forms.bindings import VISIT_DATE
from fieldvisit.forms.progress import visit_progress
from fieldvisit.paths import DataDir
from fieldvisit.services import (
    Services,
    answers,
    attachments,
    diagnostic,
    listing,
    progress,
    visits,
)
from fieldvisit.services.deletion import soft_delete
from fieldvisit.services.visit_forms import visit_forms

SAINT_FLOUR, LANGRES = "15187", "52269"


def plan(svc: Services, commune: str, when: date, author: str = "") -> str:
    return visits.plan_visit(
        svc,
        commune,
        when,
        author=author,
        checklist_form="test-checklist",
        diagnostic_form="test-diagnostic",
    ).id


def test_first_page_is_the_newest_visits_with_the_count_of_all(svc: Services) -> None:
    start = date(2026, 3, 1)
    ids = [plan(svc, SAINT_FLOUR, start + timedelta(days=n)) for n in range(7)]
    page = listing.first_visits(svc, limit=3)
    assert [row.id for row in page.rows] == ids[::-1][:3]
    assert (page.total, page.complete) == (7, False)
    everything = listing.first_visits(svc, limit=10)
    assert [row.id for row in everything.rows] == ids[::-1]
    assert (everything.total, everything.complete) == (7, True)
    assert listing.list_visits(svc) == everything.rows


def test_progress_counts_the_given_answers_of_live_visits_only(svc: Services) -> None:
    kept = plan(svc, SAINT_FLOUR, date(2026, 4, 2), author="Claire")
    gone = plan(svc, LANGRES, date(2026, 4, 3))
    answers.answer_item(svc, kept, "test-checklist", "pm_presente", "oui")
    answers.answer_item(svc, kept, "test-checklist", "pm_agents", 4)
    answers.answer_item(svc, kept, "test-checklist", "remarques", "RAS")
    answers.answer_item(svc, kept, "test-checklist", "remarques", None)  # cleared again
    answers.answer_item(svc, kept, "test-diagnostic", "sources", "", comment="à voir")
    answer = answers.visit_answers(svc, kept, "test-checklist")["pm_agents"]
    soft_delete(svc, "answer", answer.id)
    answers.answer_item(svc, gone, "test-checklist", "pm_presente", "non")
    soft_delete(svc, "visit", gone)
    [row] = listing.list_visits(svc)
    # pm_presente only: a cleared value, an empty text and a deleted answer do not count;
    # the total is the items visible (forms/progress.py): 4 of the checklist's 5 (the
    # convention shows once pm_agents >= 3) and the diagnostic's 1.
    assert (row.id, row.answered, row.total) == (kept, 1, 5)
    assert listing.count_visits(svc) == 1
    assert listing.first_visits(svc).total == 1


def test_counting_in_one_pass_gives_the_counts_of_a_list_of_ids(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = plan(svc, SAINT_FLOUR, date(2026, 5, 1))
    second = plan(svc, LANGRES, date(2026, 5, 2))
    answers.answer_item(svc, first, "test-checklist", "pm_presente", "oui")
    answers.answer_item(svc, second, "test-checklist", "pm_presente", "non")
    answers.answer_item(svc, second, "test-checklist", "remarques", "Calme")
    by_ids = [(row.id, row.answered) for row in listing.list_visits(svc)]
    monkeypatch.setattr(progress, "_COUNT_BY_IDS_MAX", 1)  # as with 10,000 visits
    in_one_pass = [(row.id, row.answered) for row in listing.list_visits(svc)]
    assert in_one_pass == by_ids == [(second, 2), (first, 1)]
    page = listing.list_visits(svc, limit=1)  # one visit asked: one visit counted
    assert [(row.id, row.answered) for row in page] == [(second, 2)]


@pytest.mark.parametrize("one_pass", [False, True], ids=["by-ids", "every-visit"])
def test_the_list_counts_each_form_as_read_and_holds_no_answers_meanwhile(
    svc: Services, monkeypatch: pytest.MonkeyPatch, photo: Path, one_pass: bool
) -> None:
    """10,000 visits' answers are not held at once (docs/PERFORMANCE.md: peak memory of
    a start): each form's answers are counted, then dropped; the figures are still those
    of every screen (what is stored, counted by `StoredProgress.totals`)."""
    ids = [plan(svc, SAINT_FLOUR, date(2026, 7, day)) for day in range(1, 6)]
    for n, visit_id in enumerate(ids):
        answers.answer_item(svc, visit_id, "test-checklist", "pm_presente", "oui")
        answers.answer_item(svc, visit_id, "test-checklist", "pm_agents", n)  # 3+: convention
        answers.answer_item(svc, visit_id, "test-diagnostic", "sources", f"Source {n}")
    attachments.attach_photo(svc, ids[0], photo, form_id="test-checklist", item_id="photo_place")
    diagnostic.rate_theme(svc, ids[1], "rodeos", 3)
    answers.answer_item(svc, ids[2], "test-diagnostic", "sources", None)  # one form, no answer
    live = most = read = 0
    decode = progress._answers

    class Answers(dict[str, object]):
        """A form's decoded answers, counted while alive."""

    def dropped() -> None:
        nonlocal live
        live -= 1

    def tracked(joined: str) -> dict[str, object]:
        nonlocal live, most, read
        found = Answers(decode(joined))
        weakref.finalize(found, dropped)
        live, read = live + 1, read + 1
        most = max(most, live)
        return found

    monkeypatch.setattr(progress, "_answers", tracked)
    monkeypatch.setattr(progress, "_ANSWER_ROWS", 2)
    if one_pass:
        monkeypatch.setattr(progress, "_COUNT_BY_IDS_MAX", 1)  # as with 10,000 visits
    rows = listing.list_visits(svc)
    assert read == 9 and most == 2  # of 9 forms read: the one counted, the one before
    # Shown: pm_presente, pm_agents, convention (from 3 agents), photo_place, remarques;
    # sources. Answered: pm_presente, pm_agents (0 is an answer), sources but on the
    # third visit; the first visit's photo. The rated theme is not an item.
    assert [(row.answered, row.total) for row in rows] == [
        (3, 6),
        (3, 6),
        (2, 5),
        (3, 5),
        (4, 5),
    ]
    monkeypatch.setattr(progress, "_answers", decode)
    with svc.store.connection() as connection:
        stored = progress.read_stored_progress(connection, ids)
    shapes = progress.pinned_shapes(svc, [("test-checklist", 1), ("test-diagnostic", 1)])
    assert [(row.answered, row.total) for row in rows] == [
        (stored[visit_id].totals(shapes).answered, stored[visit_id].totals(shapes).visible)
        for visit_id in reversed(ids)
    ]
    assert stored[ids[1]].rated == {"rodeos"}


def test_listing_at_start_imports_neither_the_orm_nor_pydantic(
    data_dir: DataDir, svc: Services
) -> None:
    """What a cold start does before its first paint, in a fresh process: open the data
    dir and read the first page; the forms' sizes come from the validated-forms cache
    (written here when planning the visit loaded the forms)."""
    visit = visits.plan_visit(svc, SAINT_FLOUR, date(2026, 6, 1))  # the shipped forms
    answers.answer_item(svc, visit.id, visit.checklist_form_id or "", "parcours", "Place")
    # What the catalogue's forms (pydantic) say of this visit, by the one progress function.
    forms = visit_forms(svc, visit).all
    given = {form.id: answers.visit_answers(svc, visit.id, form.id) for form in forms}
    expected = visit_progress(
        [form.shape for form in forms],
        {
            form_id: {item: row.value for item, row in rows.items()}
            for form_id, rows in given.items()
        },
        bound={VISIT_DATE: visit.visit_date},  # « Date de la visite » is bound to it (v3)
    ).total
    assert expected.answered == 2
    items = expected.visible
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from fieldvisit.paths import DataDir
        from fieldvisit.services import Services, listing

        svc = Services.open(DataDir(Path({str(data_dir.root)!r})))
        page = listing.first_visits(svc)
        row = page.rows[0]
        print(page.total, row.answered, row.total)
        print(sorted(m for m in ("sqlalchemy.orm", "pydantic") if m in sys.modules))
        svc.close()
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [f"1 {expected.answered} {items}", "[]"]
