"""Reading the values of published files: commune codes, numbers with a decimal comma,
`NA`, dates written either way. Each function returns None for an empty or `NA` cell
and raises ValueError (with a French message) for anything it would have to guess."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from fieldvisit.core.territories import departement_of_commune

_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MISSING = frozenset({"", "NA", "N/A", "na", "NaN"})


def commune_code(text: str) -> tuple[str, str]:
    """(INSEE code, département) of a cell. A code that lost its leading zero in a
    spreadsheet ("1053" for 01053) gets it back; anything else is refused."""
    code = text.strip().upper()
    if len(code) == 4 and code.isdigit():
        code = "0" + code
    departement = departement_of_commune(code) if _CODE.match(code) else None
    if departement is None:
        raise ValueError(f"code commune INSEE invalide « {text.strip()[:20]} »")
    return code, departement


def postal_code(text: str) -> str | None:
    """A postal code as published; one that lost its leading zero in a spreadsheet
    ("1000" for 01000, Bourg-en-Bresse) gets it back. Kept as text otherwise (CEDEX
    codes and the like are not checked: they are only shown)."""
    code = " ".join(text.split())
    if len(code) == 4 and code.isdigit():
        return "0" + code
    return code or None


def number(text: str, what: str) -> float | None:
    """A non-negative number written with a decimal comma or point; None for NA."""
    if text in MISSING:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        stripped = text.strip()
        if stripped in MISSING:
            return None
        try:  # a thousands separator ("1 234,5") from a spreadsheet
            value = float(stripped.replace(",", ".").replace("\u202f", "").replace(" ", ""))
        except ValueError:
            raise ValueError(f"{what} : nombre illisible « {text[:20]} »") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} : valeur impossible « {text[:20]} »")
    return value


def count(text: str, what: str) -> int | None:
    """A whole non-negative number ("12", or "12,0" from a spreadsheet); None for NA."""
    if text in MISSING:
        return None
    try:
        value = int(text)
    except ValueError:
        decimal = number(text, what)
        if decimal is None or decimal != int(decimal):
            raise ValueError(f"{what} : nombre entier attendu, « {text[:20]} » lu") from None
        return int(decimal)
    if value < 0:
        raise ValueError(f"{what} : valeur négative « {text[:20]} »")
    return value


def year(text: str, what: str = "année") -> int:
    """A year of the data: 2000 to 2063 (the range the duplicate check covers)."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{what} : année illisible « {text[:20]} »") from None
    if not 2000 <= value <= 2063:
        raise ValueError(f"{what} : année {value} hors de la période 2000–2063")
    return value


def day(text: str, what: str) -> date | None:
    """A date written 2021-03-15 (ISO, possibly with a time) or 15/03/2021."""
    text = text.strip()
    if text in MISSING:
        return None
    french = _FRENCH_DATE.match(text)
    try:
        if french:
            d, m, y = (int(part) for part in french.groups())
            return date(y, m, d)
        return datetime.fromisoformat(text.replace("T", " ")).date()
    except ValueError:
        raise ValueError(
            f"{what} : date illisible « {text[:20]} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA)"
        ) from None


def text_or_none(text: str) -> str | None:
    """A one-line text cell with its spaces trimmed; None when empty."""
    cleaned = " ".join(text.split())
    return cleaned or None


def lines_or_none(text: str) -> str | None:
    """A text cell that may span lines (opening hours): each line trimmed, blank ones
    dropped; None when empty."""
    kept = [" ".join(line.split()) for line in text.splitlines()]
    cleaned = "\n".join(line for line in kept if line)
    return cleaned or None


def coordinate(text: str, what: str, limit: float) -> float | None:
    """A signed GPS coordinate in degrees, within ±limit; None when empty."""
    text = text.strip()
    if text in MISSING:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{what} : coordonnée illisible « {text[:20]} »") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise ValueError(f"{what} : coordonnée impossible « {text[:20]} »")
    return value
