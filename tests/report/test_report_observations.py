"""The walk's observations in the report: a numbered table grouped by category with
thumbnails of their photos, positions only where the Préférences let them, and the plan
of the town centre with numbered pins matching the table; parsed back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

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


def word_report(services, visit_id: str, path: Path, **options) -> Path:  # type: ignore[no-untyped-def]
    from fieldvisit.report.word import render_word

    report = build_report(services, visit_id, **options)
    render_word(report, path, image_cache_dir=report_image_cache(services))
    return path


def walk_table(document: Any) -> Any:
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "N°"]
    return table


def pictures_in(element: Any) -> int:
    return len(element.xpath(".//pic:pic"))


def plan_picture(document: Any) -> Image.Image:
    """The picture of the paragraph before the caption « Plan du centre-bourg »."""
    paragraphs = document.paragraphs
    [at] = [i for i, p in enumerate(paragraphs) if p.text == "Plan du centre-bourg"]
    [blip] = paragraphs[at - 1]._p.xpath(".//a:blip")
    embed = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
    return Image.open(io.BytesIO(document.part.related_parts[embed].blob)).convert("RGB")


def pin_radius(services, visit_id: str) -> float:  # type: ignore[no-untyped-def]
    """A pin's radius in pixels of the plan's picture (the PDF's, at the picture's size)."""
    from fieldvisit.report import walk

    report = build_report(services, visit_id)
    rendition = walk.plan_rendition(report, report_image_cache(services))
    assert rendition is not None
    return walk.PIN_RADIUS * rendition.width / walk.pinned_plan(report, rendition).drawWidth


def is_red(pixel: tuple[int, int, int]) -> bool:
    return pixel[0] > 150 and pixel[1] < 90 and pixel[2] < 90


def test_the_word_report_has_the_pdfs_numbered_table_thumbnails_and_pinned_plan(
    services, walked, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import docx

    visit, *_ = walked
    document = docx.Document(str(word_report(services, visit.id, tmp_path / "rapport.docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("Points d'attention du parcours") for h in headings)
    table = walk_table(document)
    assert [cell.text for cell in table.rows[0].cells] == ["N°", "Lieu", "Observation", "Photos"]
    rows = table.rows[1:]
    # A row naming each category across the table (merged), then its observations.
    assert [row.cells[0].text for row in rows] == ["Éclairage", "1", "2", "Dépôt sauvage", "3"]
    assert len({id(cell._tc) for cell in rows[0].cells}) == 1
    light, corner, dumping = (
        [cell.text for cell in row.cells] for row in rows if row.cells[0].text.isdigit()
    )
    assert light[1] == "Rue du Marché\n45,03431° N, 3,08382° E"  # the internal variant
    assert "Gravité : Forte" in light[2] and "Deux lampadaires éteints" in light[2]
    assert "Action : Réparer l'éclairage rue du Marché" in light[2]
    assert (light[3].strip(), corner[3], dumping[3].strip()) == ("Photo 1", "—", "Photo 2")
    # Each observation's thumbnails in its row.
    numbered = [row for row in rows if row.cells[0].text.isdigit()]
    assert [pictures_in(row.cells[3]._tc) for row in numbered] == [1, 0, 1]
    # The numbering is the PDF's: its table lists the places in the same order.
    pages = pdf_pages(render(services, visit.id, tmp_path / "rapport.pdf"))
    text = "\n".join(pages)
    chapter = text[text.index("Points d'attention du parcours", text.index("Sommaire") + 40) :]
    places = ["Rue du Marché", "Impasse des Tanneurs", "Parking de la gare"]
    assert [light[1].splitlines()[0], corner[1], dumping[1]] == places
    at = [chapter.index(place) for place in places]
    assert at == sorted(at)
    # The plan with its pins, as the PDF draws it: red discs where 1 and 3 are pinned.
    picture = plan_picture(document)
    width, height = picture.size
    assert abs(width / height - 1200 / 800) < 0.01
    offset = int(0.7 * pin_radius(services, visit.id))  # beside the number in the disc
    assert is_red(picture.getpixel((int(0.25 * width) - offset, int(0.5 * height))))  # 1
    assert is_red(picture.getpixel((int(0.75 * width) - offset, int(0.25 * height))))  # 3
    assert not is_red(picture.getpixel((int(0.5 * width), int(0.75 * height))))  # no pin
    # Images: two thumbnails, the plan, the two photos of the annex.
    assert pictures_in(document.element.body) == 5


def test_the_shareable_word_report_has_no_position(services, walked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    visit, *_ = walked
    internal = word_report(services, visit.id, tmp_path / "interne.docx")
    shared = word_report(services, visit.id, tmp_path / "partageable.docx", shareable=True)

    def xml_text(path: Path) -> str:
        with zipfile.ZipFile(path) as archive:
            return "".join(
                archive.read(name).decode("utf-8")
                for name in archive.namelist()
                if name.endswith(".xml")
            )

    assert "45,03431° N, 3,08382° E" in xml_text(internal)
    assert "45,03431" not in xml_text(shared)
    assert "Rue du Marché" in xml_text(shared) and "Plan du centre-bourg" in xml_text(shared)
    # No image of either variant carries a GPS position (renditions and plan are new files).
    for path in (internal, shared):
        with zipfile.ZipFile(path) as archive:
            media = [n for n in archive.namelist() if n.startswith("word/media/")]
            assert len(media) == 3  # two photos (thumbnails and annex alike) and the plan
            for name in media:
                with Image.open(io.BytesIO(archive.read(name))) as image:
                    assert not image.getexif().get_ifd(0x8825), name


def test_pins_follow_a_plan_replaced_by_one_of_another_size(
    services, walked, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import docx

    visit, _light, corner, _dumping = walked
    observations.pin_observation(services, corner.id, Pin(1.0, 0.0))  # the top right corner
    # The mairie's plan, replaced by a portrait one of another size.
    plan.import_plan(services, visit.id, plan_png(tmp_path / "plan-portrait.png", (500, 900)))
    report = build_report(services, visit.id)
    assert report.plan is not None and report.plan.filename == "plan-portrait.png"
    assert [o.pin for o in report.observations] == [(0.25, 0.5), (1.0, 0.0), (0.75, 0.25)]
    radius = pin_radius(services, visit.id)
    document = docx.Document(str(word_report(services, visit.id, tmp_path / "rapport.docx")))
    picture = plan_picture(document)
    width, height = picture.size
    assert abs(width - 500) <= 1 and abs(height - 900) <= 1
    offset = int(radius * 0.7)
    assert is_red(picture.getpixel((int(0.25 * width) - offset, int(0.5 * height))))  # 1
    assert is_red(picture.getpixel((int(0.75 * width) - offset, int(0.25 * height))))  # 3
    # The corner pin (2) is drawn whole inside the image: its disc moved in by its radius.
    centre = (width - radius, radius)
    assert is_red(picture.getpixel((int(centre[0] - offset), int(centre[1]))))
    assert is_red(picture.getpixel((int(centre[0]), int(centre[1] + offset))))
    assert not is_red(picture.getpixel((width - 1, 0)))  # the corner itself is the plan
    # The PDF still shows the new plan with its three pins.
    pages = pdf_pages(render(services, visit.id, tmp_path / "rapport.pdf"))
    [plan_page] = [p for p in pages if "Plan du centre-bourg" in p]
    pins = re.findall(r"(?m)^\s*(\d)\s*$", plan_page[plan_page.index("Plan du centre-bourg") :])
    assert sorted(pins) == ["1", "2", "3"], plan_page
