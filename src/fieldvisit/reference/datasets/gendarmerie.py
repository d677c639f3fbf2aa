"""Unités de gendarmerie accueillant du public (ministère de l'Intérieur), with their
address, phone, position and opening hours.

CSV `;`: `identifiant_public_unite`, `service`, `adresse_geographique`, `telephone`,
`departement`, `code_commune_insee`, `voie`, `code_postal`, `commune`,
`geocodage_epsg`, `geocodage_x`, `geocodage_y`, `geocodage_x_GPS` (longitude),
`geocodage_y_GPS` (latitude), `horaires_accueil` (may span lines, quoted), `url`.
Only the first three are required; a unit without a commune code cannot be put on a
commune's card and is left out (counted); a unit listed twice differently is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from fieldvisit.reference.datasets import values
from fieldvisit.reference.datasets.base import DatasetInfo, DatasetReader, Read
from fieldvisit.reference.datasets.source import PublishedTable

INFO = DatasetInfo(
    key="gendarmerie",
    title="Unités de gendarmerie accueillant du public",
    publisher="Ministère de l'Intérieur (Gendarmerie nationale)",
    licence="Licence Ouverte 2.0",
    url="https://www.data.gouv.fr/datasets/liste-des-unites-de-gendarmerie-accueillant-du-"
    "public-comprenant-leur-geolocalisation-et-leurs-horaires-douverture",
)


class GendarmerieReader(DatasetReader):
    info: ClassVar[DatasetInfo] = INFO
    required: ClassVar[tuple[str, ...]] = (
        "identifiant_public_unite",
        "service",
        "code_commune_insee",
    )

    def __init__(self, table: PublishedTable) -> None:
        super().__init__(table)
        self.without_commune = 0

    def summary(self) -> dict[str, object]:
        return {"without_commune": self.without_commune}

    def __iter__(self) -> Iterator[Read]:
        table = self.table
        column = self.column
        c_id, c_service = column["identifiant_public_unite"], column["service"]
        c_code = column["code_commune_insee"]
        optional = {
            name: self.optional(name)
            for name in (
                "adresse_geographique",
                "telephone",
                "code_postal",
                "geocodage_x_gps",
                "geocodage_y_gps",
                "horaires_accueil",
                "url",
            )
        }

        def cell(row: list[str], name: str) -> str:
            index = optional[name]
            return row[index] if index is not None else ""

        seen: dict[str, tuple[object, ...]] = {}
        with table.guard():
            for row in table.rows():
                try:
                    identifier = values.text_or_none(row[c_id])
                    if identifier is None:
                        raise ValueError("identifiant_public_unite vide")
                    if not row[c_code].strip():
                        self.without_commune += 1
                        continue
                    code, departement = values.commune_code(row[c_code])
                    record = (
                        identifier,
                        code,
                        values.text_or_none(row[c_service]),
                        values.text_or_none(cell(row, "adresse_geographique")),
                        values.text_or_none(cell(row, "telephone")),
                        values.postal_code(cell(row, "code_postal")),
                        values.coordinate(cell(row, "geocodage_y_gps"), "geocodage_y_GPS", 90),
                        values.coordinate(cell(row, "geocodage_x_gps"), "geocodage_x_GPS", 180),
                        values.lines_or_none(cell(row, "horaires_accueil")),
                        values.text_or_none(cell(row, "url")),
                    )
                except ValueError as err:
                    raise table.error(str(err)) from None
                before = seen.get(identifier)
                if before is not None:
                    if before != record:
                        raise table.error(f"unité {identifier} déjà listée avec d'autres valeurs")
                    continue
                seen[identifier] = record
                self.rows += 1
                self.departements.add(departement)
                yield departement, row, record
        self.check_not_empty()
