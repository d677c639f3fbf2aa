"""The plan d'actions as a contrat de sécurité needs it, in the PDF read back with pypdf:
every dispositif, the porteur and the person named, the estimated cost and its funding
(total and lines, « 12 500 € »), the success indicator and the review date; never the
named person's phone or e-mail, in either variant."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report
from fieldvisit.services import actions, contacts, visits

PHONE = "04 71 60 12 34"
EMAIL = "c.lefevre.adjointe@saint-flour.fr"
ACTION = "Étendre la vidéoprotection à la place du Marché"
DESCRIPTION = "Trois caméras reliées à la brigade, dont une sur le parking de la gare."
INDICATOR = "Caméras en service avant l'été, images consultées par la brigade"


@pytest.fixture
def plan_visit(services):  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    adjointe = contacts.add_contact(
        services,
        "Mme Claire Lefèvre",
        "adjoint",
        "Mairie de Saint-Flour",
        phone=PHONE,
        email=EMAIL,
        commune_code="15187",
    )
    actions.add_recommendation(
        services,
        visit.id,
        ACTION,
        priority=1,
        porteur="commune",
        due_date=date(2026, 6, 30),
        dispositifs=["videoprotection", "fipd", "contrat_securite"],
        porteur_contact_id=adjointe.id,
        description=DESCRIPTION,
        estimated_cost=12500,
        funding=[("fipd", 6000), ("detr", 2500), ("commune", 1500)],
        success_indicator=INDICATOR,
        review_date=date(2026, 10, 1),
    )
    actions.add_recommendation(services, visit.id, "Relancer la participation citoyenne")
    return visit


def _pdf(services, visit_id: str, tmp_path: Path, shareable: bool) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / ("partageable.pdf" if shareable else "interne.pdf")
    render_report(build_report(services, visit_id, shareable=shareable), target)
    return target


def _plan_page(path: Path, kit) -> str:  # type: ignore[no-untyped-def]
    pages = kit.page_texts(path)
    found = [text for text in pages if "Plan d'actions" in text and ACTION in text]
    assert found, "no page holds the plan's table"
    return found[-1]


@pytest.mark.parametrize("shareable", [False, True])
def test_the_plan_table_shows_what_the_contract_needs(
    services, plan_visit, tmp_path, kit, shareable
) -> None:  # type: ignore[no-untyped-def]
    path = _pdf(services, plan_visit.id, tmp_path, shareable)
    page = _plan_page(path, kit)
    for needle in (
        "Vidéoprotection",
        "FIPD",
        "Contrat de sécurité PVD",  # every dispositif, not the first one only
        "Commune",
        "Mme Claire Lefèvre",  # the person named, besides the organisation
        DESCRIPTION,
        "Coût estimé : 12 500 €",
        "Financement : 10 000 € (FIPD 6 000 € ; DETR 2 500 € ; Commune 1 500 €)",
        "Reste à financer : 2 500 €",
        f"Indicateur de réussite : {INDICATOR}",
        "Date de revue : 01/10/2026",
    ):
        assert needle in page, needle
    # Euros are written the French way, thousands apart by a no-break space (pypdf
    # reads it back as a space): never cut at the end of a line.
    raw = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    assert "12 500 €" in raw.replace("\u00a0", " ")
    # The named person's phone and e-mail are in neither variant.
    text = kit.pdf_text(path)
    for secret in (PHONE, EMAIL, "04 71 60", "saint-flour.fr"):
        assert secret not in text, secret


def test_an_action_without_contract_details_has_no_detail_row(
    services, plan_visit, tmp_path, kit
) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, plan_visit.id)
    plain = next(a for a in report.actions if a.text.startswith("Relancer"))
    assert plain.contract_facts() == [] and plain.description == ""
    page = _plan_page(_pdf(services, plan_visit.id, tmp_path, False), kit)
    # the plain action's row is followed by nothing of the contract's
    after = page[page.index("Relancer la participation citoyenne") :]
    assert "Coût estimé" not in after and "Date de revue" not in after


def test_funding_that_covers_the_cost_leaves_nothing_to_fund(services, plan_visit) -> None:  # type: ignore[no-untyped-def]
    [rec] = [r for r in actions.list_recommendations(services, plan_visit.id) if r.funding]
    actions.update_recommendation(services, rec.id, funding=[("fipd", 12500)])
    [action] = [a for a in build_report(services, plan_visit.id).actions if a.funding]
    assert action.left_to_fund is None
    assert (
        "Financement",
        "12\u00a0500\u00a0€ (FIPD 12\u00a0500\u00a0€)",
    ) in action.contract_facts()
    assert all(label != "Reste à financer" for label, _ in action.contract_facts())


@pytest.mark.parametrize("shareable", [False, True])
def test_the_word_report_shows_the_same_plan(services, plan_visit, tmp_path, shareable) -> None:  # type: ignore[no-untyped-def]
    import docx

    from fieldvisit.report.render import ACTION_COLUMNS
    from fieldvisit.report.word import render_word

    target = tmp_path / "rapport.docx"
    render_word(build_report(services, plan_visit.id, shareable=shareable), target)
    document = docx.Document(str(target))
    header = [title for title, _ in ACTION_COLUMNS]
    [plan] = [t for t in document.tables if [c.text for c in t.rows[0].cells] == header]
    rows = [[cell.text for cell in row.cells] for row in plan.rows[1:]]
    assert len(rows) == 3  # the first action, its detail row, the second action
    action, detail, plain = rows
    assert action[0] == "P1" and action[1].startswith(ACTION)
    assert action[2].splitlines()[0] == "Commune"
    assert action[2].splitlines()[1].startswith("Mme Claire Lefèvre")
    assert action[3].splitlines() == ["Vidéoprotection", "FIPD", "Contrat de sécurité PVD"]
    assert action[4] == "30/06/2026"
    # The detail row spans every column but the priority (one merged cell).
    assert detail[0] == "" and len(set(detail[1:])) == 1
    assert detail[1].splitlines() == [
        DESCRIPTION,
        "Coût estimé : 12\u00a0500\u00a0€",
        "Financement : 10\u00a0000\u00a0€ (FIPD 6\u00a0000\u00a0€ ; DETR 2\u00a0500\u00a0€ ; "
        "Commune 1\u00a0500\u00a0€)",
        "Reste à financer : 2\u00a0500\u00a0€",
        f"Indicateur de réussite : {INDICATOR}",
        "Date de revue : 01/10/2026",
    ]
    assert plain[1].startswith("Relancer la participation citoyenne")
    with zipfile.ZipFile(target) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist())
    assert PHONE.encode() not in xml and EMAIL.encode() not in xml
