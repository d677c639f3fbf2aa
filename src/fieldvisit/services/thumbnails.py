"""Photo thumbnails: small JPEGs made with Pillow, cached encrypted in the data dir.

`cache/thumbnails/<keyed name>`: the attachment's content hash and the size name the
thumbnail (through the data dir's keyed names, security/vault.py), so the same photo
attached twice is rendered once, and a thumbnail never goes stale (the bytes behind a
hash never change). Thumbnails are encrypted like the photos they show. EXIF
orientation is applied, so a portrait photo taken with the phone on its side shows
upright. JPEG `draft()` mode lets the decoder scale down while reading (1/2, 1/4,
1/8), which makes a 12-megapixel photo cheap to thumbnail. No Qt here: the UI runs
this on its background worker.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from fieldvisit.core.errors import BadInput
from fieldvisit.security.vault import DamagedFile
from fieldvisit.services.attachments import files
from fieldvisit.services.context import Services
from fieldvisit.services.photo_facts import image_plugins

DEFAULT_SIZE = 256
THUMBNAIL_QUALITY = 85
VIEWER_PREFIX = "fieldvisit-ouvrir-"
STALE_VIEWER_S = 24 * 3600


def thumbnails_dir(svc: Services) -> Path:
    return svc.data_dir.thumbnails


def _context(sha256: str, size: int) -> bytes:
    return f"thumbnail:{sha256}:{size}".encode("ascii")


def cached_path(svc: Services, sha256: str, size: int) -> Path:
    """The encrypted cache file of sha256's thumbnail at size."""
    return thumbnails_dir(svc) / svc.store.vault.name("thumbnail", f"{sha256}:{size}")


def thumbnail_jpeg(source: Path | BinaryIO, name: str, size: int = DEFAULT_SIZE) -> bytes:
    """A JPEG of source fitting in size×size (upright, aspect kept).

    Raises BadInput (French message naming the file) when source is not a readable image.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    image_plugins()  # HEIC/HEIF
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
            f"« {name} » n'est pas une image lisible : impossible d'en faire une vignette."
        ) from err
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()


def render_thumbnail(source: Path, target: Path, size: int = DEFAULT_SIZE) -> Path:
    """Write a plain JPEG thumbnail of source to target (outside any data dir: the data
    dir's thumbnails go through `thumbnail_for`, encrypted)."""
    data = thumbnail_jpeg(source, source.name, size)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".thumb-", suffix=".jpg")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
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


def _stored_bytes(svc: Services, sha256: str) -> bytes:
    store = files(svc)
    if not store.has(sha256):
        raise BadInput(
            "Le fichier joint est absent du dossier de données "
            f"({sha256[:12]}…) : synchronisez, ou importez-le de nouveau."
        )
    return store.read_bytes(sha256)


def thumbnail_for(svc: Services, sha256: str, size: int = DEFAULT_SIZE) -> Path:
    """The (encrypted) cached thumbnail of an attachment's file, rendered on first
    request; read it with `thumbnail_bytes`."""
    target = cached_path(svc, sha256, size)
    if not target.is_file():
        _render_cached(svc, sha256, size, target)
    return target


def _render_cached(svc: Services, sha256: str, size: int, target: Path) -> bytes:
    data = thumbnail_jpeg(io.BytesIO(_stored_bytes(svc, sha256)), f"{sha256[:12]}…", size)
    svc.store.vault.write_bytes(target, data, _context(sha256, size))
    return data


def thumbnail_bytes(svc: Services, sha256: str, size: int = DEFAULT_SIZE) -> bytes:
    """The JPEG bytes of an attachment's thumbnail (from the encrypted cache)."""
    target = cached_path(svc, sha256, size)
    if target.is_file():
        try:
            return svc.store.vault.read_bytes(target, _context(sha256, size))
        except DamagedFile:
            target.unlink(missing_ok=True)  # a damaged cache file: make it again
    return _render_cached(svc, sha256, size, target)


# --- copies for the system's viewer ------------------------------------------------------


def viewer_folder(svc: Services) -> Path:
    """This session's private folder (0700) of plain copies for the system's viewer,
    outside the data dir; deleted when the services close (and, if the app was killed,
    by a later session once a day old)."""
    folder = svc.viewer_folder
    if folder is None or not folder.is_dir():
        _remove_stale_viewer_folders()
        folder = Path(tempfile.mkdtemp(prefix=VIEWER_PREFIX))
        svc.viewer_folder = folder
    return folder


def _remove_stale_viewer_folders() -> None:
    limit = time.time() - STALE_VIEWER_S
    me = os.getuid() if hasattr(os, "getuid") else None  # Windows: the temp dir is per user
    for old in Path(tempfile.gettempdir()).glob(f"{VIEWER_PREFIX}*"):
        try:
            info = old.stat()
            if old.is_dir() and info.st_mtime < limit and me in (None, info.st_uid):
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue


def viewable_copy(svc: Services, sha256: str, filename: str) -> Path:
    """A plain copy of an attachment under its original name, for the system's viewer.

    Stored files are encrypted and named by a keyed hash: a viewer could read neither.
    The copy goes to this session's private viewer folder (`viewer_folder`), never into
    the data dir.
    """
    safe_name = Path(filename).name or sha256
    target = viewer_folder(svc) / sha256[:16] / safe_name
    if not target.is_file():
        store = files(svc)
        if not store.has(sha256):
            _stored_bytes(svc, sha256)  # raises the "absent" message
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".open-")
        try:
            with os.fdopen(fd, "wb") as out, store.open(sha256) as src:
                shutil.copyfileobj(src, out, 1024 * 1024)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    return target
