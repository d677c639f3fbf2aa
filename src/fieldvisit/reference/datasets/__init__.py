"""Public datasets read from the files as data.gouv.fr publishes them.

No Qt, no store: the laptop's importer (`fieldvisit.opendata`) and the server's
(`fieldvisit.server.reference`) read them with the same code. A file is recognised by
its header (`recognise`), then its reader streams it row by row, checking every value
and naming the file, the line and the problem of anything wrong (`DatasetError`).
Each row belongs to a département, the territory laptops receive it for.
"""

from __future__ import annotations

from fieldvisit.reference.datasets.base import DatasetInfo, DatasetReader, Read
from fieldvisit.reference.datasets.frr import FrrReader
from fieldvisit.reference.datasets.gendarmerie import GendarmerieReader
from fieldvisit.reference.datasets.pvd import PvdReader
from fieldvisit.reference.datasets.source import DatasetError, PublishedTable, open_published
from fieldvisit.reference.datasets.ssmsi import SsmsiReader

READERS: tuple[type[DatasetReader], ...] = (SsmsiReader, PvdReader, FrrReader, GendarmerieReader)
DATASETS: dict[str, DatasetInfo] = {reader.info.key: reader.info for reader in READERS}
READER_OF: dict[str, type[DatasetReader]] = {reader.info.key: reader for reader in READERS}
EXPECTED = (
    "base communale SSMSI (CODGEO_<année>, annee, indicateur, nombre, taux_pour_mille, "
    "est_diffuse…), Petites Villes de demain (insee_com, lib_com, date_signature), "
    "France Ruralités Revitalisation (Code_insee, Departement, Commune, classement), "
    "unités de gendarmerie (identifiant_public_unite, service, code_commune_insee…)"
)


def recognise(table: PublishedTable) -> DatasetReader:
    """The reader of the dataset this header belongs to; a DatasetError for a header of
    no known dataset, or of a known one with columns missing (a damaged file)."""
    names = table.names
    for reader in READERS:
        if not reader.missing_columns(names):
            return reader(table)
    # Most of a dataset's columns but not all: that dataset, damaged or cut.
    ranked = sorted(READERS, key=lambda r: r.recognised_columns(names) / len(r.required))
    closest = ranked[-1]
    if closest.recognised_columns(names) * 2 >= len(closest.required):
        missing = ", ".join(closest.missing_columns(names))
        raise DatasetError(
            table.name,
            f"fichier « {closest.info.title} » incomplet : colonne(s) absente(s) : {missing}",
            1,
        )
    shown = ", ".join(table.header[:8]) + (" …" if len(table.header) > 8 else "")
    raise DatasetError(
        table.name,
        f"jeu de données non reconnu d'après son en-tête ({shown}). Attendu : {EXPECTED}",
        1,
    )


__all__ = [
    "DATASETS",
    "READERS",
    "READER_OF",
    "DatasetError",
    "DatasetInfo",
    "DatasetReader",
    "PublishedTable",
    "Read",
    "open_published",
    "recognise",
]
