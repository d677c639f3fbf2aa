"""Closed vocabularies of form definitions: item types, form kinds, identifier rules."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class ItemType(StrEnum):
    yes_no_na = "yes_no_na"
    single_choice = "single_choice"
    multi_choice = "multi_choice"
    text = "text"
    long_text = "long_text"
    number = "number"
    date = "date"
    rating = "rating"
    photo = "photo"


class FormKind(StrEnum):
    checklist = "checklist"
    interview = "interview"
    diagnostic = "diagnostic"


CHOICE_TYPES = frozenset({ItemType.single_choice, ItemType.multi_choice})
YES_NO_NA_VALUES = ("oui", "non", "na")
YES_NO_NA_LABELS = {"oui": "Oui", "non": "Non", "na": "Sans objet"}

# Item, section and theme ids: referenced from visible_if and stored with answers.
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
# Form ids also name files (visite-centre-bourg.v1.toml), hence the hyphen.
FORM_ID_PATTERN = r"^[a-z][a-z0-9-]*$"
CHOICE_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


def slugify(label: str) -> str:
    """Choice id made from a label: « Très dégradé » -> "tres_degrade"."""
    ascii_text = (
        unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii").lower()
    )
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
