"""The walk's observations in the report: a numbered table grouped by category with
thumbnails of their photos, positions only where the Préférences let them, and the plan
of the town centre with numbered pins matching the table; parsed back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from fieldvisit.core.errors import BadInput
from fieldvisit.core.pins import Pin
from fieldvisit.report.files import report_image_cache
from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report
from fieldvisit.services import attachments, observations, photo_import, plan, visits
from phone_photos import phone_jpeg


def pdf_pages(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def image_count(pdf: Path) -> int:
    count = 0
    for page in PdfReader(pdf).pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        count += sum(
            1 for name in xobjects if xobjects[name].get_object().get("/Subtype") == "/Image"
        )
    return count


def plan_png(path: Path, size: tuple[int, int] = (1200, 800)) -> Path:
    image = Image.new("RGB", size, (235, 235, 225))
    for x in range(0, size[0], 100):
        image.paste((120, 120, 120), (x, 0, x + 4, size[1]))  # streets
    image.save(path, format="PNG")
    return path


@pytest.fixture
def walked(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    lamp = photo_import.import_photo(
        services, visit.id, phone_jpeg(tmp_path / "IMG_0101.jpg", datetime(2026, 3, 14, 10, 5))
    ).attachment
    tip = photo_import.import_photo(
        services,
        visit.id,
        phone_jpeg(tmp_path / "IMG_0102.jpg", datetime(2026, 3, 14, 10, 9), seed=3, gps=None),
    ).attachment
    assert lamp is not None and tip is not None
    dumping = observations.add_observation(
        services,
        visit.id,
        "depot_sauvage",
        "moyenne",
        "Parking de la gare",
        "Sacs et gravats",
        [tip.id],
    )
    light = observations.add_observation(
        services,
        visit.id,
        "eclairage",
        "forte",
        "Rue du Marché",
        "Deux lampadaires éteints",
        [lamp.id],
    )
    corner = observations.add_observation(
        services, visit.id, "eclairage", "faible", "Impasse des Tanneurs"
    )
    observations.create_action(services, light.id, "Réparer l'éclairage rue du Marché")
    plan.import_plan(services, visit.id, plan_png(tmp_path / "plan-mairie.png"))
    observations.pin_observation(services, light.id, Pin(0.25, 0.5))
    observations.pin_observation(services, dumping.id, Pin(0.75, 0.25))
    return visit, light, corner, dumping


def render(services, visit_id: str, path: Path, **options) -> Path:  # type: ignore[no-untyped-def]
    report = build_report(services, visit_id, **options)
    render_report(report, path, image_cache_dir=report_image_cache(services))
    return path


def test_the_table_is_numbered_by_category_with_photos_and_actions(
    services, walked, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    visit, *_ = walked
    report = build_report(services, visit.id)
    # Grouped by category in the list's order (éclairage before dépôt sauvage), then as made.
    assert [(o.number, o.category, o.place) for o in report.observations] == [
        (1, "Éclairage", "Rue du Marché"),
        (2, "Éclairage", "Impasse des Tanneurs"),
        (3, "Dépôt sauvage", "Parking de la gare"),
    ]
    light = report.observations[0]
    assert light.action == "Réparer l'éclairage rue du Marché"
    assert light.location == "45,03431° N, 3,08382° E"  # from its photo
    assert report.observations[2].location == ""  # its photo carries no GPS
    # The plan is no photo: the photos are the two taken during the walk.
    assert [p.filename for p in report.photos] == ["IMG_0101.jpg", "IMG_0102.jpg"]
    assert light.photos == (1,) and report.observations[2].photos == (2,)
    assert report.plan is not None

    pdf = render(services, visit.id, tmp_path / "rapport.pdf")
    pages = pdf_pages(pdf)
    text = "\n".join(pages)
    chapter = text[text.index("Points d'attention du parcours", text.index("Sommaire") + 40) :]
    assert chapter.index("Éclairage") < chapter.index("Dépôt sauvage")
    assert chapter.index("Rue du Marché") < chapter.index("Impasse des Tanneurs")
    assert "Deux lampadaires éteints" in chapter and "Gravité : Forte" in chapter
    assert "Action : Réparer l'éclairage rue du Marché" in chapter
    assert "Photo 1" in chapter and "Photo 2" in chapter
    # The plan page: its caption and the numbers of the pinned observations (1 and 3).
    [plan_page] = [p for p in pages if "Plan du centre-bourg" in p]
    pins = re.findall(r"(?m)^\s*(\d)\s*$", plan_page[plan_page.index("Plan du centre-bourg") :])
    assert sorted(pins) == ["1", "3"], plan_page
    # Two photos (thumbnails reuse the annex's JPEG) and the plan.
    assert image_count(pdf) >= 3


def test_the_shareable_report_leaves_positions_out(services, walked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    visit, *_ = walked
    internal = "\n".join(pdf_pages(render(services, visit.id, tmp_path / "interne.pdf")))
    shared = "\n".join(
        pdf_pages(render(services, visit.id, tmp_path / "diffusable.pdf", shareable=True))
    )
    assert internal.count("45,03431° N, 3,08382° E") >= 2  # the table and the photo annex
    assert "45,03431" not in shared
    assert "Points d'attention du parcours" in shared and "Rue du Marché" in shared


def test_a_visit_without_observations_has_no_such_chapter(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    text = "\n".join(pdf_pages(render(services, visit.id, tmp_path / "rapport.pdf")))
    assert "Points d'attention" not in text


def test_a_damaged_plan_is_refused_and_nothing_is_stored(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    good = plan_png(tmp_path / "plan.png").read_bytes()
    cut = tmp_path / "plan-coupe.png"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(BadInput, match="endommagé ou incomplet"):
        plan.import_plan(services, visit.id, cut)
    text_file = tmp_path / "plan.png.txt"
    text_file.write_text("pas une image", encoding="utf-8")
    with pytest.raises(BadInput, match="n'est pas une image"):
        plan.import_plan(services, visit.id, text_file)
    assert attachments.list_attachments(services, visit.id) == []
    assert plan.visit_plan(services, visit.id) is None


def test_a_huge_plan_is_downscaled_or_refused_in_french(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    # 30,000 px wide, 2,000 high (60 megapixels): stored at 6,000 px.
    wide = tmp_path / "bandeau.jpg"
    Image.new("RGB", (30_000, 2_000), (200, 200, 190)).save(wide, format="JPEG", quality=60)
    stored = plan.import_plan(services, visit.id, wide)
    with Image.open(io.BytesIO(attachments.attachment_bytes(services, stored))) as kept:
        assert kept.size == (6_000, 400)
    assert stored.filename == "bandeau-reduit.jpg"
    # A second plan replaces the first.
    square = plan.import_plan(services, visit.id, plan_png(tmp_path / "plan.png"))
    assert plan.visit_plan(services, visit.id).id == square.id  # type: ignore[union-attr]
    # 30,000 × 30,000 (900 megapixels): refused before it is decoded.
    huge = tmp_path / "plan-geant.png"
    Image.new("1", (30_000, 30_000)).save(huge, format="PNG")
    with pytest.raises(BadInput, match=r"trop grand.*mégapixels"):
        plan.import_plan(services, visit.id, huge)
    assert plan.visit_plan(services, visit.id).id == square.id  # type: ignore[union-attr]


def test_the_word_report_has_the_same_numbered_table(services, walked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import docx

    from fieldvisit.report.word import render_word

    visit, *_ = walked
    target = tmp_path / "rapport.docx"
    render_word(build_report(services, visit.id), target)
    document = docx.Document(str(target))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("Points d'attention du parcours") for h in headings)
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "N°"]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("1", "Éclairage", "1"),
        ("2", "Éclairage", "—"),
        ("3", "Dépôt sauvage", "2"),
    ]
    assert rows[0][2].startswith("Rue du Marché") and "Action : Réparer" in rows[0][3]
