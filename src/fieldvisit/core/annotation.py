"""Annotations of a photo as data: arrows, circles, rectangles and short texts.

An annotation is stored on the attachment record (`attachments.annotation`, synced),
never burnt into the photo: the original file stays as it was taken, and each laptop
draws the annotated rendition itself (report/annotate.py with Pillow, the annotation
dialog with QPainter). Coordinates are fractions (0–1) of the *upright* photo's width
and height, so the same shapes fit a thumbnail, the dialog and the report's rendition.

JSON shape (what the wire carries and the server checks with `annotation_problem`):

    {"v": 1, "shapes": [{"k": "arrow", "p": [x1, y1, x2, y2], "c": "#e53935", "t": ""}]}

`k` is one of SHAPE_KINDS; `p` the two corners (rectangle, circle: its bounding box),
the tail and the head (arrow), or the anchor twice (text); `t` the text of a text.
Qt-free and used by the server (it imports only `core` and `sync.wire`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

FORMAT_VERSION = 1
SHAPE_KINDS: tuple[str, ...] = ("arrow", "circle", "rect", "text")
MAX_SHAPES = 200
MAX_TEXT_CHARS = 120
COLOR_RE = re.compile(r"^#[0-9a-f]{6}$")
DEFAULT_COLOR = "#e53935"
#: the colours the dialog offers (red for what is wrong, yellow and white to stand out)
COLORS: tuple[str, ...] = ("#e53935", "#fdd835", "#ffffff", "#1e88e5")


@dataclass(frozen=True)
class Shape:
    kind: str
    x1: float
    y1: float
    x2: float
    y2: float
    color: str = DEFAULT_COLOR
    text: str = ""

    def as_json(self) -> dict[str, Any]:
        points = [round(v, 5) for v in (self.x1, self.y1, self.x2, self.y2)]
        return {"k": self.kind, "p": points, "c": self.color, "t": self.text}


def annotation_value(shapes: tuple[Shape, ...] | list[Shape]) -> dict[str, Any] | None:
    """The stored value of these shapes (None when there is none)."""
    if not shapes:
        return None
    return {"v": FORMAT_VERSION, "shapes": [shape.as_json() for shape in shapes]}


def annotation_problem(value: Any) -> str | None:
    """Why a stored value is not an annotation (French), or None if it is one."""
    if not isinstance(value, dict) or set(value) != {"v", "shapes"}:
        return "annotation attendue ({v, shapes})"
    if value["v"] != FORMAT_VERSION or isinstance(value["v"], bool):
        return f"version d'annotation inconnue « {str(value['v'])[:20]} »"
    shapes = value["shapes"]
    if not isinstance(shapes, list):
        return "liste de formes attendue"
    if len(shapes) > MAX_SHAPES:
        return f"plus de {MAX_SHAPES} formes"
    for number, shape in enumerate(shapes, 1):
        problem = _shape_problem(shape)
        if problem:
            return f"forme {number} : {problem}"
    return None


def _shape_problem(shape: Any) -> str | None:
    if not isinstance(shape, dict) or set(shape) != {"k", "p", "c", "t"}:
        return "forme attendue ({k, p, c, t})"
    if shape["k"] not in SHAPE_KINDS:
        return f"type de forme inconnu « {str(shape['k'])[:20]} »"
    points = shape["p"]
    if not isinstance(points, list) or len(points) != 4:
        return "quatre coordonnées attendues"
    for point in points:
        if isinstance(point, bool) or not isinstance(point, int | float):
            return "coordonnée non numérique"
        if not 0.0 <= point <= 1.0:
            return "coordonnée hors de la photo (0 à 1)"
    if not isinstance(shape["c"], str) or not COLOR_RE.fullmatch(shape["c"]):
        return "couleur attendue (#rrggbb)"
    text = shape["t"]
    if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
        return f"texte de plus de {MAX_TEXT_CHARS} caractères"
    if shape["k"] == "text" and not text.strip():
        return "texte vide"
    return None


def parse_annotation(value: Any) -> tuple[Shape, ...]:
    """The shapes of a stored value (None: no shape). ValueError (French) if invalid."""
    if value is None:
        return ()
    problem = annotation_problem(value)
    if problem:
        raise ValueError(problem)
    shapes = []
    for s in value["shapes"]:
        x1, y1, x2, y2 = (float(v) for v in s["p"])
        shapes.append(Shape(s["k"], x1, y1, x2, y2, s["c"], s["t"]))
    return tuple(shapes)


def annotation_key(shapes: tuple[Shape, ...]) -> str:
    """A short name of these shapes: annotated renditions are cached under it."""
    text = json.dumps(annotation_value(shapes), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
