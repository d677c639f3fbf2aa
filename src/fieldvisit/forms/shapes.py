"""A data dir's forms, as the visit list and the use cases ask for them.

The catalogue (pydantic models) is loaded on first use; until then, what progress
needs of a form (its shape, forms/progress.py) comes from the validated-forms cache
without pydantic (forms/cache.py). `Services` holds one (services/context.py); the
command line's bare visit list uses one on its own (services/visit_list.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fieldvisit.forms.cache import FormOutline, cached_outlines

if TYPE_CHECKING:
    from fieldvisit.forms import FormCatalogue
    from fieldvisit.forms.progress import FormShape


class FormSource:
    """The forms of these folders (the first one defining an id and version wins)."""

    def __init__(
        self,
        form_dirs: Sequence[Path],
        cache_file: Path | None,
        catalogue: FormCatalogue | None = None,
    ) -> None:
        self.form_dirs = tuple(form_dirs)
        self.cache_file = cache_file
        self._catalogue = catalogue
        self._outlines: dict[tuple[str, int], FormOutline] | None = None
        self._lock = threading.Lock()  # the UI thread and the worker both read forms

    @property
    def catalogue(self) -> FormCatalogue:
        """Every form definition, loaded (and validated, or read from the cache) on first
        use."""
        with self._lock:
            if self._catalogue is None:
                from fieldvisit.forms import FormCatalogue

                self._catalogue = FormCatalogue.load(self.form_dirs, cache_file=self.cache_file)
            return self._catalogue

    def shape(self, form_id: str, version: int) -> FormShape | None:
        """What progress needs of the form (id, version); None if it is not installed.

        Answered from the loaded catalogue, or else from the validated-forms cache
        without loading the catalogue (when every form file is cached unchanged).
        """
        with self._lock:
            catalogue = self._catalogue
            if catalogue is None and self.cache_file is not None:
                if self._outlines is None:
                    self._outlines = cached_outlines(self.form_dirs, self.cache_file)
                if self._outlines is not None:
                    outline = self._outlines.get((form_id, version))
                    return outline.shape if outline is not None else None
        forms = catalogue if catalogue is not None else self.catalogue
        if (form_id, version) not in forms:
            return None
        return forms.get(form_id, version).shape
