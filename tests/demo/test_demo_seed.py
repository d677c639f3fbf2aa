"""The demo data issues its « rapport émis » visit's report the way the app does."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from fieldvisit.core.domain import VisitStatus
from fieldvisit.demo import seed as demo
from fieldvisit.demo.content import FOLLOW_UP, TOWNS
from fieldvisit.report.issued import issued_report, issued_reports
from fieldvisit.services import attachments, visits
from fieldvisit.store.models import natural_id

ISSUED_TOWN = next(town for town in TOWNS if town.status == "rapport_emis")
ISSUED_VISIT = natural_id("demo-visit", ISSUED_TOWN.code)


def test_the_issued_demo_visit_keeps_its_issued_pdf(services) -> None:  # type: ignore[no-untyped-def]
    assert demo.seed_demo(services, today=date(2026, 11, 25)) == len(TOWNS) + 1  # a follow-up
    visit = visits.get_visit(services, ISSUED_VISIT)
    assert visit.status == VisitStatus.RAPPORT_EMIS
    issued = issued_report(services, ISSUED_VISIT)
    assert issued is not None
    assert issued.media_type == "application/pdf"
    assert issued.filename.startswith(f"rapport-{ISSUED_TOWN.code}-saint-flour-")
    assert issued.caption.startswith("Rapport émis le ")
    today = services.clock().astimezone().date()
    assert issued.created_at.astimezone().date() == today  # the date of issue is recorded
    stored = attachments.attachment_bytes(services, issued)
    assert hashlib.sha256(stored).hexdigest() == issued.sha256  # and its hash
    reader = PdfReader(io.BytesIO(stored))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "Saint-Flour" in text and "Rapport émis le" in text and "DIFFUSION RESTREINTE" in text
    assert len(reader.pages) > 5
    # The PDF is a document of the visit, not one of its photos.
    assert [p.media_type for p in attachments.list_photos(services, ISSUED_VISIT)] == ["image/jpeg"]
    # The other completed visits are left for the person to issue.
    for town in TOWNS:
        if town.status == "terminee":
            assert issued_report(services, natural_id("demo-visit", town.code)) is None

    # Seeding again adds nothing and issues nothing twice.
    assert demo.seed_demo(services) == 0
    assert [a.id for a in issued_reports(services, ISSUED_VISIT)] == [issued.id]


def test_a_demo_interrupted_before_issuing_issues_on_the_next_run(
    services, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def interrupted(svc, visit_id) -> None:  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(demo, "_issue", interrupted)
        with pytest.raises(KeyboardInterrupt):
            demo.seed_demo(services)
    assert visits.get_visit(services, ISSUED_VISIT).status == VisitStatus.TERMINEE
    assert issued_report(services, ISSUED_VISIT) is None

    demo.seed_demo(services)
    assert visits.get_visit(services, ISSUED_VISIT).status == VisitStatus.RAPPORT_EMIS
    assert len(issued_reports(services, ISSUED_VISIT)) == 1


def test_the_demo_has_a_follow_up_of_the_issued_visit(services) -> None:  # type: ignore[no-untyped-def]
    """So that « what changed since the last visit » shows in the demo (and its
    screenshots): the follow-up is linked to the issued visit, rated again, and the
    actions carried over from the first plan moved on."""
    from fieldvisit.services.evolution import visit_evolution

    demo.seed_demo(services, today=date(2026, 11, 25))
    follow_up_id = natural_id("demo-follow-up", FOLLOW_UP.code)
    visit = visits.get_visit(services, follow_up_id)
    assert (visit.visit_type, visit.status) == ("suivi", VisitStatus.EN_COURS)
    assert visit.previous_visit_id == ISSUED_VISIT
    evolution = visit_evolution(services, follow_up_id)
    assert evolution is not None and evolution.previous_visit_id == ISSUED_VISIT
    assert evolution.previous_visit_date == date(2026, 11, 25) - timedelta(
        days=ISSUED_TOWN.days_ago
    )
    states = [action.state_label for action in evolution.actions]
    assert "Réalisée" in states and "En cours" in states
    assert "En retard" in states  # a priority-1 action due 90 days after the first visit
    assert all(
        action.carried_over for action in evolution.actions if action.state_label != "Réalisée"
    )
