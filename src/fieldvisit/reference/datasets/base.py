"""What every published dataset has: a name, a source and licence, the columns it is
recognised by, and a reader that turns its rows into records, each with the
département it belongs to (the territory laptops receive it for)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from fieldvisit.reference.datasets.source import PublishedTable

# (département, the row as published, the record read from it)
Read = tuple[str, list[str], tuple[Any, ...]]


@dataclass(frozen=True)
class DatasetInfo:
    key: str  # "ssmsi", "pvd", "frr", "gendarmerie"
    title: str  # French, shown in lists and on the card
    publisher: str
    licence: str
    url: str  # where the file is published


class DatasetReader:
    """Reads one dataset's rows from an opened table. Iterating yields `Read` tuples;
    afterwards `rows` and `departements` say what was read. Duplicates and bad values
    raise DatasetError with the line."""

    info: ClassVar[DatasetInfo]
    # Lower-case names of the columns that must be there.
    required: ClassVar[tuple[str, ...]]

    def __init__(self, table: PublishedTable) -> None:
        self.table = table
        self.column = {name: index for index, name in enumerate(table.names)}
        self.rows = 0
        self.departements: set[str] = set()
        # A server's part of a département without a row (no PVD town there) is empty.
        self.allow_empty = False

    @classmethod
    def recognised_columns(cls, names: tuple[str, ...]) -> int:
        """How many of the required columns this header has (recognition)."""
        return sum(1 for name in cls.required if name in names)

    @classmethod
    def missing_columns(cls, names: tuple[str, ...]) -> list[str]:
        return [name for name in cls.required if name not in names]

    def __iter__(self) -> Iterator[Read]:
        raise NotImplementedError

    def edition(self, file_name: str) -> str:
        """What identifies this edition of the dataset; by default the file's name
        (data.gouv.fr names files by their date), unless the dataset says more."""
        stem = file_name
        for suffix in (".gz", ".csv", ".txt"):
            stem = stem.removesuffix(suffix)
        return stem

    def summary(self) -> dict[str, Any]:
        """Facts about what was read, kept with the dataset (JSON-able)."""
        return {}

    def optional(self, name: str) -> int | None:
        return self.column.get(name)

    def check_not_empty(self) -> None:
        if not self.rows and not self.allow_empty:
            raise self.table.error("aucune ligne de données après l'en-tête", 0)
