"""Stored JSON objects as a person reads them (history, conflicts): « Donnée
indisponible — <raison> », a funding line « FIPD 6 000 € »."""

from __future__ import annotations

from typing import Any

from fieldvisit.core.action_plan import funding_text
from fieldvisit.core.domain import FundingSource
from fieldvisit.core.unavailable import is_unavailable, unavailable_text


def readable_object(value: dict[str, Any]) -> str | None:
    """The object in words, or None when it is of no known kind."""
    if is_unavailable(value):
        return unavailable_text(value)
    sources = {member.value for member in FundingSource}
    if (
        set(value) == {"source", "amount"}
        and isinstance(value["amount"], int)
        and value["source"] in sources
    ):
        return funding_text([value])
    return None
