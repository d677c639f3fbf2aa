"""What a photo file says about itself: is it a readable image, when, which way up, where.

`read_photo` opens a file with Pillow (HEIC/HEIF through the pillow-heif plugin,
registered once by `image_plugins`), refuses what cannot be imported with a French
message naming the file — not an image, damaged or truncated (the pixels are decoded,
at 1/8 scale for a JPEG, so a cut-off file is caught at import and not in the report),
a HEIC the decoder cannot read, more than MAX_PHOTO_PIXELS — and reads the EXIF: the
date and time taken, the orientation and the GPS position.

`without_location` removes the GPS of a photo's bytes: losslessly for a JPEG (its EXIF
segment is rewritten without the GPS directory, the image data is copied as it is),
by re-encoding for the other formats (PNG losslessly; HEIC at high quality). It is what
the Préférences ask for the stored photo and every exported copy (services/photo_privacy.py).
"""

from __future__ import annotations

import io
import math
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

from fieldvisit.core.errors import BadInput
from fieldvisit.core.geo import Location

# Phones shoot 12 to 50 megapixels (108 on a few); 200-megapixel modes exist, but such a
# file takes 600 MB once decoded, which a report or a thumbnail must never do by surprise.
MAX_PHOTO_PIXELS = 120_000_000

# EXIF tags (TIFF/EXIF 2.3 numbering)
TAG_ORIENTATION = 0x0112
TAG_DATETIME = 0x0132
IFD_EXIF = 0x8769
IFD_GPS = 0x8825
IFD_INTEROP = 0xA005
TAG_DATETIME_ORIGINAL = 0x9003
TAG_OFFSET_TIME_ORIGINAL = 0x9011
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4

_plugins_ready = False


def image_plugins() -> None:
    """Register the HEIC/HEIF opener with Pillow (once per process)."""
    global _plugins_ready
    if not _plugins_ready:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _plugins_ready = True


@dataclass(frozen=True)
class PhotoFacts:
    media_type: str
    format: str
    width: int
    height: int
    taken_at: datetime | None  # aware UTC
    orientation: int | None  # 1-8, as the EXIF says (None: no tag)
    location: Location | None


def too_large_message(
    name: str, width: int | None = None, height: int | None = None, pixels: int | None = None
) -> str:
    limit = MAX_PHOTO_PIXELS // 1_000_000
    if width and height:
        size = f"{width} × {height} pixels, {width * height / 1_000_000:.0f} mégapixels"
    elif pixels:
        size = f"{pixels / 1_000_000:.0f} mégapixels"
    else:
        size = f"plus de {limit} mégapixels"
    return (
        f"« {name} » est une image trop grande ({size}) : la limite est de {limit} "
        "mégapixels. Réduisez-la (export en taille « grande » du téléphone) puis importez-la."
    )


def read_photo(source: Path | BinaryIO, name: str) -> PhotoFacts:
    """The facts of a photo file; BadInput (French, naming `name`) if it cannot be imported."""
    image_plugins()
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(source) as image:
            fmt = image.format or ""
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise BadInput(too_large_message(name, width, height))
            exif = image.getexif()
            if fmt == "JPEG":
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()  # the whole file decoded: a truncated one fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        # Pillow's own guard (above 179 MP) fires before the size is known to us: its
        # message gives the pixel count.
        counted = re.search(r"\((\d+) pixels\)", str(err))
        pixels = int(counted.group(1)) if counted else None
        raise BadInput(too_large_message(name, pixels=pixels)) from err
    except UnidentifiedImageError as err:
        raise BadInput(
            f"« {name} » n'est pas une image (ni JPEG, ni PNG, ni HEIC) : fichier ignoré."
        ) from err
    except (OSError, ValueError, SyntaxError, struct.error, RuntimeError) as err:
        # pillow-heif raises ValueError/RuntimeError on a HEIC it cannot decode
        kind = "HEIC" if Path(name).suffix.lower() in (".heic", ".heif") else "image"
        raise BadInput(
            f"« {name} » est endommagé ou incomplet : cette {kind} ne peut pas être lue "
            "(copiez-la de nouveau depuis le téléphone)."
        ) from err
    return PhotoFacts(
        media_type=Image.MIME.get(fmt, f"image/{fmt.lower()}"),
        format=fmt,
        width=width,
        height=height,
        taken_at=_taken_at(exif),
        orientation=_orientation(exif),
        location=_location(exif),
    )


def _orientation(exif: Any) -> int | None:
    value = exif.get(TAG_ORIENTATION)
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _taken_at(exif: Any) -> datetime | None:
    """DateTimeOriginal (else DateTime) in UTC. Without OffsetTimeOriginal, the time is
    taken as this computer's local time: the phone and the laptop are on the same walk."""
    try:
        sub = exif.get_ifd(IFD_EXIF)
    except (KeyError, ValueError, TypeError, struct.error):
        sub = {}
    text = sub.get(TAG_DATETIME_ORIGINAL) or exif.get(TAG_DATETIME)
    if not isinstance(text, str):
        return None
    try:
        naive = datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(TAG_OFFSET_TIME_ORIGINAL)
    zone = _offset(offset) if isinstance(offset, str) else None
    try:
        moment = naive.replace(tzinfo=zone) if zone is not None else naive.astimezone()
        return moment.astimezone(UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _offset(text: str) -> timezone | None:
    text = text.strip("\x00 ")
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _location(exif: Any) -> Location | None:
    try:
        gps = exif.get_ifd(IFD_GPS)
    except (KeyError, ValueError, TypeError, struct.error):
        return None
    lat = _degrees(gps.get(GPS_LAT), gps.get(GPS_LAT_REF), "S")
    lon = _degrees(gps.get(GPS_LON), gps.get(GPS_LON_REF), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:
        return None  # "no fix" as some phones write it
    return Location(lat, lon)


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    try:
        parts = [float(part) for part in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if len(parts) != 3 or not all(math.isfinite(part) for part in parts):
        return None
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
    ref_text = ref.strip("\x00 ").upper() if isinstance(ref, str) else ""
    return -degrees if ref_text == negative else degrees


# --- removing the location ---------------------------------------------------------------


def has_location(data: bytes) -> bool:
    image_plugins()
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return _location(image.getexif()) is not None or _xmp_has_gps(data)


def without_location(data: bytes) -> bytes:
    """The photo's bytes without its GPS position (unchanged if it has none)."""
    if data[:2] == b"\xff\xd8":
        return _jpeg_without_gps(data)
    image_plugins()
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        if IFD_GPS not in exif:
            return data
        _load_sub_ifds(exif)
        del exif[IFD_GPS]
        out = io.BytesIO()
        fmt = image.format or "PNG"
        options: dict[str, Any] = {"exif": exif.tobytes()}
        if fmt == "HEIF":
            options["quality"] = 92
        elif fmt == "JPEG":
            options["quality"] = 95
        image.save(out, format=fmt, **options)
    return out.getvalue()


def _load_sub_ifds(exif: Any) -> None:
    """Read the sub-directories into `exif` so that `tobytes()` writes them back."""
    for ifd in (IFD_EXIF, IFD_INTEROP):
        if ifd in exif:
            try:
                exif.get_ifd(ifd)
            except (KeyError, ValueError, TypeError, struct.error):
                del exif[ifd]


def _xmp_has_gps(data: bytes) -> bool:
    return b"exif:GPSLatitude" in data or b"exif:GPSLongitude" in data


def _jpeg_without_gps(data: bytes) -> bytes:
    """Walk the JPEG's segments up to the image data; rewrite its EXIF without the GPS
    directory and leave out an XMP packet that names a GPS position. Everything else,
    the compressed image included, is copied byte for byte."""
    from PIL import Image

    out = bytearray(data[:2])
    index = 2
    changed = False
    while index + 4 <= len(data) and data[index] == 0xFF:
        marker = data[index + 1]
        if marker == 0xDA:  # start of scan: the image data follows, up to the end
            break
        if marker in (0x01, *range(0xD0, 0xD8)) or marker == 0xFF:
            out += data[index : index + 2]
            index += 2
            continue
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        segment = data[index : index + 2 + length]
        payload = segment[4:]
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            exif = Image.Exif()
            exif.load(payload)
            if IFD_GPS in exif:
                _load_sub_ifds(exif)
                del exif[IFD_GPS]
                rewritten = exif.tobytes()
                changed = True
                if len(rewritten) + 2 <= 0xFFFF:
                    segment = b"\xff\xe1" + struct.pack(">H", len(rewritten) + 2) + rewritten
                else:
                    segment = b""
        elif (
            marker == 0xE1
            and b"http://ns.adobe.com/xap/1.0/" in payload[:40]
            and _xmp_has_gps(payload)
        ):
            segment = b""
            changed = True
        out += segment
        index += 2 + length
    if not changed:
        return data
    out += data[index:]
    return bytes(out)
