"""French formatting for the report: dates, numbers, answers, file-name slugs."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from fieldvisit.core.dates import day_text, moment_text
from fieldvisit.core.unavailable import is_unavailable, unavailable_text
from fieldvisit.forms import FormItem, ItemType
from fieldvisit.forms.enums import YES_NO_NA_LABELS

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NOT_ANSWERED = "Non renseigné"
NBSP = "\u00a0"  # reportlab never breaks a line there (it does at U+202F)


def long_date(day: date) -> str:
    """« 1er mars 2026 », « 12 mars 2026 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def parse_iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def french_number(value: float) -> str:
    """« 12 500 », « 2,5 »: narrow space between thousands, decimal comma."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", NBSP)
    whole, _, decimals = f"{value:,.6f}".rstrip("0").rstrip(".").partition(".")
    whole = whole.replace(",", NBSP)
    return f"{whole},{decimals}" if decimals else whole


def population_text(population: int | None) -> str:
    return f"{french_number(population)} habitants" if population else "—"


def answer_text(item: FormItem, value: object, photo_count: int = 0) -> str:
    """The answer as a person reads it; "" when there is none."""
    if is_unavailable(value):
        return unavailable_text(value)  # « Donnée indisponible — <raison> »
    if item.type == ItemType.photo:
        if photo_count:
            return f"{photo_count} photo{'s' if photo_count > 1 else ''} (voir l'annexe)"
        return ""
    if value is None or value == "" or value == []:
        return ""
    if item.type == ItemType.yes_no_na:
        return YES_NO_NA_LABELS.get(str(value), str(value))
    if item.type == ItemType.single_choice:
        return _choice(item, str(value))
    if item.type == ItemType.multi_choice and isinstance(value, list):
        return " ; ".join(_choice(item, str(v)) for v in value)
    if item.type == ItemType.number and isinstance(value, int | float):
        unit = f"{NBSP}{item.unit}" if item.unit else ""
        return f"{french_number(value)}{unit}"
    if item.type == ItemType.date:
        day = parse_iso_date(str(value))
        return day_text(day) if day else str(value)
    if item.type == ItemType.rating:
        return f"{value}{NBSP}/{NBSP}{item.scale}"
    return str(value).strip()


def _choice(item: FormItem, choice_id: str) -> str:
    try:
        return item.choice_label(choice_id)
    except KeyError:
        return choice_id  # a choice removed from a later form version: show the code


_BEFORE = re.compile(r" ([:;!?»])")
_AFTER = re.compile(r"« ")


def french_spacing(value: str) -> str:
    """No line break inside « … » nor before : ; ! ? (French typography)."""
    return _AFTER.sub("«" + NBSP, _BEFORE.sub(NBSP + r"\1", value))


def slug(text: str) -> str:
    """File-name part: « Saint-Affrique » -> "saint-affrique", « L'Isle » -> "l-isle"."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "commune"


def timestamp_text(moment: datetime) -> str:
    return moment_text(moment, " à ")
