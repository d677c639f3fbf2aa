"""The « sentiment d'insécurité » ratings, on one scale so the report can compare them.

The diagnostic asks for the overall intensity of the feeling of insecurity
(`diagnostic-securite.intensite_ressenti`) and the élu guide for the residents' feeling
as the mayor sees it (`entretien-elu.sentiment_insecurite`). From version 3 of both
forms every such item uses the diagnostic's scale of concern (1 faible – 4 très
préoccupant: a design choice, no official scale exists), so that the report sets them
side by side. Older versions (the élu guide's v1 and v2 rated 1–5) keep their scale; a
reading on another scale is shown but not compared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldvisit.forms.enums import ItemType

if TYPE_CHECKING:
    from fieldvisit.forms.schema import FormItem

SENTIMENT_SCALE = 4  # the diagnostic's levels of concern (core.domain.CONCERN_LABELS)
# An item is a « sentiment » item when its id says so: the forms name them this way.
SENTIMENT_WORDS = ("sentiment", "ressenti")


def is_sentiment_item(item: FormItem) -> bool:
    """A rating of the feeling of insecurity (not a rating of a place or a relation)."""
    return item.type == ItemType.rating and any(word in item.id for word in SENTIMENT_WORDS)
