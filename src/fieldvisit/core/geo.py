"""Where a photo was taken, as stored on its attachment record (`attachments.gps`).

`{"lat": 45.03431, "lon": 3.08382}`: decimal degrees (WGS 84, what phones write in
EXIF), north and east positive. One field, not two: a sync merge never pairs the
latitude of one version with the longitude of another. Qt-free; the server checks
pushed values with `location_problem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float

    def as_json(self) -> dict[str, float]:
        return {"lat": round(self.lat, 6), "lon": round(self.lon, 6)}

    def text(self) -> str:
        """« 45,03431° N, 3,08382° E » (French decimal commas)."""
        lat = f"{abs(self.lat):.5f}".replace(".", ",")
        lon = f"{abs(self.lon):.5f}".replace(".", ",")
        return f"{lat}° {'N' if self.lat >= 0 else 'S'}, {lon}° {'E' if self.lon >= 0 else 'O'}"


def location_problem(value: Any) -> str | None:
    """Why a stored value is not a location (French), or None if it is one."""
    if not isinstance(value, dict) or set(value) != {"lat", "lon"}:
        return "position attendue ({lat, lon})"
    for name, limit in (("lat", 90.0), ("lon", 180.0)):
        number = value[name]
        if isinstance(number, bool) or not isinstance(number, int | float):
            return f"{name} non numérique"
        if not -limit <= number <= limit:
            return f"{name} hors de -{limit:g} à {limit:g}"
    return None


def parse_location(value: Any) -> Location | None:
    """The location of a stored value (None: no location, or not a valid one)."""
    if value is None or location_problem(value):
        return None
    return Location(float(value["lat"]), float(value["lon"]))


@dataclass(frozen=True)
class LocationPolicy:
    """Where a photo's position goes (the Préférences; services/photo_privacy.py says
    what each choice does). Here, in core, so that the Préférences read it without
    importing the services."""

    in_stored_photos: bool = True
    in_shared_copies: bool = False

    def in_report(self, shareable: bool) -> bool:
        """Whether a report of this variant prints the photos' positions."""
        return self.in_shared_copies if shareable else True


DEFAULT_POLICY = LocationPolicy()
