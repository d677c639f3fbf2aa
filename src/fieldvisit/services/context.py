"""The object every use case receives: the opened store, the forms, the communes."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.core.clock import Clock, utc_now
from fieldvisit.forms.shapes import FormSource
from fieldvisit.paths import DataDir

if TYPE_CHECKING:
    from fieldvisit.forms import FormCatalogue
    from fieldvisit.forms.progress import FormShape
    from fieldvisit.opendata.store import PublicDataStore
    from fieldvisit.reference import CommuneIndex
    from fieldvisit.security.keysource import KeySource
    from fieldvisit.store import Store
    from fieldvisit.store.models import SyncColumns


def data_dir_forms(data_dir: DataDir, extra_form_dirs: Iterable[Path] = ()) -> FormSource:
    """The forms a data dir's visits use: the shipped ones, then the user's and the
    server's (data_dir.forms), then any extra folder; validated-forms cache in cache/."""
    return FormSource(
        [shipped_forms_dir(), data_dir.forms, *extra_form_dirs], data_dir.cache / "forms.json"
    )


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
        self._forms = FormSource(form_dirs, forms_cache, forms)
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
        from fieldvisit.store import open_store

        store = open_store(data_dir, keys=keys)
        forms = data_dir_forms(data_dir, extra_form_dirs)
        return cls(store, clock=clock, form_dirs=forms.form_dirs, forms_cache=forms.cache_file)

    @property
    def forms(self) -> FormCatalogue:
        """Every form definition (shipped and the user's), loaded on first use."""
        return self._forms.catalogue

    def form_shape(self, form_id: str, version: int) -> FormShape | None:
        """What progress needs of the form (id, version); None if it is not installed
        (forms/shapes.py: from the validated-forms cache until the catalogue is loaded).
        """
        return self._forms.shape(form_id, version)

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
