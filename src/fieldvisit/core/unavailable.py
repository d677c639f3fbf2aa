"""« Donnée indisponible »: an item answered by saying why its data is missing.

A required item whose data does not exist (a dataset not published for the commune, a
figure nobody holds) must not block a visit. It is answered with the marker
`{"unavailable": "<raison>"}` stored as the answer's value, instead of a value:

- it is one field of the answer, so it syncs, merges, is archived and kept in history
  like any value (a laptop answering the item normally and another marking it
  unavailable is one field changed on both sides: the usual conflict), and answering
  the item normally replaces it;
- it counts as answered (`forms/expressions.is_answered`: a non-empty value), so
  progress and completion take it as an answer; conditions read it as no answer
  (`forms/progress.py`): nothing is known of the item;
- the reason is required: a marker without one is refused (French message).

Here, not in `forms`, because the server checks pushed answers with it (sync/wire.py).
"""

from __future__ import annotations

from typing import Any

from fieldvisit.core.limits import LONG_TEXT_CHARS

UNAVAILABLE_KEY = "unavailable"
UNAVAILABLE_LABEL = "Donnée indisponible"
REASON_MISSING = (
    "Indiquez pourquoi la donnée est indisponible (source absente, chiffre non "
    "communiqué…) : une raison est obligatoire."
)


def unavailable(reason: str) -> dict[str, str]:
    """The marker stored as the answer of an item whose data is unavailable."""
    return {UNAVAILABLE_KEY: reason}


def is_unavailable(value: object) -> bool:
    """Whether a stored answer is the « Donnée indisponible » marker."""
    return type(value) is dict and UNAVAILABLE_KEY in value


def unavailable_reason(value: object) -> str | None:
    """The reason of a « Donnée indisponible » answer; None for any other value."""
    if not is_unavailable(value):
        return None
    assert isinstance(value, dict)
    reason = value[UNAVAILABLE_KEY]
    return reason.strip() if isinstance(reason, str) else ""


def unavailable_text(value: object) -> str:
    """« Donnée indisponible — <raison> », as the report and the exports print it."""
    reason = unavailable_reason(value)
    return f"{UNAVAILABLE_LABEL} — {reason}" if reason else UNAVAILABLE_LABEL


def marker_problem(value: Any) -> str | None:
    """Why an answer's value that is a JSON object is not a valid marker, or None.

    The only object an answer may hold is the marker, with a reason (a text, not blank,
    within the long-text limit) and nothing else."""
    if not isinstance(value, dict):
        return None
    if set(value) != {UNAVAILABLE_KEY}:
        keys = ", ".join(sorted(str(key) for key in value)) or "aucune"
        return f"réponse en objet inattendue (clés : {keys}) ; seul « {UNAVAILABLE_KEY} » est admis"
    reason = value[UNAVAILABLE_KEY]
    if not isinstance(reason, str) or not reason.strip():
        return "« Donnée indisponible » sans raison"
    if len(reason) > LONG_TEXT_CHARS:
        return "raison de « Donnée indisponible » trop longue"
    return None
