"""Photos and documents attached to a visit, optionally linked to a form item.

A visit's attachments are its photos (media type image/…) and documents such as the
issued report PDF (report/issued.py). `list_photos` and `attach_photo` are what the
Photos section uses: it shows and imports images only.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fieldvisit.core.annotation import annotation_value, parse_annotation
from fieldvisit.core.errors import BadInput
from fieldvisit.services.context import Services
from fieldvisit.services.photo_facts import image_plugins
from fieldvisit.services.records import get_live
from fieldvisit.store.files import AttachmentFiles
from fieldvisit.store.models import Attachment, Visit

IMAGE_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".webp",
    ".heic",
    ".heif",
}
MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024


def files(svc: Services) -> AttachmentFiles:
    """The data dir's attachment files (encrypted; see store/files.py)."""
    return svc.store.files


def detect_media_type(path: Path) -> str:
    """The file's media type; an image must really be one (Pillow reads its header)."""
    from PIL import Image, UnidentifiedImageError

    image_plugins()  # HEIC/HEIF
    try:
        with Image.open(path) as image:
            fmt = image.format
        if fmt:
            return Image.MIME.get(fmt, f"image/{fmt.lower()}")
    except (UnidentifiedImageError, OSError, ValueError):
        pass
    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise BadInput(
            f"« {path.name} » n'est pas une image lisible (fichier endommagé ou d'un autre "
            "type). Choisissez une photo JPEG ou PNG."
        )
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def attach_file(
    svc: Services,
    visit_id: str,
    source: Path,
    caption: str = "",
    form_id: str | None = None,
    item_id: str | None = None,
    filename: str | None = None,
    role: str | None = None,
) -> Attachment:
    """Copy a file into the data dir (content-addressed) and record it on the visit.

    `filename` is the name shown and used when the file is opened (default: the
    source's own name)."""
    if not source.is_file():
        raise BadInput(f"Fichier introuvable : {source}.")
    size = source.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise BadInput(f"« {source.name} » dépasse {MAX_ATTACHMENT_BYTES // 2**20} Mo.")
    media_type = detect_media_type(source)
    with svc.store.reading() as session:
        get_live(session, Visit, visit_id)
    sha, size = files(svc).put_file(source)
    with svc.store.transaction() as session:
        get_live(session, Visit, visit_id)
        attachment = Attachment(
            visit_id=visit_id,
            sha256=sha,
            filename=filename or source.name,
            media_type=media_type,
            size=size,
            caption=caption,
            form_id=form_id,
            item_id=item_id,
            role=role,
        )
        svc.stamp(attachment, new=True)
        session.add(attachment)
    return attachment


def is_photo(attachment: Attachment) -> bool:
    """An image of the visit, not its plan of the town centre (attachments.role)."""
    return attachment.media_type.startswith("image/") and attachment.role is None


def attach_photo(
    svc: Services,
    visit_id: str,
    source: Path,
    caption: str = "",
    form_id: str | None = None,
    item_id: str | None = None,
) -> Attachment:
    """Like attach_file, for an image only: any other file is refused with a message."""
    if source.is_file() and not detect_media_type(source).startswith("image/"):
        raise BadInput(
            f"« {source.name} » n'est pas une image : seules les photos (JPEG, PNG…) "
            "s'importent dans la section Photos."
        )
    return attach_file(svc, visit_id, source, caption, form_id, item_id)


def update_attachment(
    svc: Services,
    attachment_id: str,
    *,
    caption: str | None = None,
    form_id: str | None = None,
    item_id: str | None = None,
) -> Attachment:
    """Change a caption, or link the attachment to a form item (item_id="" unlinks)."""
    with svc.store.transaction() as session:
        attachment = get_live(session, Attachment, attachment_id)
        if caption is not None:
            attachment.caption = caption
        if item_id is not None:
            attachment.item_id = item_id or None
            attachment.form_id = (form_id or None) if item_id else None
        svc.stamp(attachment)
    return attachment


def annotate(svc: Services, attachment_id: str, value: Any) -> Attachment:
    """Store the shapes drawn over a photo (core/annotation.py; None removes them).
    The photo's file is not touched: the report draws the shapes on its rendition."""
    try:
        shapes = parse_annotation(value)
    except ValueError as err:
        raise BadInput(f"Annotation refusée : {err}.") from err
    with svc.store.transaction() as session:
        attachment = get_live(session, Attachment, attachment_id)
        if not is_photo(attachment):
            raise BadInput(f"« {attachment.filename} » n'est pas une photo : rien à annoter.")
        attachment.annotation = annotation_value(shapes)
        svc.stamp(attachment)
    return attachment


def list_attachments(svc: Services, visit_id: str) -> list[Attachment]:
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(Attachment)
                .where(Attachment.visit_id == visit_id, Attachment.deleted_at.is_(None))
                .order_by(Attachment.created_at)
            )
        )


def list_photos(svc: Services, visit_id: str) -> list[Attachment]:
    """The visit's images, oldest first (documents such as issued reports left out)."""
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(Attachment)
                .where(
                    Attachment.visit_id == visit_id,
                    Attachment.deleted_at.is_(None),
                    Attachment.media_type.startswith("image/"),
                    Attachment.role.is_(None),  # the plan of the town centre is no photo
                )
                .order_by(Attachment.created_at)
            )
        )


def attachment_path(svc: Services, attachment: Attachment) -> Path:
    """Where the attachment's file is: encrypted, read it with `attachment_bytes`."""
    return files(svc).path_for(attachment.sha256)


def attachment_bytes(svc: Services, attachment: Attachment) -> bytes:
    """The attachment's plain content."""
    return files(svc).read_bytes(attachment.sha256)
