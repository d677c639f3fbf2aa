"""Photos go into the PDF as the renditions' JPEG bytes, unchanged: not decoded to pixels
when the PDF is drawn, and never written to disk in plain on the way (report/jpeg.py)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import ImageFile
from pypdf import PdfReader

from fieldvisit.report.files import report_image_cache
from fieldvisit.report.images import prepare_renditions
from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report

JFIF_HEADER = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"  # how every rendition starts


def embedded_images(pdf: Path) -> list[tuple[object, bytes]]:
    """(filter, stream bytes as stored) of every image XObject of the PDF's pages."""
    found: dict[int, tuple[object, bytes]] = {}
    for page in PdfReader(pdf).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        for ref in xobjects.values():
            image = ref.get_object()
            if image["/Subtype"] == "/Image":
                found[ref.idnum] = (image["/Filter"], image.get_data())
    return list(found.values())


def report_photos(services, visit_id: str, cache: Path | None):  # type: ignore[no-untyped-def]
    report = build_report(services, visit_id)
    return report, prepare_renditions([(p.source, p.sha256) for p in report.photos], cache)


def test_the_pdf_embeds_each_rendition_as_it_is(services, secret_visit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = report_image_cache(services)  # the data dir's: encrypted renditions
    report, renditions = report_photos(services, secret_visit.visit_id, cache)
    assert len(renditions) == 2 and all(r is not None for r in renditions)
    target = tmp_path / "rapport.pdf"
    render_report(report, target, image_cache_dir=cache)
    images = embedded_images(target)
    assert sorted(data for _, data in images) == sorted(r.jpeg_bytes() for r in renditions if r)
    assert all(str(kind) in ("/DCTDecode", "['/DCTDecode']") for kind, _ in images)


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Pillow's pixel decodes from now on (the files they were of)."""
    seen: list[str] = []
    original = ImageFile.ImageFile.load

    def load(image: ImageFile.ImageFile):  # type: ignore[no-untyped-def]
        seen.append(str(getattr(image, "filename", "") or image.format))
        return original(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    yield seen


def test_drawing_the_pdf_decodes_no_photo(services, secret_visit, tmp_path, decodes) -> None:  # type: ignore[no-untyped-def]
    cache = report_image_cache(services)
    report, _ = report_photos(services, secret_visit.visit_id, cache)  # made at import
    decodes.clear()
    render_report(report, tmp_path / "rapport.pdf", image_cache_dir=cache)
    assert decodes == []


def plain_jpegs(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and JFIF_HEADER in p.read_bytes()]


@pytest.mark.parametrize("cache", ["data dir", "none"])
def test_no_plain_copy_of_a_photo_is_written_meanwhile(
    services, secret_visit, tmp_path, monkeypatch, cache
) -> None:  # type: ignore[no-untyped-def]
    """Whether the renditions are cached (encrypted, in the data dir) or not (made for
    this report only), nothing plain lands in the temporary folder or the data dir, at
    any moment of the report."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    folder = report_image_cache(services) if cache == "data dir" else None
    report = build_report(services, secret_visit.visit_id)
    found: list[Path] = []
    looked = 0

    def look(_done: int, _total: int) -> None:
        nonlocal looked
        looked += 1
        found.extend(plain_jpegs(temp) + plain_jpegs(services.data_dir.root))

    render_report(report, tmp_path / "rapport.pdf", progress=look, image_cache_dir=folder)
    look(0, 0)
    assert looked >= len(report.photos) + 3  # each photo, each layout pass, the end
    assert found == []
    assert JFIF_HEADER in (tmp_path / "rapport.pdf").read_bytes()  # the photos are in
