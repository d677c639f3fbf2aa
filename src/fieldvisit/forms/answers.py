"""Check and normalise one answer before it is stored (as JSON) for a form item.

See the package docstring for the value each item type takes. `validate_answer`
returns None for "no answer" (None, blank text, empty list, a photo item without
photo): the caller clears the stored answer.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

from fieldvisit.core.limits import LONG_TEXT_CHARS, too_long_message
from fieldvisit.core.unavailable import REASON_MISSING, UNAVAILABLE_KEY, unavailable
from fieldvisit.forms.enums import YES_NO_NA_VALUES, ItemType
from fieldvisit.forms.expressions import is_answered
from fieldvisit.forms.schema import FormItem

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def _name(item: FormItem) -> str:
    return f"l'élément « {item.label} » ({item.id})"


def _yes_no_na(item: FormItem, value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in YES_NO_NA_VALUES:
        return value.strip().lower()
    raise ValueError(
        f"Réponse « {value} » impossible pour {_name(item)} : « oui », « non » ou « na » attendu."
    )


def _unknown_choice(item: FormItem, value: object) -> ValueError:
    possible = ", ".join(item.choice_ids())
    return ValueError(
        f"Choix inconnu « {value} » pour {_name(item)} ; choix possibles : {possible}."
    )


def _single_choice(item: FormItem, value: object) -> object:
    if not isinstance(value, str) or value not in item.choice_ids():
        raise _unknown_choice(item, value)
    return value


def _multi_choice(item: FormItem, value: object) -> object:
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValueError(f"Une liste de choix est attendue pour {_name(item)}, pas « {value} ».")
    for choice_id in value:
        if not isinstance(choice_id, str) or choice_id not in item.choice_ids():
            raise _unknown_choice(item, choice_id)
    # One entry per choice, in the form's order: equal selections store equal JSON.
    return [c for c in item.choice_ids() if c in value]


def _text(item: FormItem, value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f"Un texte est attendu pour {_name(item)}.")
    return value.strip()


def _number(item: FormItem, value: object) -> object:
    number: int | float
    if isinstance(value, str) and _NUMBER.match(value.strip().replace(" ", "")):
        raw = value.strip().replace(" ", "").replace(",", ".")
        number = float(raw) if "." in raw else int(raw)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    else:
        raise ValueError(f"Un nombre est attendu pour {_name(item)}, pas « {value} ».")
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(f"Un nombre fini est attendu pour {_name(item)}.")
    if item.min is not None and number < item.min:
        raise ValueError(f"{number} est inférieur au minimum {item.min:g} pour {_name(item)}.")
    if item.max is not None and number > item.max:
        raise ValueError(f"{number} dépasse le maximum {item.max:g} pour {_name(item)}.")
    return number


def _date(item: FormItem, value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ValueError(f"Date invalide « {value} » pour {_name(item)} : format AAAA-MM-JJ attendu.")


def _rating(item: FormItem, value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= item.scale:
        return value
    raise ValueError(
        f"Note « {value} » impossible pour {_name(item)} : un entier de 1 à {item.scale} attendu."
    )


def _photo(item: FormItem, value: object) -> object:
    if value is True:
        return True
    raise ValueError(
        f"Pour {_name(item)}, indiquez true quand au moins une photo est liée (reçu « {value} »)."
    )


_VALIDATORS: dict[ItemType, Callable[[FormItem, object], object]] = {
    ItemType.yes_no_na: _yes_no_na,
    ItemType.single_choice: _single_choice,
    ItemType.multi_choice: _multi_choice,
    ItemType.text: _text,
    ItemType.long_text: _text,
    ItemType.number: _number,
    ItemType.date: _date,
    ItemType.rating: _rating,
    ItemType.photo: _photo,
}


def _unavailable(item: FormItem, value: dict[object, object]) -> object:
    """The « Donnée indisponible » marker (core/unavailable.py), its reason trimmed."""
    reason = value.get(UNAVAILABLE_KEY)
    if set(value) != {UNAVAILABLE_KEY} or not isinstance(reason, str):
        raise ValueError(f"Réponse impossible pour {_name(item)} : {value}.")
    if not reason.strip():
        raise ValueError(f"{_name(item).capitalize()} : {REASON_MISSING}")
    if len(reason.strip()) > LONG_TEXT_CHARS:
        raise ValueError(
            too_long_message(
                "raison de la donnée indisponible", len(reason.strip()), LONG_TEXT_CHARS
            )
        )
    return unavailable(reason.strip())


def validate_answer(item: FormItem, value: object) -> object:
    """The normalised value to store, None for "no answer"; ValueError (French) if invalid.

    Any item may be answered « Donnée indisponible » with a reason (a dict marker)."""
    if isinstance(value, dict):
        return _unavailable(item, value)
    if not is_answered(value):
        return None
    normalised = _VALIDATORS[item.type](item, value)
    return normalised if is_answered(normalised) else None
