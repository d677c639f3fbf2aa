"""Map a location in parsed TOML data, like ("sections", 2, "items", 3, "type"), to its line.

A light scan of the text, run only on files that tomllib already accepted: it follows
table headers (`[a.b]`, `[[a.b]]`, counting array-of-tables entries), `key = value`
lines (dotted and quoted keys included), multi-line strings, and the elements of
(possibly multi-line) arrays such as `choices = [ {…}, {…} ]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fieldvisit.forms.subjects import Loc

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _split_key(text: str) -> tuple[list[str], int] | None:
    """Parse a (dotted, possibly quoted) key at the start of `text`; (parts, end) or None."""
    parts: list[str] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] in "\"'":
            quote = text[pos]
            end = text.find(quote, pos + 1)
            if end < 0:
                return None
            parts.append(text[pos + 1 : end])
            pos = end + 1
        else:
            match = _BARE_KEY.match(text, pos)
            if not match:
                return None
            parts.append(match.group())
            pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


class SourceMap:
    """Line numbers (1-based) of tables, keys and array elements of one TOML text."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Loc, int] = {}
        self._array_sizes: dict[Loc, int] = {}
        self._scan(text)

    def line_of(self, loc: Loc) -> int:
        """Line of `loc`, else of its closest enclosing key or table, else 1."""
        for end in range(len(loc), 0, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1

    def _resolve(self, parts: list[str]) -> Loc:
        """Location of a header path, entering the last entry of arrays of tables."""
        loc: Loc = ()
        for part in parts:
            loc = (*loc, part)
            size = self._array_sizes.get(loc)
            if size:
                loc = (*loc, size - 1)
        return loc

    def _scan(self, text: str) -> None:
        chars = _CharStream(text)
        table: Loc = ()
        while not chars.done:
            chars.skip_blank_and_comments()
            if chars.done:
                break
            line = chars.line
            rest = chars.rest_of_line()
            if rest.startswith("[["):
                parsed = _split_key(rest[2:])
                if parsed:
                    parent = self._resolve(parsed[0][:-1])
                    array = (*parent, parsed[0][-1])
                    index = self._array_sizes.get(array, 0)
                    self._array_sizes[array] = index + 1
                    table = (*array, index)
                    self.lines.setdefault(array, line)
                    self.lines[table] = line
                chars.skip_line()
            elif rest.startswith("["):
                parsed = _split_key(rest[1:])
                if parsed:
                    table = self._resolve(parsed[0])
                    self.lines[table] = line
                chars.skip_line()
            else:
                parsed = _split_key(rest)
                if not parsed or not rest[parsed[1] :].startswith("="):
                    chars.skip_line()
                    continue
                key_loc = (*table, *parsed[0])
                self.lines[key_loc] = line
                chars.advance(parsed[1] + 1)
                for index, element_line in chars.scan_value():
                    self.lines[(*key_loc, index)] = element_line


class _CharStream:
    """Walks TOML text keeping track of the current line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    @property
    def done(self) -> bool:
        return self.pos >= len(self.text)

    def advance(self, count: int = 1) -> None:
        for _ in range(count):
            if self.pos < len(self.text):
                if self.text[self.pos] == "\n":
                    self.line += 1
                self.pos += 1

    def peek(self, count: int = 1) -> str:
        return self.text[self.pos : self.pos + count]

    def rest_of_line(self) -> str:
        end = self.text.find("\n", self.pos)
        return self.text[self.pos : end if end >= 0 else len(self.text)]

    def skip_line(self) -> None:
        while not self.done and self.peek() != "\n":
            self.advance()
        self.advance()

    def skip_blank_and_comments(self) -> None:
        while not self.done:
            char = self.peek()
            if char in " \t\r\n":
                self.advance()
            elif char == "#":
                self.skip_line()
            else:
                return

    def skip_string(self) -> None:
        quote = self.peek()
        triple = self.peek(3) == quote * 3
        self.advance(3 if triple else 1)
        while not self.done:
            if quote == '"' and self.peek() == "\\":
                self.advance(2)
            elif triple and self.peek(3) == quote * 3:
                self.advance(3)
                while self.peek() == quote:  # up to two quotes may close the content
                    self.advance()
                return
            elif not triple and self.peek() == quote:
                self.advance()
                return
            else:
                self.advance()

    def scan_value(self) -> Iterator[tuple[int, int]]:
        """Consume one value; yield (index, line) of each element of a top-level array."""
        depth = 0
        in_array = False  # the value itself is an array (not an inline table)
        expecting_element = False
        index = 0
        while not self.done:
            char = self.peek()
            if char in "\"'":
                if depth == 1 and expecting_element:
                    yield index, self.line
                    expecting_element = False
                self.skip_string()
                if depth == 0:
                    return
                continue
            if char == "#":
                if depth == 0:
                    return
                self.skip_line()
                continue
            if char == "\n" and depth == 0:
                return
            if char in " \t\r\n":
                self.advance()
                continue
            if char in "[{":
                if depth == 1 and expecting_element:
                    yield index, self.line
                    expecting_element = False
                depth += 1
                if depth == 1 and char == "[":
                    in_array = expecting_element = True
            elif char in "]}":
                depth -= 1
            elif char == "," and depth == 1 and in_array:
                index += 1
                expecting_element = True
            elif depth == 1 and expecting_element:
                yield index, self.line
                expecting_element = False
            self.advance()
