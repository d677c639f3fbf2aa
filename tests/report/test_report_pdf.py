"""The rendered PDF, read back with pypdf: texts, accents, fonts, outline, variants."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report

CHAPTERS = [
    "1. Synthèse",
    "2. Diagnostic local de sécurité",
    "3. Plan d'actions",
    "4. Visa et signatures",
    "Annexe A. Visite du centre-bourg : réponses",
    "Annexe B. Diagnostic local de sécurité : réponses",
    "Annexe C. Entretiens",
    "Annexe D. Photographies",
]


@pytest.fixture
def internal_pdf(services, secret_visit, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "interne.pdf"
    report = build_report(services, secret_visit.visit_id, shareable=False)
    render_report(report, target, image_cache_dir=tmp_path / "cache")
    return target


@pytest.fixture
def shareable_pdf(services, secret_visit, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "partageable.pdf"
    report = build_report(services, secret_visit.visit_id, shareable=True)
    render_report(report, target, image_cache_dir=tmp_path / "cache")
    return target


def _outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(entries: list) -> None:  # type: ignore[type-arg]
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                titles.append(entry.title)

    walk(reader.outline)
    return titles


def test_sections_texts_and_accents_are_extracted(internal_pdf: Path, kit) -> None:  # type: ignore[no-untyped-def]
    text = kit.pdf_text(internal_pdf)
    for title in [*CHAPTERS, "Annexe E. Notes de terrain non classées"]:
        assert title in text, title
    for expected in (
        "Saint-Flour",
        "Cantal (15)",
        "12 mars 2026",
        "Première visite",
        "Élodie Crançon (ANCT)",
        "Mme Hélène Vidal — Maire",
        "Ce que la visite a constaté",
        "Actions prioritaires",
        "Prochaine étape",
        "Entretien avec la brigade",
        "Entretien avec le maire",
        "Constat de la délinquance",
        "Sentiment d'insécurité",
        "Adéquation des réponses",
        "Niveaux de préoccupation par thème",
        "Très préoccupant",
        "sans réponse, non repris dans le tableau",
        "Porteur",
        "Échéance",
        kit.PUBLIC["action"],
        kit.PUBLIC["recommandation"],
        kit.PUBLIC["observation"],
        "Fait à",
    ):
        assert expected in text, expected
    assert kit.normalised(kit.SUMMARY) in text
    for character in kit.ACCENTS.split():
        assert character in text, character


def test_fonts_are_embedded_truetype(internal_pdf: Path) -> None:
    reader = PdfReader(internal_pdf)
    fonts: dict[str, DictionaryObject] = {}
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for name, ref in resources.get("/Font", {}).items():
            fonts[name] = ref.get_object()
    assert fonts
    for font in fonts.values():
        if font["/Subtype"] == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font
        assert "DejaVuSans" in str(font["/BaseFont"])


def test_outline_metadata_and_page_numbers(internal_pdf: Path, kit) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(internal_pdf)
    titles = _outline_titles(reader)
    assert titles[:2] == ["Couverture", "1. Synthèse"]  # the summary first, then contents
    assert "Sommaire" in titles
    for title in CHAPTERS:
        assert title in titles
    assert "C.1 Entretien avec la brigade" in titles
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Rapport de visite — Saint-Flour"
    assert meta.author == "Élodie Crançon (ANCT), Jérôme Lœuillet"
    assert "12/03/2026" in (meta.subject or "") and "interne" in (meta.subject or "")
    pages = kit.page_texts(internal_pdf)
    total = len(pages)
    assert 6 <= total <= 30
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} / {total}" in page
        assert "DIFFUSION RESTREINTE" in page


def _contents_page(pages: list[str]) -> int:
    """Index of the (first) table of contents page."""
    return next(i for i, page in enumerate(pages) if "Sommaire" in page and ". . . ." in page)


def _toc_numbers(reader: PdfReader, index: int) -> dict[str, int]:
    """Title -> page number printed on the same line of the table of contents."""
    fragments: list[tuple[str, float]] = []

    def visit(text: str, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        if text.strip():
            fragments.append((text.strip(), round(tm[5] + cm[5])))

    reader.pages[index].extract_text(visitor_text=visit)
    numbers: dict[str, int] = {}
    for title, y in fragments:
        for other, y2 in fragments:
            leader = re.fullmatch(r"[. ]*?(\d+)", other)  # dot leader and page number
            if leader and abs(y2 - y) <= 1 and other != title:
                numbers[title] = int(leader.group(1))
    return numbers


def test_table_of_contents_points_at_the_right_pages(internal_pdf: Path, kit) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(internal_pdf)
    pages = kit.page_texts(internal_pdf)
    assert "1. Synthèse" in pages[1]  # the summary opens the report, on page 2
    printed = _toc_numbers(reader, _contents_page(pages))
    checked = 0
    for entry in reader.outline:
        if isinstance(entry, list) or entry.title not in CHAPTERS:
            continue
        page = reader.get_destination_page_number(entry) + 1
        assert entry.title in pages[page - 1]
        assert printed[entry.title] == page, entry.title
        checked += 1
    assert checked == len(CHAPTERS)


def test_confidential_content_is_marked_in_the_internal_variant(internal_pdf: Path, kit) -> None:  # type: ignore[no-untyped-def]
    text = kit.pdf_text(internal_pdf)
    for name, secret in kit.SECRETS.items():
        assert secret in text, name
    assert "[CONFIDENTIEL]" in text
    assert "Enquêtes en cours et individus connus des services" in text


def test_no_confidential_text_reaches_the_shareable_pdf(services, shareable_pdf: Path, kit) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(shareable_pdf)
    text = kit.pdf_text(shareable_pdf)
    everything = text + " " + " ".join(str(v) for v in (reader.metadata or {}).values())
    everything += " " + " ".join(_outline_titles(reader))
    for name, secret in kit.SECRETS.items():
        assert secret not in everything, name
    labels = {
        item.label for form in services.forms for item in form.iter_items() if item.confidential
    }
    for label in labels:
        assert kit.normalised(label) not in everything, label
    assert "CONFIDENTIEL" not in everything.upper().replace("NON CONFIDENTIEL", "")
    assert "DIFFUSION RESTREINTE" not in everything.upper()
    # The rest of the report is there.
    assert kit.PUBLIC["recommandation"] in text
    assert kit.PUBLIC["photo_caption"] in text
    assert "Version partageable" in text


def test_photo_annex_has_captions_and_upright_images(internal_pdf: Path, kit) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(internal_pdf)
    pages = kit.page_texts(internal_pdf)
    annex = next(
        i for i, page in enumerate(pages) if f"Photo 1 — {kit.PUBLIC['photo_caption']}" in page
    )
    assert "Annexe D. Photographies" in pages[annex]
    images = [image for page in reader.pages[annex:] for image in page.images]
    # The church photo was stored 400×200 with EXIF orientation 6: upright, 200×400.
    assert sorted(image.image.size for image in images if image.image) == [(200, 400), (300, 200)]


def test_long_answers_split_over_pages_and_headers_repeat(
    services, secret_visit, tmp_path, kit
) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.services import answers, visits

    sentence = "Le secteur de la gare se vide après la fermeture des commerces. "
    long_text = sentence * 250  # about 16,000 characters, several pages
    visit = visits.get_visit(services, secret_visit.visit_id)
    answers.answer_item(
        services, secret_visit.visit_id, visit.checklist_form_id or "", "parcours", long_text
    )
    target = tmp_path / "long.pdf"
    render_report(build_report(services, secret_visit.visit_id), target)
    text = kit.pdf_text(target)
    assert text.count("Le secteur de la gare se vide") == 250
    pages = kit.page_texts(target)
    with_rows = [p for p in pages if "Le secteur de la gare" in p]
    assert len(with_rows) >= 3
    assert all("Point examiné" in page for page in with_rows)  # the header row repeats


def test_render_to_a_binary_stream_with_progress(services, secret_visit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, secret_visit.visit_id, shareable=True)
    out = io.BytesIO()
    steps: list[tuple[int, int]] = []
    pages = render_report(
        report,
        out,
        progress=lambda done, total: steps.append((done, total)),
        image_cache_dir=tmp_path / "cache",
    )
    assert out.getvalue().startswith(b"%PDF-")
    assert len(PdfReader(out).pages) == pages
    assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1]
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)


def test_markup_characters_in_answers_are_printed_as_typed(
    services, secret_visit, tmp_path, kit
) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.services import visits

    typed = "Budget < 15 000 € & <b>pas de caméra</b> ; « gare » ?"
    visits.update_visit(services, secret_visit.visit_id, summary=typed)
    target = tmp_path / "markup.pdf"
    render_report(build_report(services, secret_visit.visit_id, shareable=True), target)
    assert kit.normalised(typed) in kit.pdf_text(target)


def test_a_table_of_contents_over_two_pages_still_points_right(
    services, secret_visit, tmp_path, kit, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Forty checklist sections (titles with « & » and « < », which are markup) push
    the table of contents onto a second page: every heading moves a page further on."""
    from dataclasses import replace

    from fieldvisit.report import document

    report = build_report(services, secret_visit.visit_id)
    first = report.checklist[0]
    sections = tuple(
        replace(first, section_id=f"s{n}", title=f"Rue n° {n} & abords <nord>")
        for n in range(1, 41)
    )
    target = tmp_path / "sommaire-long.pdf"
    passes: list[int] = []
    original = document.ReportDocument.beforeDocument

    def counted(self) -> None:  # type: ignore[no-untyped-def]
        original(self)
        passes.append(self._passes)

    monkeypatch.setattr(document.ReportDocument, "beforeDocument", counted)
    render_report(replace(report, checklist=sections), target)
    assert passes == [1, 2]  # the first pass already laid the contents out in full
    reader = PdfReader(target)
    pages = kit.page_texts(target)
    contents = _contents_page(pages)
    assert "Annexe C. Entretiens" in pages[contents + 1]  # the contents go on
    assert "A.40 Rue n° 40 & abords <nord>" in kit.pdf_text(target)
    titles = [e for e in reader.outline if not isinstance(e, list)]
    annex = next(e for e in titles if e.title.startswith("Annexe A."))
    assert reader.get_destination_page_number(annex) > contents + 1  # after both pages
    for entry in titles:
        if entry.title in ("Couverture", "Sommaire"):
            continue
        number = reader.get_destination_page_number(entry) + 1
        assert entry.title in pages[number - 1]
        assert f"Page {number} / {len(pages)}" in pages[number - 1]
