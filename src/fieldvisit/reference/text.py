"""Normalised spelling of place names, to match what people type against official names.

"Saint-Flour", "saint flour", "SAINT-FLOUR", "st-flour" and "St. Flour" all become
"saint flour". The work is done on one big string for many names at once (C-level
str/bytes operations): normalising the 37,600 commune names one by one would cost more
than the rest of loading the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_COMBINING_RANGES = (
    (0x0300, 0x0370),
    (0x1AB0, 0x1B00),
    (0x1DC0, 0x1E00),
    (0x20D0, 0x2100),
    (0xFE20, 0xFE30),
)
_COMBINING_MARKS = re.compile(
    "["
    + "".join(
        chr(point)
        for start, end in _COMBINING_RANGES
        for point in range(start, end)
        if unicodedata.combining(chr(point))
    )
    + "]+"
)
_LIGATURES = (("œ", "oe"), ("æ", "ae"))
_KEPT_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789\n"
# Every other byte, including the "?" that stands for a non-ASCII character, is a space.
_TO_SPACE = bytes(byte if byte in _KEPT_BYTES else 0x20 for byte in range(256))
_ABBREVIATIONS = ((" st ", " saint "), (" ste ", " sainte "))


def normalise(text: str) -> str:
    """Casefold, strip accents, turn punctuation into spaces, expand "st"/"ste".

    Hyphens, apostrophes (' and ’), dots, underscores and any other character that is not
    a letter or digit become spaces; spaces are collapsed and trimmed. Ligatures œ/æ are
    spelled out; a non-ASCII letter without an ASCII base (ø, ł…) counts as a space.
    The words "st" and "ste" become "saint" and "sainte".
    """
    return _padded_lines(text.replace("\n", " "))[0][1:-1]


def normalise_many(texts: Sequence[str]) -> list[str]:
    """normalise() of each text, computed in bulk."""
    return [line[1:-1] for line in padded_many(texts)]


def padded_many(texts: Sequence[str]) -> list[str]:
    """Normalised texts with one space on each side.

    In a padded name, `" " + word in name` tells whether some word of the name starts
    with `word`.
    """
    if not texts:
        return []
    block = "\n".join(texts)
    if block.count("\n") != len(texts) - 1:  # some text has line breaks of its own
        block = "\n".join(text.replace("\n", " ") for text in texts)
    return _padded_lines(block)


def _padded_lines(block: str) -> list[str]:
    text = unicodedata.normalize("NFKD", block).casefold()
    if not text.isascii():
        for ligature, spelled in _LIGATURES:
            text = text.replace(ligature, spelled)
        text = _COMBINING_MARKS.sub("", text)
    text = text.encode("ascii", "replace").translate(_TO_SPACE).decode("ascii")
    text = " " + text.replace("\n", " \n ") + " "
    while "  " in text:
        text = text.replace("  ", " ")
    for short, full in _ABBREVIATIONS:
        while short in text:  # twice for "st st": replace() skips overlapping matches
            text = text.replace(short, full)
    return text.split("\n")
