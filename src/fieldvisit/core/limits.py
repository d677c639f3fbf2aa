"""How long what people type may be: one limit for every long text.

The sync wire (`sync/wire.py: TABLES`, which the server checks) gives each long-text
field this limit; the store refuses a longer value from a person (`store/limits.py`),
and the app's editors stop typing and pasting at it (`ui/widgets/text_limit.py`).

Why 50,000 characters: about twenty pages of notes, more than a day of interviews; and
a record travels in one piece of at most `wire.MAX_RECORD_BYTES` (256 KiB). An answer
holds two long texts (its value and its comment); at 50,000 characters each, escaped
and UTF-8 encoded, it stays well under that size, so a record a person could type is
never refused by the server for its size.
"""

from __future__ import annotations

LONG_TEXT_CHARS = 50_000
# From this share of the limit, the editors show how many characters are left.
NEAR_LIMIT_SHARE = 0.9


def french_number(value: int) -> str:
    """« 50 000 »: thousands grouped by a no-break space."""
    return f"{value:,}".replace(",", "\u00a0")


def too_long_message(label: str, length: int, limit: int) -> str:
    """The French refusal of a text over its limit (services, CLI, sync reports)."""
    return (
        f"Texte trop long ({label}) : {french_number(length)} caractères pour "
        f"{french_number(limit)} au plus. Raccourcissez-le ; rien d'autre n'a changé."
    )
