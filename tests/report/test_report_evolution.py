"""« Évolution depuis la visite du … » in the report of a follow-up, read back from the
PDF with pypdf: the themes then and now, the previous plan's actions and their state;
no such section for a first visit; the shareable variant keeps its rules."""

from __future__ import annotations

from pathlib import Path

from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report
from fieldvisit.services import Services, diagnostic, visits
from follow_up_visits import EXPECTED_STATES, FOLLOW_UP_DATE, visit_twice

SECTION = "Évolution depuis la visite du 12/03/2026"


def rendered(svc: Services, visit_id: str, tmp_path: Path, shareable: bool = False) -> Path:
    target = tmp_path / ("partageable.pdf" if shareable else "interne.pdf")
    render_report(build_report(svc, visit_id, shareable=shareable), target)
    return target


def test_a_follow_up_report_says_what_changed_since_the_previous_visit(  # type: ignore[no-untyped-def]
    services, tmp_path: Path, kit
) -> None:
    two = visit_twice(services)
    text = kit.pdf_text(rendered(services, two.follow_up_id, tmp_path))
    assert f"3. {SECTION}" in text  # after the diagnostic, before the plan d'actions
    assert text.index(f"3. {SECTION}") < text.index("4. Plan d'actions")
    assert "Visite du 12/03/2026 Cette visite Tendance" in text  # the table's header
    # each theme rated at either visit, with both levels (the chart's and the table's)
    assert "Cambriolages 3 – Préoccupant 2 – Modéré En baisse" in text
    assert "Rodéos motorisés 2 – Modéré 3 – Préoccupant En hausse" in text
    assert "Dégradations et destructions 4 – Très préoccupant Non évalué —" in text
    assert "Violences aux personnes" not in text.split(SECTION)[2].split("Plan d'actions")[0]
    section = text.split("3.2 Actions de la visite du 12/03/2026")[-1]
    for action, state in EXPECTED_STATES.items():
        assert action in section and state in section, action
    assert "P2 Signer le protocole de participation citoyenne 30/09/2026 En retard" in section
    assert "P1 Éclairer le parking de la halle 30/06/2026 Réalisée" in section


def test_a_first_visit_report_has_no_evolution_section(  # type: ignore[no-untyped-def]
    services, secret_visit, tmp_path: Path, kit
) -> None:
    report = build_report(services, secret_visit.visit_id)
    assert report.evolution is None
    text = kit.pdf_text(rendered(services, secret_visit.visit_id, tmp_path))
    assert "Évolution depuis" not in text
    assert "3. Plan d'actions" in text


def test_the_shareable_follow_up_keeps_the_evolution_and_leaves_out_the_rest(  # type: ignore[no-untyped-def]
    services, secret_visit, tmp_path: Path, kit
) -> None:
    """The previous visit is the one whose confidential answers are distinctive: none of
    them reaches the follow-up's shareable PDF, which has the evolution as the internal
    one has it (levels and the plan are shared in every report)."""
    follow_up = visits.plan_follow_up(services, secret_visit.visit_id, FOLLOW_UP_DATE)
    diagnostic.rate_theme(services, follow_up.id, "cambriolages", 2)
    shared = kit.pdf_text(rendered(services, follow_up.id, tmp_path, shareable=True))
    internal = kit.pdf_text(rendered(services, follow_up.id, tmp_path))
    for pdf in (shared, internal):
        assert SECTION in pdf
        assert "Cambriolages 4 – Très préoccupant 2 – Modéré En baisse" in pdf
        assert kit.PUBLIC["action"] in pdf.split(SECTION)[-1]
    for secret in kit.SECRETS.values():
        assert secret not in shared
    assert "DIFFUSION RESTREINTE" in internal and "DIFFUSION RESTREINTE" not in shared
