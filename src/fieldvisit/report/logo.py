"""The organisation's logo on the report's cover (a Préférences setting in the app,
`--logo` on the command line): read once with Pillow, checked, made small.

The report layer gets a path, never a Qt object. A file that is not an image is
refused with a French message (`BadInput`): the CLI exits 2; the app checks the file
when it is chosen and draws the report without a logo that has since gone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from fieldvisit.core.errors import BadInput
from fieldvisit.core.files import os_reason

MAX_PIXELS = 800  # the longer side: ample for 45 mm at 300 dpi
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Logo:
    png: bytes
    width: int
    height: int


def load_logo(path: Path) -> Logo:
    """The image at `path` as a small PNG (transparency kept); BadInput if unusable."""
    from PIL import Image

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadInput(
                f"Le logo {path} est trop lourd ({size // 1_000_000} Mo ; 20 Mo au plus)."
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise BadInput(
            f"Le logo {path} est un dossier : choisissez une image PNG ou JPEG."
        ) from None
    except OSError as exc:
        raise BadInput(f"Le logo {path} ne peut pas être lu ({os_reason(exc)}).") from None
    try:  # the bytes are in hand: any failure now is the file's content
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = image.convert("RGBA")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise BadInput(
            f"Le fichier {path} n'est pas une image lisible : choisissez un logo PNG ou JPEG."
        ) from None
    picture.thumbnail((MAX_PIXELS, MAX_PIXELS))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return Logo(out.getvalue(), picture.width, picture.height)
