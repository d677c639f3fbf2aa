"""Synthetic public data files, written in exactly the formats data.gouv.fr publishes.

Tests and benchmarks use these instead of the real files (none is shipped by a package
this project can install, and the laptops are offline). The values are invented; the
formats follow the published files:

- **SSMSI**, « Bases statistiques communale, départementale et régionale de la
  délinquance enregistrée par la police et la gendarmerie nationales », base communale
  (Service statistique ministériel de la sécurité intérieure; Licence Ouverte 2.0;
  https://www.data.gouv.fr/datasets/bases-statistiques-communale-departementale-et-
  regionale-de-la-delinquance-enregistree-par-la-police-et-la-gendarmerie-nationales):
  `.csv.gz`, `;`, decimal comma, `NA`; columns `CODGEO_<geography year>`, `annee`,
  `indicateur`, `unite_de_compte`, `nombre`, `taux_pour_mille`, `est_diffuse`,
  `insee_pop`, `insee_pop_millesime`, `insee_log`, `insee_log_millesime`,
  `complement_info_nombre`, `complement_info_taux`; rows by commune, year, indicator.
  A commune × indicator is diffused (`diff`) only if it has more than 5 facts in each of
  3 successive years, otherwise `ndiff` with `NA` figures (and, here, a departmental
  figure in `complement_info_*`); burglaries per 1,000 dwellings.
- **Petites Villes de demain** (ANCT; Licence Ouverte 2.0): CSV `insee_com`, `lib_com`,
  `id_pvd` (some editions), `date_signature` (ISO or DD/MM/YYYY by edition).
- **France Ruralités Revitalisation** (ANCT; Licence Ouverte 2.0): CSV `;`
  `Code_insee`, `Departement`, `Commune`, `Classement FRR`.
- **Unités de gendarmerie accueillant du public** (ministère de l'Intérieur; Licence
  Ouverte 2.0): CSV `;` `identifiant_public_unite`, `service`, `adresse_geographique`,
  `telephone`, `departement`, `code_commune_insee`, `voie`, `code_postal`, `commune`,
  `geocodage_epsg`, `geocodage_x`, `geocodage_y`, `geocodage_x_GPS`, `geocodage_y_GPS`,
  `horaires_accueil` (quoted, over several lines), `url`.

Every writer streams (the full SSMSI file is 5.2 M rows) and takes the variations real
files show: gzip or not, UTF-8 with or without BOM or Windows-1252, CRLF, column order.

    python tests/public_data_files.py DIR [--communes N] [--departements 15,43]
        [--geography 2025] [--last-year 2024]

Full size (the benchmark's): `--departements ''` and facts of 2016–2025, about
35,000 communes × 15 indicators × 10 years = 5.2 M rows, ~2 min to write.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import random
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from fieldvisit.reference import CommuneIndex

if TYPE_CHECKING:
    from fieldvisit.opendata.store import PublicDataStore

# The 15 indicators of the base communale (édition 2025), their unit of count and a
# yearly rate per 1,000 (inhabitants; dwellings for burglaries) to draw counts from.
INDICATORS: tuple[tuple[str, str, float], ...] = (
    ("Violences physiques intrafamiliales", "Victime", 3.5),
    ("Violences physiques hors cadre familial", "Victime", 3.0),
    ("Violences sexuelles", "Victime", 1.2),
    ("Vols avec armes", "Infraction", 0.1),
    ("Vols violents sans arme", "Infraction", 0.6),
    ("Vols sans violence contre des personnes", "Victime entendue", 8.0),
    ("Cambriolages de logement", "Infraction", 6.5),
    ("Vols de véhicule", "Véhicule", 2.0),
    ("Vols dans les véhicules", "Véhicule", 4.0),
    ("Vols d'accessoires sur véhicules", "Véhicule", 1.3),
    ("Destructions et dégradations volontaires", "Infraction", 7.0),
    ("Usage de stupéfiants", "Mis en cause", 2.5),
    ("Usage de stupéfiants (AFD)", "Mis en cause", 1.0),
    ("Trafic de stupéfiants", "Mis en cause", 0.4),
    ("Escroqueries et fraudes aux moyens de paiement", "Victime", 6.0),
)
SSMSI_COLUMNS = (
    "annee",
    "indicateur",
    "unite_de_compte",
    "nombre",
    "taux_pour_mille",
    "est_diffuse",
    "insee_pop",
    "insee_pop_millesime",
    "insee_log",
    "insee_log_millesime",
    "complement_info_nombre",
    "complement_info_taux",
)
YEARS = tuple(range(2016, 2025))  # the 2025 edition: facts of 2016 to 2024
GENDARMERIE_COLUMNS = (
    "identifiant_public_unite",
    "service",
    "adresse_geographique",
    "telephone",
    "departement",
    "code_commune_insee",
    "voie",
    "code_postal",
    "commune",
    "geocodage_epsg",
    "geocodage_x",
    "geocodage_y",
    "geocodage_x_GPS",
    "geocodage_y_GPS",
    "horaires_accueil",
    "url",
)
HOURS = (
    "Lundi : 08h00-12h00 14h00-18h00\n"
    "Mardi : 08h00-12h00 14h00-18h00\n"
    "Mercredi : 14h00-18h00\n"
    "Samedi : 09h00-12h00"
)
FRR_CLASSES = ("non classée", "FRR socle", "FRR+", "FRR M")


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int
    communes: int


def decimal(value: float) -> str:
    """A number as the SSMSI writes it: decimal comma, no thousands separator."""
    text = repr(round(value, 12))
    return text.replace(".", ",").removesuffix(",0")


def _communes(
    departements: Iterable[str] | None, limit: int | None, per_departement: int | None = None
) -> list[tuple[str, str, int]]:
    """(code, name, population) of current communes, in code order: at most `limit`, at
    most `per_departement` of each département."""
    wanted = set(departements) if departements is not None else None
    found = sorted(
        (c.code, c.nom, c.population or 0, c.departement)
        for c in CommuneIndex.load()
        if c.is_current and (wanted is None or c.departement in wanted)
    )
    if per_departement is not None:
        taken: dict[str, int] = {}
        kept = []
        for row in found:
            taken[row[3]] = taken.get(row[3], 0) + 1
            if taken[row[3]] <= per_departement:
                kept.append(row)
        found = kept
    chosen = [row[:3] for row in found]
    return chosen[:limit] if limit is not None else chosen


@contextmanager
def _text_out(path: Path, *, compress: bool, encoding: str, newline: str) -> Iterator[IO[str]]:
    raw: IO[bytes] = path.open("wb")
    try:
        binary: IO[bytes] = (
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0)  # type: ignore[assignment]
            if compress
            else raw
        )
        text = io.TextIOWrapper(binary, encoding=encoding, newline=newline, write_through=False)
        try:
            yield text
        finally:
            text.flush()
            text.detach()
            if compress:
                binary.close()
    finally:
        raw.close()


def diffused(counts: Sequence[int]) -> bool:
    """The SSMSI's rule: more than 5 facts in each of 3 successive years."""
    return any(all(n > 5 for n in counts[i : i + 3]) for i in range(len(counts) - 2))


def departmental_figure(departement: str, indicator: str, year: int) -> tuple[float, float]:
    """(count, rate ‰) given with the département's non-diffused rows (synthetic)."""
    digest = hashlib.sha256(f"{departement}/{indicator}/{year}".encode()).digest()
    return 10 + digest[0] % 200, round(0.5 + digest[1] / 25.0, 6)


def ssmsi_rows(
    communes: Sequence[tuple[str, str, int]],
    *,
    years: Sequence[int] = YEARS,
    indicators: Sequence[tuple[str, str, float]] = INDICATORS,
    seed: int = 2025,
) -> Iterator[list[str]]:
    """The data rows of a base communale for these communes (code, name, population)."""
    rng = random.Random(seed)
    for code, _name, population in communes:
        departement = code[:3] if code.startswith("97") else code[:2]
        dwellings = round(population * rng.uniform(0.45, 0.65) + rng.random(), 1)
        scale = rng.uniform(0.3, 1.8)
        series = []
        for _label, _unit, rate in indicators:
            expected = population * rate / 1000 * scale
            counts = [max(0, int(expected * rng.uniform(0.6, 1.4) + rng.random())) for _ in years]
            series.append((counts, diffused(counts)))
        for y, year in enumerate(years):
            for (label, unit, _rate), (counts, shown) in zip(indicators, series, strict=True):
                per_dwelling = label.startswith("Cambriolages")
                denominator = dwellings if per_dwelling else population
                if shown:
                    n = counts[y]
                    rate_text = decimal(n / denominator * 1000) if denominator else "NA"
                    figures = [str(n), rate_text, "diff"]
                    complement = ["NA", "NA"]
                else:
                    figures = ["NA", "NA", "ndiff"]
                    number, rate = departmental_figure(departement, label, year)
                    complement = [str(number), decimal(rate)]
                yield [
                    code,
                    str(year),
                    label,
                    unit,
                    *figures,
                    str(population),
                    str(min(year, 2022) - 1),
                    decimal(dwellings),
                    str(min(year, 2022) - 1),
                    *complement,
                ]


def write_ssmsi(
    path: Path,
    *,
    departements: Iterable[str] | None = None,
    communes: int | None = None,
    per_departement: int | None = None,
    geography: int = 2025,
    years: Sequence[int] = YEARS,
    compress: bool | None = None,
    encoding: str = "utf-8",
    newline: str = "\n",
    rows: Iterable[list[str]] | None = None,
    seed: int = 2025,
) -> Written:
    """A base communale (gzipped when the name ends with .gz)."""
    chosen = _communes(departements, communes, per_departement)
    compress = path.name.endswith(".gz") if compress is None else compress
    header = [f"CODGEO_{geography}", *SSMSI_COLUMNS]
    count = 0
    with _text_out(path, compress=compress, encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for row in rows if rows is not None else ssmsi_rows(chosen, years=years, seed=seed):
            writer.writerow(row)
            count += 1
    return Written(path, count, len(chosen))


def write_pvd(
    path: Path,
    *,
    departements: Iterable[str] | None = ("15", "43"),
    every: int = 20,
    french_dates: bool = False,
    with_id: bool = True,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\n",
    extra: Sequence[Sequence[str]] = (),
) -> Written:
    """The PVD list: every `every`-th commune (the larger ones first), signed in 2021."""
    chosen = sorted(_communes(departements, None), key=lambda c: -c[2])[::every]
    header = ["insee_com", "lib_com", *(["id_pvd"] if with_id else []), "date_signature"]
    count = 0
    with _text_out(path, compress=False, encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
        writer.writerow(header)
        for number, (code, name, _population) in enumerate(chosen, 1):
            day, month = 1 + number % 28, 1 + number % 12
            signed = (
                f"{day:02d}/{month:02d}/2021" if french_dates else f"2021-{month:02d}-{day:02d}"
            )
            writer.writerow([code, name, *([f"PVD-{number:04d}"] if with_id else []), signed])
            count += 1
        for row in extra:
            writer.writerow(row)
            count += 1
    return Written(path, count, len(chosen))


def frr_class(code: str) -> str:
    return FRR_CLASSES[hashlib.sha256(code.encode()).digest()[0] % len(FRR_CLASSES)]


def write_frr(
    path: Path,
    *,
    departements: Iterable[str] | None = ("15", "43"),
    encoding: str = "utf-8",
    newline: str = "\r\n",
    extra: Sequence[Sequence[str]] = (),
) -> Written:
    """Every commune of the départements with its FRR class."""
    chosen = _communes(departements, None)
    count = 0
    with _text_out(path, compress=False, encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator=newline)
        writer.writerow(["Code_insee", "Departement", "Commune", "Classement FRR"])
        for code, name, _population in chosen:
            departement = code[:3] if code.startswith("97") else code[:2]
            writer.writerow([code, departement, name, frr_class(code)])
            count += 1
        for row in extra:
            writer.writerow(row)
            count += 1
    return Written(path, count, len(chosen))


def write_gendarmerie(
    path: Path,
    *,
    departements: Iterable[str] | None = ("15", "43"),
    every: int = 12,
    encoding: str = "utf-8-sig",
    newline: str = "\r\n",
    columns: Sequence[str] = GENDARMERIE_COLUMNS,
    extra: Sequence[dict[str, str]] = (),
) -> Written:
    """A brigade in every `every`-th commune (the larger ones first)."""
    chosen = sorted(_communes(departements, None), key=lambda c: -c[2])[::every]
    count = 0
    with _text_out(path, compress=False, encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        units = [gendarmerie_unit(code, name, n) for n, (code, name, _p) in enumerate(chosen)]
        for unit in [*units, *extra]:
            writer.writerow([unit.get(column, "") for column in columns])
            count += 1
    return Written(path, count, len(chosen))


def gendarmerie_unit(code: str, name: str, number: int) -> dict[str, str]:
    departement = code[:3] if code.startswith("97") else code[:2]
    return {
        "identifiant_public_unite": str(1_000_000 + number),
        "service": f"Brigade de gendarmerie de {name}",
        "adresse_geographique": f"{number + 1} avenue de la République {code} {name.upper()}",
        "telephone": f"04 71 {number % 100:02d} {(number * 7) % 100:02d} 17",
        "departement": departement,
        "code_commune_insee": code,
        "voie": f"{number + 1} avenue de la République",
        "code_postal": code,
        "commune": name,
        "geocodage_epsg": "2154",
        "geocodage_x": "",
        "geocodage_y": "",
        "geocodage_x_GPS": f"{2.5 + number / 1000:.5f}",
        "geocodage_y_GPS": f"{45.0 + number / 1000:.5f}",
        "horaires_accueil": HOURS,
        "url": f"https://lannuaire.service-public.fr/gendarmerie-{code}-01",
    }


def ssmsi_row(
    code: str,
    year: int,
    label: str = "Cambriolages de logement",
    count: int | None = 12,
    *,
    unit: str | None = None,
    pop: float = 2000,
    dwellings: float = 1000.5,
    rate: str | None = None,
    state: str | None = None,
    complement: tuple[str, str] = ("NA", "NA"),
) -> list[str]:
    """One row of a base communale, its rate computed as the SSMSI does (per 1,000
    dwellings for burglaries); `count=None` makes a `ndiff` row."""
    if unit is None:
        unit = next((u for name, u, _r in INDICATORS if name == label), "Infraction")
    denominator = dwellings if label.startswith("Cambriolages") else pop
    if count is None:
        figures = ["NA", "NA", state or "ndiff"]
    else:
        shown = rate if rate is not None else decimal(count / denominator * 1000)
        figures = [str(count), shown, state or "diff"]
    return [
        code,
        str(year),
        label,
        unit,
        *figures,
        decimal(pop),
        "2021",
        decimal(dwellings),
        "2021",
        *complement,
    ]


def write_all(
    directory: Path,
    *,
    departements: Iterable[str] | None,
    communes: int | None = None,
    geography: int = 2025,
    years: Sequence[int] = YEARS,
) -> tuple[Written, ...]:
    """One file of each dataset, named as data.gouv.fr names them, for these
    départements (None: all of France)."""
    directory.mkdir(parents=True, exist_ok=True)
    return (
        write_ssmsi(
            directory / f"donnee-comm-data.gouv-{years[-1]}-geographie{geography}.csv.gz",
            departements=departements,
            communes=communes,
            geography=geography,
            years=years,
        ),
        write_pvd(directory / "liste-pvd.csv", departements=departements),
        write_frr(directory / "communes-frr.csv", departements=departements),
        write_gendarmerie(directory / "unites-gendarmerie.csv", departements=departements),
    )


def import_all(store: PublicDataStore, directory: Path, departements: Iterable[str]) -> None:
    """Write one file of each dataset for these départements and import them (tests)."""
    from datetime import UTC, datetime

    from fieldvisit.opendata.importer import import_file

    for written in write_all(directory, departements=departements):
        import_file(store, written.path, now=datetime(2026, 12, 7, 9, 30, tzinfo=UTC))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--communes", type=int, help="at most this many communes (SSMSI)")
    parser.add_argument("--departements", default="15,43", help="'' for all of France")
    parser.add_argument("--geography", type=int, default=2025, help="the CODGEO_ year")
    parser.add_argument("--last-year", type=int, default=YEARS[-1], help="facts up to")
    args = parser.parse_args(argv)
    departements = [d for d in args.departements.split(",") if d] or None
    files = write_all(
        args.directory,
        departements=departements,
        communes=args.communes,
        geography=args.geography,
        years=range(YEARS[0], args.last_year + 1),
    )
    for written in files:
        print(f"{written.path}: {written.rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
