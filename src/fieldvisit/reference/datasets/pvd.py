"""Programme Petites Villes de demain (ANCT): the list of the communes of the programme.

CSV (`,` or `;` depending on the edition): `insee_com`, `lib_com`, `id_pvd` in some
editions, `date_signature` (of the convention d'adhésion: ISO `2021-03-15` or
`15/03/2021` depending on the edition; empty while not signed); about 1,640 communes.
A commune listed twice with different values is refused; twice the same, kept once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from fieldvisit.reference.datasets import values
from fieldvisit.reference.datasets.base import DatasetInfo, DatasetReader, Read

INFO = DatasetInfo(
    key="pvd",
    title="Petites Villes de demain (liste des communes)",
    publisher="Agence nationale de la cohésion des territoires (ANCT)",
    licence="Licence Ouverte 2.0",
    url="https://www.data.gouv.fr/datasets/programme-petites-villes-de-demain",
)


class PvdReader(DatasetReader):
    info: ClassVar[DatasetInfo] = INFO
    required: ClassVar[tuple[str, ...]] = ("insee_com", "lib_com", "date_signature")

    def __iter__(self) -> Iterator[Read]:
        table = self.table
        c_code, c_name = self.column["insee_com"], self.column["lib_com"]
        c_date, c_id = self.column["date_signature"], self.optional("id_pvd")
        seen: dict[str, tuple[object, ...]] = {}
        with table.guard():
            for row in table.rows():
                try:
                    code, departement = values.commune_code(row[c_code])
                    name = values.text_or_none(row[c_name])
                    if name is None:
                        raise ValueError("lib_com : nom de la commune vide")
                    record = (
                        code,
                        name,
                        values.text_or_none(row[c_id]) if c_id is not None else None,
                        values.day(row[c_date], "date_signature"),
                    )
                except ValueError as err:
                    raise table.error(str(err)) from None
                before = seen.get(code)
                if before is not None:
                    if before != record:
                        raise table.error(f"commune {code} déjà listée avec d'autres valeurs")
                    continue
                seen[code] = record
                self.rows += 1
                self.departements.add(departement)
                yield departement, row, record
        self.check_not_empty()
