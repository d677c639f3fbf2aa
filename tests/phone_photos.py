"""Photos as phones write them, made in the tests with Pillow and pillow-heif: EXIF date
and time taken (with or without its offset), orientation and a GPS position."""

from __future__ import annotations

import io
import struct
from datetime import datetime
from pathlib import Path

from PIL import Image

# Saint-Flour, rue du Marché (Cantal): north and east
SAINT_FLOUR = (45.03431, 3.08382)


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def phone_exif(
    taken: datetime | None = None,
    offset: str | None = "+01:00",
    gps: tuple[float, float] | None = SAINT_FLOUR,
    orientation: int | None = 1,
) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"
    if orientation is not None:
        exif[0x0112] = orientation
    if taken is not None:
        sub = exif.get_ifd(0x8769)
        sub[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset is not None:
            sub[0x9011] = offset
    if gps is not None:
        lat, lon = gps
        ifd = exif.get_ifd(0x8825)
        ifd[1] = "N" if lat >= 0 else "S"
        ifd[2] = _dms(lat)
        ifd[3] = "E" if lon >= 0 else "W"
        ifd[4] = _dms(lon)
    return exif


def pixels(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """A picture with some detail (a flat colour compresses to nothing)."""
    noise = Image.effect_noise(size, 40 + seed % 20).convert("RGB")
    tint = Image.new("RGB", size, (40 + seed * 37 % 200, 90, 160 - seed * 13 % 120))
    return Image.blend(noise, tint, 0.5)


def phone_jpeg(
    path: Path,
    taken: datetime | None = None,
    *,
    size: tuple[int, int] = (640, 480),
    seed: int = 0,
    quality: int = 85,
    **exif: object,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels(size, seed).save(path, "JPEG", quality=quality, exif=phone_exif(taken, **exif))  # type: ignore[arg-type]
    return path


def phone_heic(path: Path, taken: datetime | None = None, **exif: object) -> Path:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels((320, 240)).save(path, "HEIF", quality=80, exif=phone_exif(taken, **exif).tobytes())  # type: ignore[arg-type]
    return path


def exif_of(data: bytes) -> Image.Exif:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    with Image.open(io.BytesIO(data)) as image:
        return image.getexif()


def gps_of(data: bytes) -> dict:
    return dict(exif_of(data).get_ifd(0x8825))


def scan_data(jpeg: bytes) -> bytes:
    """The compressed image of a JPEG: from its start of scan to the end."""
    index = 2
    while jpeg[index] == 0xFF and jpeg[index + 1] != 0xDA:
        (length,) = struct.unpack(">H", jpeg[index + 2 : index + 4])
        index += 2 + length
    return jpeg[index:]


def with_frame_size(jpeg: bytes, width: int, height: int) -> bytes:
    """The same JPEG claiming another size in its frame header (a 200-MP file without
    200 MP of memory: the import must refuse it from the header)."""
    at = jpeg.index(b"\xff\xc0")
    return jpeg[: at + 5] + struct.pack(">HH", height, width) + jpeg[at + 9 :]
