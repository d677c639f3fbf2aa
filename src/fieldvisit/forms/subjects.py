"""Name the part of a form a problem is about, from a location like ("sections", 2, "items", 3).

Works on raw (possibly invalid) TOML data, so messages stay precise even when the
form could not be validated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Loc = tuple[str | int, ...]


def child(container: object, key: str | int) -> object:
    """container[key] if it exists, else None; never raises on odd data."""
    if isinstance(key, str) and isinstance(container, Mapping):
        return container.get(key)
    if isinstance(key, int) and isinstance(container, Sequence) and not isinstance(container, str):
        return container[key] if 0 <= key < len(container) else None
    return None


def _named(kind: str, raw: object, index: int) -> str:
    raw_id = child(raw, "id")
    if isinstance(raw_id, str) and raw_id:
        return f"{kind} « {raw_id} »"
    return f"{kind} n° {index + 1}"


def subject(data: object, loc: Loc) -> str:
    """French name of what `loc` points into: « élément « x » », « section « y » »…"""
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
        section = child(child(data, "sections"), loc[1])
        if len(loc) >= 4 and loc[2] in ("items", "themes") and isinstance(loc[3], int):
            raw = child(child(section, loc[2]), loc[3])
            kind = "élément" if loc[2] == "items" else "thème"
            name = _named(kind, raw, loc[3])
            if not isinstance(child(raw, "id"), str):
                name += " de la " + _named("section", section, loc[1])
            if len(loc) >= 6 and loc[4] == "choices" and isinstance(loc[5], int):
                name += f", choix n° {loc[5] + 1}"
            return name
        return _named("section", section, loc[1])
    return "formulaire"


def field_name(loc: Sequence[str | int]) -> str | None:
    """The last key name in `loc` (the TOML key a problem is about), if any."""
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return None
