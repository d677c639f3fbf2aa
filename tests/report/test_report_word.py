"""The visit report as a Word document: the PDF's model, its chapters, its variants."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from PIL import Image
from pypdf import PdfReader

from fieldvisit.cli import main
from fieldvisit.report.model import build_report
from fieldvisit.report.render import ACTION_COLUMNS, render_report
from fieldvisit.report.word import render_word


def word_headings(path: Path) -> list[tuple[int, str]]:
    """(level, text) of the paragraphs in Word's Heading styles: 0 for Heading 1."""
    found = []
    for paragraph in docx.Document(str(path)).paragraphs:
        name = paragraph.style.name
        if name.startswith("Heading "):
            found.append((int(name.split()[1]) - 1, paragraph.text))
    return found


def pdf_outline(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def walk(entries: list, depth: int) -> None:  # type: ignore[type-arg]
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                found.append((depth, entry.title))

    walk(PdfReader(path).outline, 0)
    return [entry for entry in found if entry[1] not in ("Couverture", "Sommaire")]


def all_text(path: Path) -> str:
    """Every paragraph of the body, its tables (nested too), headers and footers."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]

    def cells(tables) -> None:  # type: ignore[no-untyped-def]
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    cells(document.tables)
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


@pytest.mark.parametrize("shareable", [False, True])
def test_word_report_has_the_pdf_chapters_in_order_as_word_headings(
    services, secret_visit, tmp_path, kit, shareable
) -> None:  # type: ignore[no-untyped-def]
    kit.complete(services, secret_visit.visit_id)
    report = build_report(services, secret_visit.visit_id, shareable=shareable)
    pdf, word = tmp_path / "r.pdf", tmp_path / "r.docx"
    render_report(report, pdf)
    render_word(report, word)
    headings = word_headings(word)
    assert headings == pdf_outline(pdf)
    assert headings[0] == (0, "1. Synthèse")
    assert (0, "3. Plan d'actions") in headings
    assert any(text.startswith("Annexe") for _, text in headings)
    title = [p.text for p in docx.Document(str(word)).paragraphs if p.style.name == "Title"]
    assert title == [report.title]


def test_shareable_word_report_has_no_confidential_text(
    services, secret_visit, tmp_path, kit
) -> None:  # type: ignore[no-untyped-def]
    internal, shareable = tmp_path / "interne.docx", tmp_path / "partageable.docx"
    render_word(build_report(services, secret_visit.visit_id), internal)
    render_word(build_report(services, secret_visit.visit_id, shareable=True), shareable)
    internal_text, shared_text = all_text(internal), all_text(shareable)
    for needle in kit.SECRETS.values():
        assert len(needle) >= 8
        assert needle in internal_text, needle
        assert needle not in shared_text, needle
    assert "DIFFUSION RESTREINTE" in internal_text
    assert "DIFFUSION RESTREINTE" not in shared_text
    assert "Version partageable, destinée à la commune" in shared_text
    for needle in (kit.PUBLIC["action"], kit.PUBLIC["observation"], kit.PUBLIC["recommandation"]):
        assert needle in shared_text
    # the raw archive too: no secret in any part of the .docx (comments, properties…)
    import zipfile

    with zipfile.ZipFile(shareable) as archive:
        raw = b"".join(archive.read(name) for name in archive.namelist())
    for needle in kit.SECRETS.values():
        assert needle.encode() not in raw


def test_word_report_action_plan_table_and_chart_image(
    services, secret_visit, tmp_path, kit
) -> None:  # type: ignore[no-untyped-def]
    word = tmp_path / "r.docx"
    render_word(build_report(services, secret_visit.visit_id), word)
    document = docx.Document(str(word))
    header = [title for title, _ in ACTION_COLUMNS]
    plans = [t for t in document.tables if [c.text for c in t.rows[0].cells] == header]
    assert len(plans) == 1
    rows = [[c.text for c in row.cells] for row in plans[0].rows[1:]]
    assert rows[0][0] == "P1" and rows[0][1].startswith(kit.PUBLIC["action"])
    assert rows[0][4] == "30/06/2026" and rows[0][5] == "À engager"
    assert len(rows) == 2
    # The chart is a picture right after its heading; photos follow in their annex.
    pictures = [rel.target_part for rel in document.part.rels.values() if "image" in rel.reltype]
    charts = [part for part in pictures if part.content_type == "image/png"]
    assert len(charts) == 1
    chart = Image.open(io.BytesIO(charts[0].blob))
    assert chart.width > 1000 and chart.height > 200
    # not blank: the bars' colours are there
    assert len(chart.convert("RGB").getcolors(maxcolors=1 << 24) or []) > 10
    assert len(document.inline_shapes) == 1 + 2  # the chart, the two photos


def test_report_cli_docx_and_its_bad_inputs(
    capsys, services, secret_visit, tmp_path, unwritable_dir
) -> None:  # type: ignore[no-untyped-def]
    data = str(services.data_dir.root)
    services.close()
    target = tmp_path / "rapport.docx"
    base = ["--data-dir", data, "report", secret_visit.visit_id, "--format", "docx"]
    assert main([*base, "-o", str(target), "--shareable"]) == 0
    assert "Rapport Word version partageable" in capsys.readouterr().err
    assert word_headings(target)[0] == (0, "1. Synthèse")
    before = target.read_bytes()

    # already there: refused, untouched; --force replaces it
    assert main([*base, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "existe déjà" in err and "--force" in err
    assert target.read_bytes() == before
    assert main([*base, "-o", str(target), "--force"]) == 0
    capsys.readouterr()
    assert "DIFFUSION RESTREINTE" in all_text(target)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".export-")) == []

    # a folder where nothing can be written: French message, nothing left behind
    entries = sorted(p.name for p in unwritable_dir.iterdir())
    assert main([*base, "-o", str(unwritable_dir / "rapport.docx")]) == 2
    err = capsys.readouterr().err
    assert "Impossible d'écrire" in err and "Traceback" not in err
    assert sorted(p.name for p in unwritable_dir.iterdir()) == entries

    # not a .docx name, a folder, with --all-completed
    assert main([*base, "-o", str(tmp_path / "rapport.pdf")]) == 2
    assert ".docx" in capsys.readouterr().err
    assert main([*base, "-o", str(tmp_path)]) == 2
    assert "est un dossier" in capsys.readouterr().err
    assert main(["--data-dir", data, "report", "--all-completed", "--format", "docx",
                 "-o", str(tmp_path)]) == 2  # fmt: skip
    assert "un document à la fois" in capsys.readouterr().err


def test_word_report_prints_data_unavailable_with_its_reason(services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from fieldvisit.core.unavailable import unavailable
    from fieldvisit.services import answers, visits

    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    reason = "Chiffres de l'ONDRP non publiés pour la commune"
    answers.answer_item(
        services,
        visit.id,
        visit.checklist_form_id,
        "eclairage_zones_sombres",
        unavailable("Visite faite de jour"),
    )
    answers.answer_item(
        services, visit.id, visit.diagnostic_form_id, "date_donnees", unavailable(reason)
    )
    word = tmp_path / "r.docx"
    render_word(build_report(services, visit.id), word)
    text = all_text(word)
    assert f"Donnée indisponible — {reason}" in text
    assert "Donnée indisponible — Visite faite de jour" in text
    assert "unavailable" not in text
