"""The object every use case receives: the opened store, the forms, the communes."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fieldvisit.core.clock import Clock, utc_now
from fieldvisit.forms import FormCatalogue
from fieldvisit.paths import DataDir, shipped_forms_dir
from fieldvisit.store import Store, open_store
from fieldvisit.store.models import SyncColumns

if TYPE_CHECKING:
    from fieldvisit.reference import CommuneIndex


class Services:
    """Holds what use cases need; made once at start-up and passed down (no globals).

    The communes index is loaded on first use: listing visits never pays for it.
    """

    def __init__(
        self,
        store: Store,
        forms: FormCatalogue,
        clock: Clock = utc_now,
        communes: CommuneIndex | None = None,
    ) -> None:
        self.store = store
        self.forms = forms
        self.clock = clock
        if communes is not None:
            self.__dict__["communes"] = communes

    @classmethod
    def open(
        cls,
        data_dir: DataDir,
        extra_form_dirs: Iterable[Path] = (),
        clock: Clock = utc_now,
    ) -> Services:
        store = open_store(data_dir)
        forms = FormCatalogue.load(
            [shipped_forms_dir(), data_dir.forms, *extra_form_dirs],
            cache_file=data_dir.cache / "forms.json",
        )
        return cls(store, forms, clock)

    @cached_property
    def communes(self) -> CommuneIndex:
        from fieldvisit.reference import CommuneIndex

        return CommuneIndex.load()

    @property
    def data_dir(self) -> DataDir:
        return self.store.data_dir

    def stamp(self, record: SyncColumns, *, new: bool = False) -> None:
        """Mark a record as locally changed: timestamps, device, pending push."""
        now = self.clock()
        if new:
            record.created_at = now
            record.server_version = 0
        record.updated_at = now
        record.updated_by = self.store.device_id
        record.pending = True

    def close(self) -> None:
        self.store.close()
