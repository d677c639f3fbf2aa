"""The object every use case receives: the opened store, the forms, the communes."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.core.clock import Clock, utc_now
from fieldvisit.forms.cache import FormOutline, cached_outlines
from fieldvisit.paths import DataDir
from fieldvisit.store import Store, open_store

if TYPE_CHECKING:
    from fieldvisit.forms import FormCatalogue
    from fieldvisit.forms.progress import FormShape
    from fieldvisit.opendata.store import PublicDataStore
    from fieldvisit.reference import CommuneIndex
    from fieldvisit.security.keysource import KeySource
    from fieldvisit.store.models import SyncColumns


class Services:
    """Holds what use cases need; made once at start-up and passed down (no globals).

    Loaded on first use, so that a cold start paints the visit list sooner: the
    communes index, and the forms catalogue (pydantic models; the list's progress
    column reads the forms' shapes from the validated-forms cache instead, see
    `form_shape`).
    """

    def __init__(
        self,
        store: Store,
        forms: FormCatalogue | None = None,
        clock: Clock = utc_now,
        communes: CommuneIndex | None = None,
        *,
        form_dirs: Sequence[Path] = (),
        forms_cache: Path | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self._forms = forms
        self._form_dirs = tuple(form_dirs)
        self._forms_cache = forms_cache
        self._outlines: dict[tuple[str, int], FormOutline] | None = None
        self._forms_lock = threading.Lock()  # the UI thread and the worker both read forms
        self.viewer_folder: Path | None = None  # plain copies for the system's viewer
        if communes is not None:
            self.__dict__["communes"] = communes

    @classmethod
    def open(
        cls,
        data_dir: DataDir,
        extra_form_dirs: Iterable[Path] = (),
        clock: Clock = utc_now,
        keys: KeySource | None = None,
    ) -> Services:
        """Open the data dir's store; the forms are read when first needed.

        `keys` finds the encryption key (default: the OS keyring, else a passphrase
        from FIELDVISIT_PASSPHRASE or the terminal; the app passes its dialog's)."""
        store = open_store(data_dir, keys=keys)
        return cls(
            store,
            clock=clock,
            form_dirs=[shipped_forms_dir(), data_dir.forms, *extra_form_dirs],
            forms_cache=data_dir.cache / "forms.json",
        )

    @property
    def forms(self) -> FormCatalogue:
        """Every form definition (shipped and the user's), loaded on first use."""
        with self._forms_lock:
            if self._forms is None:
                from fieldvisit.forms import FormCatalogue

                self._forms = FormCatalogue.load(self._form_dirs, cache_file=self._forms_cache)
            return self._forms

    def form_shape(self, form_id: str, version: int) -> FormShape | None:
        """What progress needs of the form (id, version); None if it is not installed.

        Answered from the loaded catalogue, or else from the validated-forms cache
        without loading the catalogue (when every form file is cached unchanged).
        """
        with self._forms_lock:
            catalogue = self._forms
            if catalogue is None and self._forms_cache is not None:
                if self._outlines is None:
                    self._outlines = cached_outlines(self._form_dirs, self._forms_cache)
                if self._outlines is not None:
                    outline = self._outlines.get((form_id, version))
                    return outline.shape if outline is not None else None
        forms = catalogue if catalogue is not None else self.forms
        if (form_id, version) not in forms:
            return None
        return forms.get(form_id, version).shape

    def warm_up(self) -> None:
        """Load what the first opened visit needs (forms, ORM models) ahead of time."""
        import fieldvisit.store.models  # noqa: F401

        _ = self.forms

    @cached_property
    def communes(self) -> CommuneIndex:
        from fieldvisit.reference import CommuneIndex

        return CommuneIndex.load()

    @cached_property
    def public_data(self) -> PublicDataStore:
        """The public datasets of the data dir (a plain SQLite file beside the store,
        opened on first read: opendata/store.py)."""
        from fieldvisit.opendata.store import PublicDataStore

        return PublicDataStore.of(self.data_dir)

    @property
    def data_dir(self) -> DataDir:
        return self.store.data_dir

    def stamp(self, record: SyncColumns, *, new: bool = False) -> None:
        """Mark a record as changed by a person's edit: timestamps, device, pending push.

        A record of an issued visit is refused (services/issued_guard.py)."""
        from sqlalchemy.orm import object_session  # not at import: the list's cold start

        from fieldvisit.services.issued_guard import check_editable

        check_editable(object_session(record) or self.store.open_session(), record)
        self.mark_changed(record, new=new)

    def mark_changed(self, record: SyncColumns, *, new: bool = False) -> None:
        """Mark a record as locally changed, unchecked (bookkeeping: merges, undoing a
        deletion), so that it is pushed."""
        now = self.clock()
        if new:
            record.created_at = now
            record.server_version = 0
        record.updated_at = now
        record.updated_by = self.store.device_id
        record.pending = True

    def close(self) -> None:
        """Close the store; the plain copies made for the system's viewer go with it
        (services/thumbnails.py: viewable_copy)."""
        self.store.close()
        public_data = self.__dict__.pop("public_data", None)
        if public_data is not None:
            public_data.close()
        folder, self.viewer_folder = self.viewer_folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
