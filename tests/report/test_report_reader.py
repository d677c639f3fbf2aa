"""The report a maire and a sous-préfet read, parsed back with pypdf: the summary first,
marks that say concern or not, unanswered items counted, « PROJET » on drafts, a
reference, a version and a distribution list, nothing withheld in the shareable
variant and its cover naming what was left out, the organisation's logo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from fieldvisit.core.errors import BadInput
from fieldvisit.report.document import DRAFT_FOOTER
from fieldvisit.report.issued import issue_report
from fieldvisit.report.model import Mark, VisitReport, build_report
from fieldvisit.report.render import render_report
from fieldvisit.services import interviews, visits

ATTACKS = "Les élus ont-ils subi des incivilités, menaces ou violences dans leur mandat ?"
COMPLAINT = "Une plainte a-t-elle été déposée ?"


def _pdf(services, visit_id: str, tmp_path: Path, shareable: bool = False, **kw) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / ("partageable.pdf" if shareable else "interne.pdf")
    render_report(build_report(services, visit_id, shareable), target, **kw)
    return target


def _elu_interview(services, visit_id: str) -> str:  # type: ignore[no-untyped-def]
    return next(
        i.id for i in interviews.list_interviews(services, visit_id) if i.form_id == "entretien-elu"
    )


def test_the_summary_for_the_maire_comes_first(services, secret_visit, tmp_path, kit) -> None:  # type: ignore[no-untyped-def]
    pages = kit.page_texts(_pdf(services, secret_visit.visit_id, tmp_path))
    summary = pages[1]
    assert "1. Synthèse" in summary  # right after the cover
    assert kit.normalised(kit.SUMMARY) in summary
    # What the visit found in each part of the diagnostic, the priority actions with
    # who and when, the next step.
    found = summary.index("1.1 Ce que la visite a constaté")
    for part in ("Constat de la délinquance", "Sentiment d'insécurité", "Adéquation des réponses"):
        assert part in summary[found:], part
    assert "Cambriolages — très préoccupant : Séries l’hiver – résidences secondaires" in summary
    both = " ".join(pages[1:3])
    actions = both.index("1.2 Actions prioritaires")
    assert re.search(re.escape(kit.PUBLIC["action"]) + r".*Commune.*30/06/2026", both[actions:]), (
        both[actions:]
    )
    assert "1.3 Prochaine étape" in both
    # One to two pages: the table of contents follows at the latest on page 4.
    contents = next(i for i, page in enumerate(pages) if "Sommaire" in page and ". . . ." in page)
    assert contents <= 3
    # The raw answers come after, in an annex.
    annex = next(i for i, page in enumerate(pages) if i > contents and "Annexe A." in page)
    plan = next(i for i, page in enumerate(pages) if i > contents and "3. Plan d'actions" in page)
    assert annex > plan


def test_marks_say_concern_or_not(services, secret_visit, tmp_path, kit) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.services import answers

    visit = visits.get_visit(services, secret_visit.visit_id)
    checklist = visit.checklist_form_id or ""
    answers.answer_item(services, visit.id, checklist, "video_existante", "oui")
    answers.answer_item(services, visit.id, checklist, "ecoles_abords_securises", "non")
    text = kit.pdf_text(_pdf(services, visit.id, tmp_path))
    # « Des zones sombres… ? Non » is no concern; « …rassemblement… ? Oui » and
    # « Les abords des écoles sont-ils sécurisés… ? Non » are.
    assert (
        "✔ Des zones sombres sont-elles repérées (ruelles, parkings, cheminements piétons) ? Non"
        in text
    )
    assert "✘ Des lieux de rassemblement (jeunes, alcoolisation sur la voie publique)" in text
    assert "✘ Les abords des écoles sont-ils sécurisés" in text
    # Neither answer of « Des caméras… installées ? » is a concern: a neutral mark.
    assert "• Des caméras de vidéoprotection de voie publique sont-elles installées ? Oui" in text
    report = build_report(services, visit.id)
    marks = {i.item_id: i.mark for s in report.checklist for i in s.items}
    assert marks["eclairage_zones_sombres"] == Mark.NO_CONCERN
    assert marks["rassemblements_constates"] == Mark.CONCERN
    assert marks["video_existante"] == Mark.ANSWERED


def test_unanswered_items_are_counted_not_listed_and_the_chart_shows_rated_themes(
    services, secret_visit, tmp_path, kit
) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, secret_visit.visit_id)
    text = kit.pdf_text(_pdf(services, secret_visit.visit_id, tmp_path))
    assert "Non renseigné" not in text
    assert "éléments sans réponse, non repris dans le tableau." in text
    assert report.diagnostic is not None
    themes = report.diagnostic.themes
    not_rated = sum(1 for t in themes if t.level is None)
    assert not_rated > 1
    assert f"{not_rated} thèmes sur {len(themes)} non évalués, absents du graphique" in text
    start = text.rindex("2.1 Niveaux de préoccupation")  # the heading, not the contents line
    chart = text[start : text.index("Échelle propre", start)]
    assert "Cambriolages" in chart and "Rodéos motorisés" in chart
    assert "Vidéoprotection" not in chart and "non évalué" not in chart  # rated None


def test_a_draft_prints_projet_on_every_page_a_completed_visit_nowhere(
    services, secret_visit, tmp_path, kit
) -> None:  # type: ignore[no-untyped-def]
    draft = kit.page_texts(_pdf(services, secret_visit.visit_id, tmp_path))  # « en cours »
    assert all(DRAFT_FOOTER in page for page in draft)
    assert len(PdfReader(tmp_path / "interne.pdf").pages) == len(draft)
    kit.complete(services, secret_visit.visit_id)
    for shareable in (False, True):
        done = kit.pdf_text(_pdf(services, secret_visit.visit_id, tmp_path, shareable))
        assert not re.search(r"\bPROJET\b", done)
        assert "document de travail" not in done


def test_reference_version_and_recipients(services, secret_visit, tmp_path, kit) -> None:  # type: ignore[no-untyped-def]
    visit_id = secret_visit.visit_id
    internal = build_report(services, visit_id)
    assert re.fullmatch(r"SQ-15187-20260312-[0-9A-F]{4}", internal.reference)
    assert internal.version == 1
    pages = kit.page_texts(_pdf(services, visit_id, tmp_path))
    assert all(f"Réf. {internal.reference} · version 1" in page for page in pages)
    cover = pages[0]
    assert "Destinataires" in cover and "Préfecture de Cantal" in cover
    assert "maire de Saint-Flour" not in cover  # the internal variant stays with the State
    shareable = kit.page_texts(_pdf(services, visit_id, tmp_path, shareable=True))[0]
    assert "Mme Hélène Vidal, maire de Saint-Flour" in shareable
    kit.complete(services, visit_id)
    issue_report(services, visit_id)
    # The reprint of an issued visit is the version that was issued; the same reference.
    issued = build_report(services, visit_id)
    assert (issued.reference, issued.version) == (internal.reference, 1)


def test_the_shareable_variant_leaves_out_what_is_not_for_sharing(
    services, secret_visit, tmp_path, kit
) -> None:  # type: ignore[no-untyped-def]
    elu = _elu_interview(services, secret_visit.visit_id)
    interviews.answer_interview_item(services, elu, "plainte_deposee", "oui")
    interviews.answer_interview_item(
        services, elu, "attentes", "Un interlocuteur unique à la brigade pour le marché"
    )
    internal = kit.pdf_text(_pdf(services, secret_visit.visit_id, tmp_path))
    assert f"{ATTACKS} [INTERNE]" in internal
    assert f"{COMPLAINT} [INTERNE]" in internal
    shared_pdf = _pdf(services, secret_visit.visit_id, tmp_path, shareable=True)
    shared = kit.pdf_text(shared_pdf)
    reader = PdfReader(shared_pdf)
    everything = shared + " ".join(str(v) for v in (reader.metadata or {}).values())
    for needle in (
        ATTACKS,
        COMPLAINT,
        "incivilités, menaces",
        "plainte a-t-elle",
        *kit.SECRETS.values(),
    ):
        assert needle not in everything, needle
    withheld = {
        item.label for form in services.forms for item in form.iter_items() if item.withheld
    }
    for label in withheld:
        assert kit.normalised(label) not in everything, label
    assert "Un interlocuteur unique à la brigade pour le marché" in shared  # shared stays
    # The cover says which parts were left out, from the forms alone.
    cover = kit.page_texts(shared_pdf)[0]
    assert "Parties non reproduites dans cette version" in cover
    assert (
        "Entretien avec le maire et les adjoints : Atteintes aux élus et attentes, "
        "Cybersécurité de la mairie, notes libres de l'entretien"
    ) in cover
    assert (
        "Entretien avec la gendarmerie : Délinquance enregistrée et tendances, Violences "
        "intrafamiliales et hors cadre familial, Présence sur le terrain et dispositifs, "
        "Partenariats et vidéoprotection, notes libres de l'entretien"
    ) in cover
    assert "Notes de terrain non classées" in cover


def test_the_cover_names_the_same_parts_whatever_was_answered(services, secret_visit) -> None:  # type: ignore[no-untyped-def]
    before = build_report(services, secret_visit.visit_id, shareable=True).left_out_parts
    elu = _elu_interview(services, secret_visit.visit_id)
    interviews.answer_interview_item(services, elu, "atteintes_elus", "non")  # hides details
    after = build_report(services, secret_visit.visit_id, shareable=True).left_out_parts
    assert before == after


def _logo(tmp_path: Path) -> Path:
    path = tmp_path / "logo.png"
    image = Image.new("RGBA", (600, 200), (0, 0, 145, 255))
    image.paste((201, 25, 30, 255), (400, 0, 600, 200))
    image.save(path)
    return path


def test_the_organisation_logo_goes_on_the_cover(services, secret_visit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pdf = _pdf(services, secret_visit.visit_id, tmp_path, logo=_logo(tmp_path))
    cover = PdfReader(pdf).pages[0]
    sizes = [image.image.size for image in cover.images if image.image]
    assert sizes == [(600, 200)]
    plain = tmp_path / "sans-logo"
    plain.mkdir()
    assert not PdfReader(_pdf(services, secret_visit.visit_id, plain)).pages[0].images


def test_a_logo_that_is_not_an_image_is_refused_in_french(services, secret_visit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report: VisitReport = build_report(services, secret_visit.visit_id)
    bad = tmp_path / "logo.png"
    bad.write_text("pas une image", encoding="utf-8")
    with pytest.raises(BadInput, match="n'est pas une image lisible"):
        render_report(report, tmp_path / "r.pdf", logo=bad)
    with pytest.raises(BadInput, match="ne peut pas être lu"):
        render_report(report, tmp_path / "r.pdf", logo=tmp_path / "absent.png")
    assert not (tmp_path / "r.pdf").exists()
