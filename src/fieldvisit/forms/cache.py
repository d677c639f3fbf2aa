"""A cache of forms that passed validation, so that start-up skips TOML parsing.

Parsing the shipped TOML files (tomllib is pure Python) and checking every rule is
most of the cost of opening the app; a form whose file has the same path, size and
modification time as when it was validated is rebuilt from this JSON cache instead.
A missing, stale or unreadable cache is simply rebuilt: it is never a source of truth.

Reading the cache needs no pydantic: `cached_outlines()` gives what the visit list
needs of each form (its shape, forms/progress.py: the sections, items, conditions and
themes its progress column counts) straight from the JSON, so a cold start paints the
list before the form models are even imported (`ValidatedFormCache.get` imports them
when a whole definition is wanted).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldvisit import __version__
from fieldvisit.forms.expressions import ExpressionError
from fieldvisit.forms.files import form_files
from fieldvisit.forms.progress import FormShape

if TYPE_CHECKING:
    from fieldvisit.forms.schema import FormDefinition

CACHE_FORMAT = 1


def _stamp(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_mtime_ns, info.st_size]


@dataclass(frozen=True)
class FormOutline:
    """What the visit list needs of a form, read from the cache without validating it."""

    shape: FormShape

    @property
    def id(self) -> str:
        return self.shape.id

    @property
    def version(self) -> int:
        return self.shape.version

    @property
    def item_count(self) -> int:
        return self.shape.item_count

    @property
    def key(self) -> tuple[str, int]:
        return self.shape.key


class ValidatedFormCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == CACHE_FORMAT and data.get("app") == __version__:
                self._entries = dict(data["entries"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._entries = {}

    def _form_data(self, file: Path) -> Any:
        """The cached JSON of this file's form if the file is unchanged since, else None."""
        entry = self._entries.get(str(file.resolve()))
        if not isinstance(entry, dict) or entry.get("stamp") != _stamp(file):
            return None
        return entry.get("form")

    def get(self, file: Path) -> FormDefinition | None:
        data = self._form_data(file)
        if data is None:
            return None
        from pydantic import ValidationError

        from fieldvisit.forms.schema import SKIP_FORM_RULES, FormDefinition

        try:
            return FormDefinition.model_validate(data, context={SKIP_FORM_RULES: True})
        except (ValidationError, KeyError, TypeError):
            return None

    def outline(self, file: Path) -> FormOutline | None:
        """This file's form outline from the cache; None if the file is not cached as is."""
        data = self._form_data(file)
        try:
            if not isinstance(data["id"], str) or not isinstance(data["version"], int):
                return None
            return FormOutline(FormShape.from_data(data))
        except (KeyError, TypeError, AttributeError, ValueError, ExpressionError):
            return None

    def put(self, file: Path, definition: FormDefinition) -> None:
        stamp = _stamp(file)
        if stamp is None:
            return
        self._entries[str(file.resolve())] = {
            "stamp": stamp,
            "form": definition.model_dump(mode="json"),
        }
        self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed; failing to write it is not an error."""
        if not self._dirty:
            return
        payload = {"format": CACHE_FORMAT, "app": __version__, "entries": self._entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".forms-cache-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False)
            os.replace(tmp, self.path)
            self._dirty = False
        except OSError:
            pass


def cached_outlines(
    dirs: Iterable[Path], cache_file: Path
) -> dict[tuple[str, int], FormOutline] | None:
    """The outline of every form of `dirs`, by (id, version), when the cache holds every
    file unchanged; None as soon as one file is new, changed or was invalid (the caller
    then loads the catalogue, which validates and caches the files again).

    Like the catalogue, the first file defining an (id, version) wins.
    """
    files, _missing = form_files(dirs)
    cache = ValidatedFormCache(cache_file)
    outlines: dict[tuple[str, int], FormOutline] = {}
    for file in files:
        outline = cache.outline(file)
        if outline is None:
            return None
        outlines.setdefault(outline.key, outline)
    return outlines
