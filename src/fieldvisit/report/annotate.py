"""The shapes of an annotation drawn over a photo with Pillow, for the report.

The annotation dialog (ui/photos/annotation_dialog.py) draws the same shapes with
QPainter; both follow the same geometry, in fractions of the upright photo, so that
what the person drew is what the report prints: lines 0.6 % of the long side thick,
arrow heads 4 % long at ±28°, texts 4 % high on a dark band (readable on any photo).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from fieldvisit.assets import asset_path
from fieldvisit.core.annotation import Shape

LINE_FRACTION = 0.006
HEAD_FRACTION = 0.04
HEAD_ANGLE = math.radians(28)
TEXT_FRACTION = 0.04


def draw_annotation(image: Image.Image, shapes: Sequence[Shape]) -> Image.Image:
    """A copy of `image` (RGB) with the shapes drawn over it."""
    out = image.convert("RGB") if image.mode != "RGB" else image.copy()
    if not shapes:
        return out
    draw = ImageDraw.Draw(out)
    width, height = out.size
    long_side = max(width, height)
    line = max(2, round(long_side * LINE_FRACTION))
    font = _font(max(10, round(long_side * TEXT_FRACTION)))
    for shape in shapes:
        x1, y1 = shape.x1 * width, shape.y1 * height
        x2, y2 = shape.x2 * width, shape.y2 * height
        box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        if shape.kind == "rect":
            draw.rectangle(box, outline=shape.color, width=line)
        elif shape.kind == "circle":
            draw.ellipse(box, outline=shape.color, width=line)
        elif shape.kind == "arrow":
            draw.line((x1, y1, x2, y2), fill=shape.color, width=line)
            head = long_side * HEAD_FRACTION
            angle = math.atan2(y2 - y1, x2 - x1)
            points = [(x2, y2)]
            for side in (-1, 1):
                a = angle + math.pi + side * HEAD_ANGLE
                points.append((x2 + head * math.cos(a), y2 + head * math.sin(a)))
            draw.polygon(points, fill=shape.color)
        elif shape.kind == "text":
            left, top, right, bottom = draw.textbbox((x1, y1), shape.text, font=font)
            pad = line
            draw.rectangle((left - pad, top - pad, right + pad, bottom + pad), fill="#000000")
            draw.text((x1, y1), shape.text, fill=shape.color, font=font)
    return out


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(asset_path("resources", "fonts", "DejaVuSans.ttf")), size)
    except OSError:
        return ImageFont.load_default(size)
