"""Report-size photo renditions: upright, bounded, cached by content hash."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from fieldvisit.report.images import (
    REPORT_IMAGE_SIZE,
    prepare_renditions,
    rendition_path,
    report_rendition,
)


def test_a_big_sideways_photo_becomes_an_upright_bounded_jpeg(tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "photo"
    source.write_bytes(kit.jpeg_bytes((4000, 3000), orientation=6))
    cache = tmp_path / "cache"
    rendition = report_rendition(source, "abc", cache)
    assert rendition is not None
    assert (rendition.width, rendition.height) == (750, REPORT_IMAGE_SIZE)  # turned upright
    assert rendition.path == rendition_path(cache, "abc")
    with Image.open(rendition.path) as image:
        assert image.format == "JPEG" and image.size == (750, 1000)
        assert image.getexif().get(0x0112) in (None, 1)


def test_renditions_are_reused_from_the_cache(tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "photo"
    source.write_bytes(kit.jpeg_bytes((2000, 1000)))
    cache = tmp_path / "cache"
    first = report_rendition(source, "sha", cache)
    source.unlink()  # a cached rendition no longer needs the original
    again = report_rendition(source, "sha", cache)
    assert first == again and again is not None and again.width == REPORT_IMAGE_SIZE


def test_small_transparent_and_unreadable_images(tmp_path: Path) -> None:
    png = tmp_path / "logo"
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(buffer, format="PNG")
    png.write_bytes(buffer.getvalue())
    rendition = report_rendition(png, "png", tmp_path / "cache")
    assert rendition is not None and (rendition.width, rendition.height) == (300, 200)
    with Image.open(rendition.path) as image:
        assert image.mode == "RGB" and image.getpixel((10, 10)) == (255, 255, 255)
    junk = tmp_path / "junk"
    junk.write_bytes(b"not an image")
    assert report_rendition(junk, "junk", tmp_path / "cache") is None
    assert report_rendition(tmp_path / "missing", "missing", tmp_path / "cache") is None


def test_prepare_renditions_keeps_order_and_reports_progress(tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    photos = []
    for n in range(5):
        path = tmp_path / f"p{n}"
        path.write_bytes(kit.jpeg_bytes((200 + n, 100)))
        photos.append((path, f"sha{n}"))
    done: list[int] = []
    renditions = prepare_renditions(photos, tmp_path / "cache", on_done=done.append, workers=2)
    assert [r.width for r in renditions if r is not None] == [200, 201, 202, 203, 204]
    assert done == [1, 2, 3, 4, 5]
