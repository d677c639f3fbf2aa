"""France Ruralités Revitalisation (FRR, which replaced the ZRR on 1 July 2024): the
classification of each commune.

CSV `;`: `Code_insee`, `Departement`, `Commune` and the classification, whose column
name varies between editions (« Classement », « Classement FRR »…: the first other
column whose name says « class » or « frr »), with values such as « non classée »,
« FRR socle », « FRR+ »; kept as published (an empty one is shown as not given, never
as « non classée »).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from fieldvisit.reference.datasets import values
from fieldvisit.reference.datasets.base import DatasetInfo, DatasetReader, Read
from fieldvisit.reference.datasets.source import PublishedTable

INFO = DatasetInfo(
    key="frr",
    title="France Ruralités Revitalisation (classement des communes)",
    publisher="Agence nationale de la cohésion des territoires (ANCT)",
    licence="Licence Ouverte 2.0",
    url="https://www.data.gouv.fr/datasets/france-ruralites-revitalisation-frr",
)
_NAMED = ("code_insee", "departement", "commune")


def classification_column(names: tuple[str, ...]) -> int | None:
    for index, name in enumerate(names):
        if name not in _NAMED and ("class" in name or "frr" in name):
            return index
    return None


class FrrReader(DatasetReader):
    info: ClassVar[DatasetInfo] = INFO
    required: ClassVar[tuple[str, ...]] = (*_NAMED, "classement")

    @classmethod
    def recognised_columns(cls, names: tuple[str, ...]) -> int:
        found = sum(1 for name in _NAMED if name in names)
        return found + (classification_column(names) is not None)

    @classmethod
    def missing_columns(cls, names: tuple[str, ...]) -> list[str]:
        missing = [name for name in _NAMED if name not in names]
        if classification_column(names) is None:
            missing.append("classement (colonne du classement FRR)")
        return missing

    def __init__(self, table: PublishedTable) -> None:
        super().__init__(table)
        column = classification_column(table.names)
        assert column is not None
        self.classification = column

    def __iter__(self) -> Iterator[Read]:
        table = self.table
        c_code, c_dep = self.column["code_insee"], self.column["departement"]
        c_name, c_class = self.column["commune"], self.classification
        seen: dict[str, tuple[object, ...]] = {}
        with table.guard():
            for row in table.rows():
                try:
                    code, departement = values.commune_code(row[c_code])
                except ValueError as err:
                    raise table.error(str(err)) from None
                record = (
                    code,
                    values.text_or_none(row[c_dep]),
                    values.text_or_none(row[c_name]),
                    values.text_or_none(row[c_class]),
                )
                before = seen.get(code)
                if before is not None:
                    if before != record:
                        raise table.error(f"commune {code} déjà classée autrement")
                    continue
                seen[code] = record
                self.rows += 1
                self.departements.add(departement)
                yield departement, row, record
        self.check_not_empty()
