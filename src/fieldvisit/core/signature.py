"""A signature drawn on screen (`signatures.strokes`), and its picture for the report.

Stored as the strokes the pen drew, not as an image: a few kilobytes in the record
(encrypted with the database, synced like any field), drawn again at any size. A
stroke is a list of `[x, y]` points, fractions (0–1) of the pad's width and height from
its top left corner; the pad is `ASPECT` times wider than high on every screen, so a
signature keeps its shape. One field: a merge never mixes the strokes of two drawings.
Qt-free; the server checks pushed values with `strokes_problem`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

#: width / height of the signature pad, on screen and in the report
ASPECT = 3.0
#: bounds of a drawing (a hand signature is a few hundred points; a record stays small)
MAX_STROKES = 200
MAX_POINTS = 6000
#: decimals kept of each coordinate (1/10,000 of the pad: finer than any screen)
DECIMALS = 4

Strokes = list[list[list[float]]]


def strokes_problem(value: Any) -> str | None:
    """Why a stored value is not a drawing (French), or None if it is one."""
    if not isinstance(value, list) or not value:
        return "tracé de signature attendu (liste de traits)"
    if len(value) > MAX_STROKES:
        return f"plus de {MAX_STROKES} traits"
    points = 0
    for stroke in value:
        if not isinstance(stroke, list) or not stroke:
            return "trait vide ou mal formé"
        points += len(stroke)
        if points > MAX_POINTS:
            return f"plus de {MAX_POINTS} points"
        for point in stroke:
            if not isinstance(point, list) or len(point) != 2:
                return "point attendu ([x, y])"
            for number in point:
                if isinstance(number, bool) or not isinstance(number, int | float):
                    return "coordonnée non numérique"
                if not 0.0 <= number <= 1.0:
                    return "coordonnée hors de 0 à 1"
    return None


def signer_name_problem(value: Any) -> str | None:
    """A signature names its signer: a text that is not blank."""
    if not isinstance(value, str) or not value.strip():
        return "nom du signataire manquant"
    return None


def normalised(strokes: Sequence[Sequence[Sequence[float]]]) -> Strokes:
    """The strokes as stored: points clamped to the pad, rounded, empty strokes left out."""
    kept: Strokes = []
    for stroke in strokes:
        points = [
            [
                round(min(max(float(x), 0.0), 1.0), DECIMALS),
                round(min(max(float(y), 0.0), 1.0), DECIMALS),
            ]
            for x, y in stroke
        ]
        if points:
            kept.append(points)
    return kept


def signature_png(strokes: Any, width: int = 900) -> bytes:
    """The drawing as a PNG (black ink on white), `width` pixels wide, or b"" when the
    value is no drawing. The line width follows the picture's size."""
    from PIL import Image, ImageDraw  # not at import: the server checks without Pillow

    if isinstance(strokes, tuple):  # the report's frozen copy
        strokes = [[list(point) for point in stroke] for stroke in strokes]
    if strokes_problem(strokes):
        return b""
    height = max(1, round(width / ASPECT))
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    line = max(2, round(width / 200))
    for stroke in strokes:
        points = [(x * (width - 1), y * (height - 1)) for x, y in stroke]
        if len(points) == 1:
            (x, y), r = points[0], line / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill="black")
        else:
            draw.line(points, fill="black", width=line, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
