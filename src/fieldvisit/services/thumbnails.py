"""Photo thumbnails: small JPEGs made with Pillow, cached as files in the data dir.

`thumbnails/<sha256>-<size>.jpg`: the attachment's content hash names its thumbnail,
so the same photo attached twice is rendered once, and a thumbnail never goes stale
(the bytes behind a hash never change). EXIF orientation is applied, so a portrait
photo taken with the phone on its side shows upright. JPEG `draft()` mode lets the
decoder scale down while reading (1/2, 1/4, 1/8), which makes a 12-megapixel photo
cheap to thumbnail. No Qt here: the UI runs this on its background worker.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fieldvisit.core.errors import BadInput
from fieldvisit.services.attachments import files
from fieldvisit.services.context import Services

DEFAULT_SIZE = 256
THUMBNAIL_QUALITY = 85


def thumbnails_dir(svc: Services) -> Path:
    return svc.data_dir.cache / "thumbnails"


def cached_path(cache_dir: Path, sha256: str, size: int) -> Path:
    return cache_dir / f"{sha256}-{size}.jpg"


def render_thumbnail(source: Path, target: Path, size: int = DEFAULT_SIZE) -> Path:
    """Write a JPEG of source fitting in size×size (upright, aspect kept) to target.

    Raises BadInput (French message naming the file) when source is not a readable image.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if size < 1:
        raise BadInput(f"Taille de vignette invalide : {size}.")
    try:
        with Image.open(source) as image:
            if image.format == "JPEG":
                # Decode at the smallest scale still at least size×size: far less work.
                image.draft("RGB", (size, size))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((size, size), Image.Resampling.LANCZOS)
            rgb = _flattened(upright)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        raise BadInput(
            f"« {source.name} » n'est pas une image lisible : impossible d'en faire une vignette."
        ) from err
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".thumb-", suffix=".jpg")
    try:
        with os.fdopen(fd, "wb") as out:
            rgb.save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
        os.replace(tmp_name, target)  # a crash never leaves half a thumbnail
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def _flattened(image):  # type: ignore[no-untyped-def]
    """RGB for JPEG: transparent pixels over white instead of black."""
    from PIL import Image

    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _stored_file(svc: Services, sha256: str) -> Path:
    source = files(svc).path_for(sha256)
    if not source.is_file():
        raise BadInput(
            "Le fichier joint est absent du dossier de données "
            f"({sha256[:12]}…) : synchronisez, ou importez-le de nouveau."
        )
    return source


def thumbnail_for(svc: Services, sha256: str, size: int = DEFAULT_SIZE) -> Path:
    """The cached thumbnail of an attachment's file, rendered on first request."""
    target = cached_path(thumbnails_dir(svc), sha256, size)
    if target.is_file():
        return target
    source = _stored_file(svc, sha256)
    return render_thumbnail(source, target, size)


def viewable_copy(svc: Services, sha256: str, filename: str) -> Path:
    """A copy of an attachment under its original name, for the system's viewer.

    Stored files are named by hash, without extension: a viewer could not tell a JPEG
    from anything else. The copy goes to the data dir's `open/` folder (made again
    whenever missing; nothing there is precious).
    """
    source = _stored_file(svc, sha256)
    safe_name = Path(filename).name or sha256
    target = svc.data_dir.cache / "open" / sha256[:16] / safe_name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".open-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while chunk := src.read(1024 * 1024):
                    out.write(chunk)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    return target
