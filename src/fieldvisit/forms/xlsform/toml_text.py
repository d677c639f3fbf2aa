"""A form's data as TOML laid out like the shipped forms, for people to read and edit.

One `[[sections]]` block per section and one `[[sections.items]]` block per item, keys
in the order of the shipped forms, choices one per line. Only the shapes a converted
form has (strings, booleans, numbers, lists of choices) are written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_RULE = "# " + "-" * 87
_FORM_KEYS = ("id", "version", "title", "kind", "description")
_SECTION_KEYS = ("id", "title", "description", "repeat", "visible_if")
_ITEM_KEYS = (
    "id",
    "label",
    "type",
    "required",
    "visible_if",
    "help",
    "confidential",
    "min",
    "max",
    "unit",
    "scale",
)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\f": "\\f", "\r": "\\r"}


def _escape(char: str, multiline: bool) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char == "\n":
        return "\n" if multiline else "\\n"
    if ord(char) < 0x20 or ord(char) == 0x7F:
        return f"\\u{ord(char):04x}"
    return char


def string(text: str) -> str:
    """A TOML basic string; a multi-line one (\"\"\") when the text has line breaks."""
    text = text.replace("\r\n", "\n")
    multiline = "\n" in text
    body = "".join(_escape(c, multiline) for c in text)
    return f'"""\n{body}"""' if multiline else f'"{body}"'


def value(data: Any) -> str:
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, int):
        return str(data)
    if isinstance(data, float):  # bounds: `min = 0` as the shipped forms write them
        return str(int(data)) if data.is_integer() else repr(data)
    if isinstance(data, str):
        return string(data)
    raise TypeError(f"no TOML for {type(data).__name__}")


def _keys(table: Mapping[str, Any], order: Iterable[str]) -> list[str]:
    return [f"{key} = {value(table[key])}" for key in order if key in table]


def _choices(choices: list[Mapping[str, str]]) -> list[str]:
    lines = ["choices = ["]
    lines += [f"  {{ id = {string(c['id'])}, label = {string(c['label'])} }}," for c in choices]
    lines.append("]")
    return lines


def _comment(text: str) -> str:
    """A comment line: TOML comments hold no line break nor control character."""
    return "# " + "".join(" " if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text).rstrip()


def form_toml(form: Mapping[str, Any], comments: Iterable[str] = ()) -> str:
    """The TOML text of a form definition given as data (as the loader reads it)."""
    lines = [_comment(line) for line in comments]
    if lines:
        lines.append("")
    lines += _keys(form, _FORM_KEYS)
    for section in form["sections"]:
        lines += ["", _RULE, "[[sections]]", *_keys(section, _SECTION_KEYS)]
        for item in section["items"]:
            lines += ["", "[[sections.items]]", *_keys(item, _ITEM_KEYS)]
            if item.get("choices"):
                lines += _choices(item["choices"])
    return "\n".join(lines) + "\n"
