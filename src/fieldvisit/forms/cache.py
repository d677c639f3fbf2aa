"""A cache of forms that passed validation, so that start-up skips TOML parsing.

Parsing the shipped TOML files (tomllib is pure Python) and checking every rule is
most of the cost of opening the app; a form whose file has the same path, size and
modification time as when it was validated is rebuilt from this JSON cache instead.
A missing, stale or unreadable cache is simply rebuilt: it is never a source of truth.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fieldvisit import __version__
from fieldvisit.forms.schema import SKIP_FORM_RULES, FormDefinition

CACHE_FORMAT = 1


def _stamp(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_mtime_ns, info.st_size]


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

    def get(self, file: Path) -> FormDefinition | None:
        entry = self._entries.get(str(file.resolve()))
        if entry is None or entry.get("stamp") != _stamp(file):
            return None
        try:
            return FormDefinition.model_validate(entry["form"], context={SKIP_FORM_RULES: True})
        except (ValidationError, KeyError, TypeError):
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
