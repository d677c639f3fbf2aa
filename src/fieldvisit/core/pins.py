"""Where an observation is pinned on the plan of its visit (`observations.pin`).

`{"x": 0.42, "y": 0.17}`: fractions (0–1) of the plan image's width and height from its
top left corner, so the same pin fits the plan on screen, a thumbnail and the report
whatever their size (a plan replaced by one of another size keeps its pins where
they were on the town). One field, not two: a sync merge never pairs the x of one version
with the y of another. Qt-free; the server checks pushed values with `pin_problem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: `attachments.role` of the plan of the town centre (a photo has none)
PLAN_ROLE = "plan"


@dataclass(frozen=True)
class Pin:
    x: float
    y: float

    def as_json(self) -> dict[str, float]:
        return {"x": round(self.x, 5), "y": round(self.y, 5)}


def pin_problem(value: Any) -> str | None:
    """Why a stored value is not a pin (French), or None if it is one."""
    if not isinstance(value, dict) or set(value) != {"x", "y"}:
        return "position sur le plan attendue ({x, y})"
    for name in ("x", "y"):
        number = value[name]
        if isinstance(number, bool) or not isinstance(number, int | float):
            return f"{name} non numérique"
        if not 0.0 <= number <= 1.0:
            return f"{name} hors de 0 à 1"
    return None


def parse_pin(value: Any) -> Pin | None:
    """The pin of a stored value (None: not pinned, or not a valid pin)."""
    if value is None or pin_problem(value):
        return None
    return Pin(float(value["x"]), float(value["y"]))


def pin_centre(
    pin: tuple[float, float], width: float, height: float, radius: float
) -> tuple[float, float]:
    """Where a pin's disc is drawn on an image of width × height, from the top left:
    at its fractions of the image, moved in just enough for the whole disc to be on it
    (a pin on the edge, or a plan replaced by a narrower one, never spills over)."""
    x = min(max(pin[0] * width, radius), max(width - radius, radius))
    y = min(max(pin[1] * height, radius), max(height - radius, radius))
    return x, y
