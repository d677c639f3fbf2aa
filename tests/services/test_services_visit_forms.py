"""Which forms a visit pins (services/visit_forms.py): one answer for every caller."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fieldvisit.core.errors import BadInput, NotFound
from fieldvisit.forms import FormCatalogue
from fieldvisit.services import Services, interviews, listing, visits
from fieldvisit.services.visit_forms import (
    interview_guide,
    interview_guide_or_none,
    pinned_keys,
    visit_form,
    visit_forms,
)


def plan(svc: Services) -> str:
    return visits.plan_visit(
        svc,
        "15187",
        date(2026, 3, 12),
        checklist_form="test-checklist",
        diagnostic_form="test-diagnostic",
    ).id


def test_a_visit_pins_its_checklist_and_diagnostic_by_id_and_version(svc: Services) -> None:
    visit = visits.get_visit(svc, plan(svc))
    keys = pinned_keys(visit)
    assert (keys.checklist, keys.diagnostic) == (("test-checklist", 1), ("test-diagnostic", 1))
    assert list(keys) == [("test-checklist", 1), ("test-diagnostic", 1)]
    assert keys.version_of("test-diagnostic") == 1
    assert keys.version_of("entretien-elu") is None
    forms = visit_forms(svc, visit)
    assert [form.key for form in forms.all] == [("test-checklist", 1), ("test-diagnostic", 1)]
    assert forms.get("test-diagnostic") is forms.diagnostic
    assert forms.missing == ()
    assert visit_form(svc, visit, "test-checklist") is forms.checklist


def test_the_rows_of_the_list_give_the_same_keys_as_the_record(svc: Services) -> None:
    """The list reads bare Core rows: the same helper answers for them."""
    visit_id = plan(svc)
    with svc.store.connection() as connection:
        [row] = connection.execute(
            listing._filtered(listing.select(*listing._SUMMARY_COLUMNS), listing.VisitFilter())
        ).all()
    assert pinned_keys(row) == pinned_keys(visits.get_visit(svc, visit_id))


def test_a_form_not_installed_any_more(svc: Services, test_forms: Path) -> None:
    visit = visits.get_visit(svc, plan(svc))
    # The same data dir seen by an app that has the checklist only (the grid's file gone).
    only_checklist = FormCatalogue.load([test_forms / "test-checklist.v1.toml"])
    other = Services(svc.store, forms=only_checklist)
    lenient = visit_forms(other, visit)
    assert lenient.checklist is not None and lenient.diagnostic is None
    assert lenient.missing == (("test-diagnostic", 1),)
    assert [form.id for form in lenient.all] == ["test-checklist"]
    with pytest.raises(NotFound, match="test-diagnostic"):
        visit_forms(other, visit, strict=True)
    with pytest.raises(NotFound):
        visit_form(other, visit, "test-diagnostic")


def test_a_form_the_visit_does_not_pin_is_refused(svc: Services) -> None:
    visit = visits.get_visit(svc, plan(svc))
    with pytest.raises(BadInput, match="n'est pas utilisé par cette visite"):
        visit_form(svc, visit, "entretien-elu")


def test_an_interview_pins_its_guide(svc: Services, test_forms: Path) -> None:
    visit_id = plan(svc)
    interview = interviews.record_interview(svc, visit_id, "entretien-elu", title="Maire")
    guide = interview_guide(svc, interview)
    assert (guide.id, guide.version) == ("entretien-elu", interview.form_version)
    without_guides = Services(svc.store, forms=FormCatalogue.load([test_forms]))
    assert interview_guide_or_none(without_guides, interview) is None
    with pytest.raises(NotFound):
        interview_guide(without_guides, interview)
