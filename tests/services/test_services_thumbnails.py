"""Thumbnails: upright (EXIF orientation), small, cached by content hash, clear errors."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from fieldvisit.core.errors import BadInput
from fieldvisit.services import Services, attachments, thumbnails, visits


def landscape_jpeg_shot_portrait(path: Path, size: tuple[int, int] = (800, 600)) -> Path:
    """A landscape JPEG whose EXIF says "rotate 90° clockwise to view" (Orientation 6)."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(path, format="JPEG", exif=exif)
    return path


def test_render_respects_exif_orientation_and_size(tmp_path: Path) -> None:
    source = landscape_jpeg_shot_portrait(tmp_path / "portrait.jpg")
    target = thumbnails.render_thumbnail(source, tmp_path / "out" / "thumb.jpg", size=128)
    with Image.open(target) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (96, 128)  # upright: portrait, longest side = size
        # After a 90° clockwise turn, the left (blue) half is at the top.
        top = thumb.getpixel((48, 10))
        bottom = thumb.getpixel((48, 118))
    assert top[2] > 150 and top[0] < 100
    assert bottom[0] > 150 and bottom[2] < 100


def test_small_images_are_not_enlarged_and_transparency_is_white(tmp_path: Path) -> None:
    source = tmp_path / "icon.png"
    Image.new("RGBA", (40, 20), (0, 0, 0, 0)).save(source)
    target = thumbnails.render_thumbnail(source, tmp_path / "icon-thumb.jpg", size=256)
    with Image.open(target) as thumb:
        assert thumb.size == (40, 20)
        assert min(thumb.getpixel((5, 5))) > 240


def test_not_an_image_is_a_french_error_naming_the_file(tmp_path: Path) -> None:
    fake = tmp_path / "faux.jpg"
    fake.write_text("ceci n'est pas une photo", encoding="utf-8")
    with pytest.raises(BadInput, match=r"faux\.jpg"):
        thumbnails.render_thumbnail(fake, tmp_path / "never.jpg")
    assert not (tmp_path / "never.jpg").exists()
    assert not list(tmp_path.glob(".thumb-*"))


def test_thumbnail_for_caches_by_hash_and_size(services: Services, tmp_path: Path) -> None:
    visit = visits.plan_visit(services, "15187", date(2026, 3, 12))
    photo = landscape_jpeg_shot_portrait(tmp_path / "rue.jpg", (1600, 1200))
    attachment = attachments.attach_file(services, visit.id, photo)

    first = thumbnails.thumbnail_for(services, attachment.sha256, 200)
    assert first == thumbnails.cached_path(services, attachment.sha256, 200)
    assert first.parent == thumbnails.thumbnails_dir(services)
    assert attachment.sha256 not in first.name  # keyed name: the hash is not shown
    plain = thumbnails.thumbnail_bytes(services, attachment.sha256, 200)
    # Encrypted like the photo: not one run of 16 bytes of the plain thumbnail in the file
    # (16 bytes, so that chance never puts one in a ciphertext).
    stored = first.read_bytes()
    assert plain.startswith(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    assert not any(plain[i : i + 16] in stored for i in range(0, len(plain) - 16, 16))
    with Image.open(io.BytesIO(plain)) as t:
        assert t.size == (150, 200)
    stamp = first.stat().st_mtime_ns

    again = thumbnails.thumbnail_for(services, attachment.sha256, 200)
    assert again == first and again.stat().st_mtime_ns == stamp  # reused, not re-rendered

    other = thumbnails.thumbnail_for(services, attachment.sha256, 64)
    assert other != first
    with Image.open(io.BytesIO(thumbnails.thumbnail_bytes(services, attachment.sha256, 64))) as t:
        assert max(t.size) == 64


def test_a_damaged_cached_thumbnail_is_made_again(services: Services, tmp_path: Path) -> None:
    visit = visits.plan_visit(services, "15187", date(2026, 3, 12))
    photo = landscape_jpeg_shot_portrait(tmp_path / "rue.jpg")
    attachment = attachments.attach_file(services, visit.id, photo)
    cached = thumbnails.thumbnail_for(services, attachment.sha256, 100)
    cached.write_bytes(cached.read_bytes()[:-5] + b"xxxxx")
    data = thumbnails.thumbnail_bytes(services, attachment.sha256, 100)
    with Image.open(io.BytesIO(data)) as thumb:
        assert max(thumb.size) == 100


def test_missing_attachment_file_is_explained(services: Services) -> None:
    with pytest.raises(BadInput, match="absent"):
        thumbnails.thumbnail_for(services, "ab" * 32)


def test_viewable_copy_keeps_the_original_name(services: Services, tmp_path: Path) -> None:
    visit = visits.plan_visit(services, "15187", date(2026, 3, 12))
    photo = landscape_jpeg_shot_portrait(tmp_path / "Place du marché.jpg")
    attachment = attachments.attach_file(services, visit.id, photo)
    copy = thumbnails.viewable_copy(services, attachment.sha256, "../../Place du marché.jpg")
    assert copy.name == "Place du marché.jpg"  # no way out of the viewer folder
    folder = thumbnails.viewer_folder(services)
    assert copy.is_relative_to(folder)
    assert not copy.is_relative_to(services.data_dir.root)  # plain copies stay out of it
    assert copy.read_bytes() == photo.read_bytes()
    assert thumbnails.viewable_copy(services, attachment.sha256, "Place du marché.jpg") == copy
    services.close()  # closing deletes the plain copies
    assert not folder.exists()
