"""Report-size renditions of photos: upright, ≤ 1000 px on the long side, JPEG q80.

A photo of the annex prints at most 17 × 10.5 cm: 1000 px give 150 to 240 dpi there,
plenty for a documentary photo, and keep a PDF with 60 photos small enough to e-mail.
Embedding the originals would make the PDF huge, and decoding them is the slowest step
of a report. JPEG `draft()` lets the decoder scale by 1/2, 1/4 or 1/8 while reading;
aimed at the long side (not a square box, which would decode a 4:3 photo at full
size), a 4000×3000 photo comes out of the decoder at 1000×750 with nothing left to
resize: about half the time of a 1280-px rendition.

Renditions are cached as `<cache>/<sha256>-<size>.jpg`: the attachment's content hash
names them, so they never go stale and are reused by every later report. Without a
cache folder a rendition is made in memory only (nothing plain on disk).
`services/thumbnails.py` does the same for small UI thumbnails with a square box.
In a data dir's cache (the cache folder of an opened store, `security.vault.vault_for`)
renditions are encrypted like the photos and named by a keyed hash; the photo itself
is read through the same vault.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from fieldvisit.core.annotation import Shape, annotation_key
from fieldvisit.report.annotate import draw_annotation
from fieldvisit.security.vault import DamagedFile, FileVault, is_encrypted, vault_for
from fieldvisit.services.photo_facts import image_plugins
from fieldvisit.store.files import attachment_context

REPORT_IMAGE_SIZE = 1000
REPORT_IMAGE_QUALITY = 80


@dataclass(frozen=True)
class Rendition:
    """A report-size JPEG: its cache file (encrypted in a data dir's cache), or its bytes
    when it was made without a cache folder. `key` names it: photo hash and size."""

    path: Path | None
    width: int
    height: int
    vault: FileVault | None = field(default=None, compare=False, repr=False)
    context: bytes = field(default=b"", compare=False, repr=False)
    key: str = ""
    data: bytes | None = field(default=None, compare=False, repr=False)

    def jpeg_bytes(self) -> bytes:
        """The plain JPEG, decrypted in memory: what the PDF embeds as it is
        (report/jpeg.py). Nothing plain is written to disk for it."""
        if self.data is not None:
            return self.data
        assert self.path is not None, "a rendition is a file or bytes"
        if self.vault is None:
            return self.path.read_bytes()
        return self.vault.read_bytes(self.path, self.context)


def rendition_path(
    cache_dir: Path, sha256: str, size: int = REPORT_IMAGE_SIZE, vault: FileVault | None = None
) -> Path:
    """Where the rendition is cached (a keyed name in an opened data dir's cache)."""
    vault = vault or vault_for(cache_dir)
    if vault is None:
        return cache_dir / f"{sha256}-{size}.jpg"
    return cache_dir / vault.name("report-image", f"{sha256}:{size}")


def _photo_source(source: Path, sha256: str) -> Path | BinaryIO | None:
    """The photo to decode: its file, or its decrypted bytes (None: cannot be read)."""
    if not is_encrypted(source):
        return source
    vault = vault_for(source)
    if vault is None:
        return None
    return io.BytesIO(vault.read_bytes(source, attachment_context(sha256)))


def report_rendition(
    source: Path,
    sha256: str,
    cache_dir: Path | None,
    size: int = REPORT_IMAGE_SIZE,
    shapes: Sequence[Shape] = (),
) -> Rendition | None:
    """The cached rendition of a photo, made on first request; None if unreadable.
    Without a cache folder, it is made in memory and not kept. With `shapes`, the
    annotated rendition: the shapes drawn over the plain one, cached under a key of
    its own (the photo's hash, the size and the shapes' key), the plain one kept."""
    base = _plain_rendition(source, sha256, cache_dir, size)
    if base is None or not shapes:
        return base
    return _annotated(base, tuple(shapes), cache_dir)


def _annotated(base: Rendition, shapes: tuple[Shape, ...], cache_dir: Path | None) -> Rendition:
    key = f"{base.key}:a{annotation_key(shapes)}"
    context = f"report-image:{key}".encode("ascii")
    vault = vault_for(cache_dir) if cache_dir is not None else None
    target: Path | None = None
    if cache_dir is not None:
        target = (
            cache_dir / f"{key.replace(':', '-')}.jpg"
            if vault is None
            else cache_dir / vault.name("report-image", key)
        )
        if target.is_file():
            try:
                cached = target.read_bytes() if vault is None else vault.read_bytes(target, context)
                if cached[:2] == b"\xff\xd8":
                    return Rendition(target, base.width, base.height, vault, context, key)
            except (OSError, DamagedFile):
                pass
            target.unlink(missing_ok=True)
    with Image.open(io.BytesIO(base.jpeg_bytes())) as plain:
        drawn = draw_annotation(plain, shapes)
    data = _jpeg(drawn)
    if target is None:
        return Rendition(None, base.width, base.height, key=key, data=data)
    assert cache_dir is not None
    cache_dir.mkdir(parents=True, exist_ok=True)
    if vault is not None:
        vault.write_bytes(target, data, context)
        return Rendition(target, base.width, base.height, vault, context, key)
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=".report-", suffix=".jpg")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Rendition(target, base.width, base.height, key=key)


def _plain_rendition(
    source: Path, sha256: str, cache_dir: Path | None, size: int
) -> Rendition | None:
    key = f"{sha256}:{size}"
    if cache_dir is None:
        made = _rendered(source, sha256, size)
        return None if made is None else Rendition(None, *made.size, key=key, data=_jpeg(made))
    vault = vault_for(cache_dir)
    target = rendition_path(cache_dir, sha256, size, vault)
    context = f"report-image:{key}".encode("ascii")
    if target.is_file():
        try:
            cached_source = (
                target if vault is None else io.BytesIO(vault.read_bytes(target, context))
            )
            with Image.open(cached_source) as cached:  # reads the header only
                if cached.format == "JPEG":
                    return Rendition(target, *cached.size, vault, context, key)
        except (UnidentifiedImageError, OSError, DamagedFile):
            pass
        target.unlink(missing_ok=True)  # a damaged cache file: make it again
    rgb = _rendered(source, sha256, size)
    if rgb is None:
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    if vault is not None:
        vault.write_bytes(target, _jpeg(rgb), context)
        return Rendition(target, *rgb.size, vault, context, key)
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=".report-", suffix=".jpg")
    try:
        with os.fdopen(fd, "wb") as out:
            rgb.save(out, format="JPEG", quality=REPORT_IMAGE_QUALITY, optimize=False)
        os.replace(tmp_name, target)  # never half a file under the final name
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Rendition(target, *rgb.size, key=key)


def _rendered(source: Path, sha256: str, size: int) -> Image.Image | None:
    """The photo upright, at most `size` px on its long side, in RGB; None if unreadable."""
    image_plugins()  # HEIC/HEIF
    try:
        photo = _photo_source(source, sha256)
        if photo is None:
            return None
        with Image.open(photo) as image:
            if image.format == "JPEG":
                width, height = image.size
                scale = size / max(width, height)
                if scale < 1:
                    image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            if max(image.size) > size:
                # Scale first, then turn: rotating the small image is the cheap way.
                image.thumbnail((size, size), Image.Resampling.BICUBIC)
            return _flattened(ImageOps.exif_transpose(image))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, DamagedFile):
        return None


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=REPORT_IMAGE_QUALITY, optimize=False)
    return buffer.getvalue()


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent pixels over white instead of black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def prepare_renditions(
    photos: Sequence[tuple[Path, str]] | Sequence[tuple[Path, str, Sequence[Shape]]],
    cache_dir: Path | None,
    on_done: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> list[Rendition | None]:
    """Renditions of (source, sha256[, shapes]) entries, in order; made on a few threads.

    Pillow releases the GIL while decoding, resizing and encoding, so two cores make
    a cold cache about twice as fast. `on_done(n)` is called on the caller's thread
    after each photo (n photos done so far).
    """
    if not photos:
        return []
    workers = workers or max(1, min(4, os.cpu_count() or 1, len(photos)))
    results: list[Rendition | None] = []
    if workers == 1:
        for source, sha, *shapes in photos:
            results.append(report_rendition(source, sha, cache_dir, shapes=_shapes(shapes)))
            if on_done is not None:
                on_done(len(results))
        return results
    with ThreadPoolExecutor(workers, thread_name_prefix="report-images") as pool:
        futures = [
            pool.submit(report_rendition, source, sha, cache_dir, shapes=_shapes(shapes))
            for source, sha, *shapes in photos
        ]
        for future in futures:
            results.append(future.result())
            if on_done is not None:
                on_done(len(results))
    return results


def _shapes(rest: list[Sequence[Shape]]) -> Sequence[Shape]:
    return rest[0] if rest else ()
