"""The report shows the annotated rendition (the original kept), and GPS only where the
Préférences let it: parsed back from the PDF with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from fieldvisit.report.files import report_image_cache
from fieldvisit.report.images import report_rendition
from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report
from fieldvisit.services import attachments, photo_import, visits
from fieldvisit.services.photo_privacy import LocationPolicy
from phone_photos import gps_of, phone_jpeg

SHAPES = {
    "v": 1,
    "shapes": [
        {"k": "rect", "p": [0.1, 0.1, 0.5, 0.6], "c": "#e53935", "t": ""},
        {"k": "arrow", "p": [0.9, 0.9, 0.55, 0.62], "c": "#fdd835", "t": ""},
        {"k": "text", "p": [0.1, 0.7, 0.1, 0.7], "c": "#ffffff", "t": "Angle mort"},
    ],
}


def pdf_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def embedded_jpegs(pdf: Path) -> list[bytes]:
    found = []
    for page in PdfReader(pdf).pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        for name in xobjects:
            obj = xobjects[name].get_object()
            if obj.get("/Subtype") == "/Image" and "/DCTDecode" in str(obj.get("/Filter")):
                found.append(obj.get_data())  # DCT data is not decoded by pypdf
    return found


@pytest.fixture
def walk(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    annotated = photo_import.import_photo(
        services, visit.id, phone_jpeg(tmp_path / "IMG_0001.jpg", datetime(2026, 3, 14, 10, 42))
    ).attachment
    plain = photo_import.import_photo(
        services,
        visit.id,
        phone_jpeg(tmp_path / "IMG_0002.jpg", datetime(2026, 3, 14, 10, 30), seed=4),
    ).attachment
    assert annotated is not None and plain is not None
    attachments.annotate(services, annotated.id, SHAPES)
    return visit, annotated, plain


def render(services, visit_id: str, path: Path, **options) -> Path:  # type: ignore[no-untyped-def]
    report = build_report(services, visit_id, **options)
    render_report(report, path, image_cache_dir=report_image_cache(services))
    return path


def test_the_report_shows_the_annotated_rendition_and_keeps_the_original(
    services, walk, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    visit, annotated, plain = walk
    original = (tmp_path / "IMG_0001.jpg").read_bytes()
    pdf = render(services, visit.id, tmp_path / "rapport.pdf")

    cache = report_image_cache(services)
    stored = attachments.attachment_path(services, annotated)
    bare = report_rendition(stored, annotated.sha256, cache)
    drawn = report_rendition(
        stored, annotated.sha256, cache, shapes=build_report(services, visit.id).photos[1].shapes
    )
    other = report_rendition(attachments.attachment_path(services, plain), plain.sha256, cache)
    assert bare is not None and drawn is not None and other is not None
    embedded = embedded_jpegs(pdf)
    assert drawn.jpeg_bytes() in embedded  # the annotated one is what the report shows
    assert bare.jpeg_bytes() not in embedded
    assert other.jpeg_bytes() in embedded  # a photo without annotation: its plain rendition
    with (
        Image.open(io.BytesIO(drawn.jpeg_bytes())) as shown,
        Image.open(io.BytesIO(bare.jpeg_bytes())) as photo,
    ):
        x, y = int(0.1 * shown.width), int(0.35 * shown.height)  # the rectangle's left side
        assert shown.getpixel((x, y))[0] > 180 and photo.getpixel((x, y))[0] < 180
    # the original file is untouched, the annotation is data on the record
    assert attachments.attachment_bytes(services, annotated) == original
    assert bare.path is not None and bare.path.read_bytes()[:4] != b"\xff\xd8\xff\xe0"  # encrypted
    assert drawn.path is not None and drawn.path.read_bytes()[:2] != b"\xff\xd8"
    # taken order: IMG_0002 (10:30) before IMG_0001 (10:42)
    text = pdf_text(pdf)
    assert text.index("IMG_0002.jpg") < text.index("IMG_0001.jpg")
    assert "Prise le 14/03/2026 à " in text


def test_gps_is_in_the_internal_report_only_by_default(services, walk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    visit, _annotated, _plain = walk
    internal = render(services, visit.id, tmp_path / "interne.pdf")
    shareable = render(services, visit.id, tmp_path / "diffusable.pdf", shareable=True)
    shared_kept = render(
        services,
        visit.id,
        tmp_path / "diffusable-gps.pdf",
        shareable=True,
        location=LocationPolicy(in_shared_copies=True),
    )
    assert "Position : 45,03431° N, 3,08382° E" in pdf_text(internal)
    assert "Position" not in pdf_text(shareable) and "45,03431" not in pdf_text(shareable)
    assert "Position : 45,03431° N, 3,08382° E" in pdf_text(shared_kept)
    for pdf in (internal, shareable, shared_kept):
        images = embedded_jpegs(pdf)
        assert len(images) == 2
        assert all(gps_of(data) == {} for data in images)  # renditions carry no EXIF GPS


def test_photos_imported_without_location_print_none(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    photo_import.import_photo(
        services,
        visit.id,
        phone_jpeg(tmp_path / "IMG_0001.jpg", datetime(2026, 3, 14, 10, 42, tzinfo=UTC)),
        keep_location=False,
    )
    assert "Position" not in pdf_text(render(services, visit.id, tmp_path / "r.pdf"))
