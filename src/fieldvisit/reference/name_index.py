"""Word-prefix search over normalised names.

Ids are positions in the list of names given to NameIndex, and the caller orders that
list by rank (most relevant first). So within a tier, "best matches" is simply
"smallest ids", and a search can stop as soon as it has enough of them. Tiers:

1. the whole name equals the query;
2. the name starts with the query;
3. every query word is the start of some word of the name ("st fl" finds Saint-Flour).

Elided articles are also indexed joined to the next word, so "lisle" finds
"L'Isle-sur-la-Sorgue" as well as "l'isle" does.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, repeat
from operator import add, sub

from fieldvisit.reference.text import padded_many

# Sorts after every character that a normalised name can hold.
_PAST_END = "\x7f"
# Elided articles, "l'" and "d'", once normalised.
_ELIDED = ("l", "d")

# Beyond these sizes, sorting the candidates costs more than walking the ids in rank
# order, where matches are then dense enough to be met quickly.
_SORT_AT_MOST = 1500
_UNION_AT_MOST = 3000
# How many ids a walk may visit before falling back to the candidates of the rarest word.
_WALK_BUDGET = 4000


class NameIndex:
    """Names searchable by word prefixes; see the module docstring for the ranking."""

    def __init__(self, names: Sequence[str]) -> None:
        # Built with bulk operations (sorts, map, dict) rather than a loop per name: for
        # 37,600 names, that is the difference between tens and hundreds of ms. What is
        # kept is in tuples of strings and ints, which the garbage collector stops walking
        # after its first pass (a list of 37,600 items costs at each of its passes).
        padded = padded_many(names)
        normalised = [line[1:-1] for line in padded]
        # "" when the name has no elided article; "".startswith(query) is always False.
        joined_names = [""] * len(padded)
        # Each name's words, with a space before and after each, then its joined elisions:
        # `" " + word in haystack` tells whether some word of the name starts with `word`.
        haystacks = padded
        keys = list(normalised)
        key_ids = list(range(len(padded)))
        for position in [i for i, line in enumerate(padded) if " l " in line or " d " in line]:
            joined, glued = _join_elisions(padded[position].split())
            if glued:
                joined_names[position] = joined
                keys.append(joined)
                key_ids.append(position)
                haystacks[position] += " ".join(glued) + " "
        order = sorted(range(len(keys)), key=keys.__getitem__)
        # Whole names (and their joined forms), sorted, for the first two tiers.
        self._keys = tuple(map(keys.__getitem__, order))
        self._key_ids = tuple(map(key_ids.__getitem__, order))

        # The ids of the names holding vocabulary word k are
        # _postings[_starts[k]:_starts[k + 1]], ascending.
        self._vocabulary, self._starts, self._postings = _postings(haystacks)
        self._names = tuple(normalised)
        self._joined = tuple(joined_names)
        self._haystacks = tuple(haystacks)

    def __len__(self) -> int:
        return len(self._names)

    def find(self, query: str, limit: int) -> list[int]:
        """Ids of the `limit` best names for an already normalised query."""
        found: list[int] = []
        if not query or limit < 1:
            return found
        seen: set[int] = set()
        lower = bisect_left(self._keys, query)
        equal_end = bisect_right(self._keys, query, lower)
        tiers = (
            sorted(set(self._key_ids[lower:equal_end])),
            self._starting_with(query, equal_end),
            self._containing_words(query.split()),
        )
        for tier in tiers:
            for position in tier:
                if position not in seen:
                    seen.add(position)
                    found.append(position)
                    if len(found) == limit:
                        return found
        return found

    def _starting_with(self, query: str, lower: int) -> Iterable[int]:
        upper = bisect_left(self._keys, query + _PAST_END, lower)
        if upper - lower <= _SORT_AT_MOST:
            return sorted(set(self._key_ids[lower:upper]))
        return self._walk_starting_with(query)

    def _walk_starting_with(self, query: str) -> Iterator[int]:
        for position, (name, joined) in enumerate(zip(self._names, self._joined, strict=True)):
            if name.startswith(query) or joined.startswith(query):
                yield position

    def _containing_words(self, words: list[str]) -> Iterator[int]:
        ranges = []
        for word in words:
            lower = bisect_left(self._vocabulary, word)
            upper = bisect_left(self._vocabulary, word + _PAST_END, lower)
            first, end = self._starts[lower], self._starts[upper]
            if first == end:
                return
            ranges.append((end - first, first, end, word))
        ranges.sort()
        count, first, end, _ = ranges[0]
        start = 0
        if count > _UNION_AT_MOST:
            # Every word is common: walk the best ids first, they match often.
            start = min(_WALK_BUDGET, len(self._names))
            yield from self._keep_containing(range(start), words)
        candidates = set(self._postings[first:end])
        if start:
            candidates = {position for position in candidates if position >= start}
        others = [word for _, _, _, word in ranges[1:]]
        yield from self._keep_containing(sorted(candidates), others)

    def _keep_containing(self, positions: Iterable[int], words: list[str]) -> Iterator[int]:
        """The positions whose name has, for each word, a word starting with it."""
        matches: Iterable[int] = positions
        for word in words:
            matches = _having(matches, self._haystacks, " " + word)
        return iter(matches)


def _postings(
    haystacks: list[str],
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """Sorted vocabulary, where each word's ids start, and all the ids in one flat tuple."""
    words = " ".join(haystacks).split()
    word_counts = map(sub, map(str.count, haystacks, repeat(" ")), repeat(1))
    word_ids = list(chain.from_iterable(map(repeat, range(len(haystacks)), word_counts)))
    order = sorted(range(len(words)), key=words.__getitem__)  # stable: ids stay ascending
    sorted_words = list(map(words.__getitem__, order))
    # Each word's last index in sorted_words; keys come in first-seen, i.e. sorted, order.
    last_index = dict(zip(sorted_words, range(len(sorted_words)), strict=True))
    starts = (0, *map(add, last_index.values(), repeat(1)))
    return tuple(last_index), starts, tuple(map(word_ids.__getitem__, order))


def _join_elisions(words: list[str]) -> tuple[str, list[str]]:
    """["l", "isle", "sur", "la", "sorgue"] -> ("lisle sur la sorgue", ["lisle"])."""
    joined: list[str] = []
    glued: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in _ELIDED and index + 1 < len(words):
            index += 1
            word += words[index]
            glued.append(word)
        joined.append(word)
        index += 1
    return " ".join(joined), glued


def _having(positions: Iterable[int], haystacks: tuple[str, ...], needle: str) -> Iterator[int]:
    return (position for position in positions if needle in haystacks[position])
