"""The plan of the town centre: an image (a plan from the mairie, a map screenshot)
imported into a visit, on which its observations are pinned.

Stored like every file (content-addressed, encrypted, synced) as an attachment whose
`role` is "plan"; a visit shows its latest live plan, and importing another replaces
it (the pins stay: they are fractions of the plan's size, core/pins.py). A plan larger
than PLAN_SIDE pixels is stored downscaled (a 30,000 px scan would make every screen
and report decode 900 megapixels); one over MAX_PLAN_PIXELS is refused before it is
decoded. Nothing is written for a file that cannot be read: the check and the
downscale happen before anything is stored.
"""

from __future__ import annotations

import io
import re
import struct
import tempfile
from pathlib import Path

from sqlalchemy import select

from fieldvisit.core.errors import BadInput
from fieldvisit.core.pins import PLAN_ROLE
from fieldvisit.services.attachments import attach_file
from fieldvisit.services.context import Services
from fieldvisit.services.photo_facts import image_plugins
from fieldvisit.services.records import get_live
from fieldvisit.store.models import Attachment, Visit

#: the long side of a stored plan: enough to read street names on a printed A4 page
PLAN_SIDE = 6000
#: the largest plan decoded at all (the decoded pixels take 3 bytes each)
MAX_PLAN_PIXELS = 120_000_000


def _too_large(name: str, size: str) -> BadInput:
    limit = MAX_PLAN_PIXELS // 1_000_000
    return BadInput(
        f"Le plan « {name} » est trop grand ({size}) : la limite est de {limit} mégapixels. "
        f"Exportez-le à {PLAN_SIDE} pixels de côté au plus, puis importez-le à nouveau."
    )


def prepared_plan(source: Path) -> tuple[bytes, str, str]:
    """The bytes to store for this plan, their media type and file name; BadInput (in
    French, naming the file) when it is not a readable image or is far too large."""
    image_plugins()
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = source.name
    if not source.is_file():
        raise BadInput(f"Fichier introuvable : {source}.")
    try:
        with Image.open(source) as image:
            fmt = image.format or ""
            width, height = image.size
            if width * height > MAX_PLAN_PIXELS:
                raise _too_large(name, f"{width} × {height} pixels")
            if fmt == "JPEG" and max(width, height) > PLAN_SIDE:
                scale = PLAN_SIDE / max(width, height)
                image.draft("RGB", (int(width * scale), int(height * scale)))
            image.load()  # every pixel decoded: a damaged or cut-off file fails here
            if max(image.size) <= PLAN_SIDE and max(width, height) <= PLAN_SIDE:
                return source.read_bytes(), Image.MIME.get(fmt, f"image/{fmt.lower()}"), name
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((PLAN_SIDE, PLAN_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            if fmt == "PNG":  # a drawn map: keep its lines sharp
                upright.save(out, format="PNG", optimize=False)
                return out.getvalue(), "image/png", f"{Path(name).stem}-reduit.png"
            upright.convert("RGB").save(out, format="JPEG", quality=90)
            return out.getvalue(), "image/jpeg", f"{Path(name).stem}-reduit.jpg"
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        counted = re.search(r"\((\d+) pixels\)", str(err))
        size = f"{int(counted.group(1)) / 1_000_000:.0f} mégapixels" if counted else "énorme"
        raise _too_large(name, size) from err
    except UnidentifiedImageError as err:
        raise BadInput(
            f"« {name} » n'est pas une image (JPEG, PNG ou HEIC) : aucun plan importé."
        ) from err
    except (OSError, ValueError, SyntaxError, struct.error, RuntimeError) as err:
        raise BadInput(
            f"Le plan « {name} » est endommagé ou incomplet : il ne peut pas être lu, "
            "aucun plan importé."
        ) from err


def import_plan(svc: Services, visit_id: str, source: Path) -> Attachment:
    """Store this image as the visit's plan (replacing the one it had)."""
    with svc.store.reading() as session:
        get_live(session, Visit, visit_id)
    data, _media_type, filename = prepared_plan(source)
    with tempfile.TemporaryDirectory(prefix="fieldvisit-plan-") as tmp:
        # The prepared bytes are plain for a moment, in a private temporary folder, as
        # an imported file is: attach_file encrypts them into the data dir.
        staged = Path(tmp) / filename
        staged.write_bytes(data)
        with svc.store.transaction() as session:
            old = list(
                session.scalars(
                    select(Attachment).where(
                        Attachment.visit_id == visit_id,
                        Attachment.role == PLAN_ROLE,
                        Attachment.deleted_at.is_(None),
                    )
                )
            )
            plan = attach_file(
                svc, visit_id, staged, caption="Plan du centre-bourg", role=PLAN_ROLE
            )
            from fieldvisit.services.deletion import delete_whole

            for previous in old:
                delete_whole(session, previous, svc.clock, svc.stamp)
    return plan


def visit_plan(svc: Services, visit_id: str) -> Attachment | None:
    """The visit's plan (its latest live one), or None."""
    with svc.store.reading() as session:
        return session.scalars(
            select(Attachment)
            .where(
                Attachment.visit_id == visit_id,
                Attachment.role == PLAN_ROLE,
                Attachment.deleted_at.is_(None),
            )
            .order_by(Attachment.created_at.desc(), Attachment.id.desc())
            .limit(1)
        ).first()
