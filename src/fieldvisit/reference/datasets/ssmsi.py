"""SSMSI, « base statistique communale de la délinquance enregistrée par la police et la
gendarmerie nationales » (Licence Ouverte 2.0), as published on data.gouv.fr.

`;`-separated, decimal comma, `NA` for what is not published, one row per commune ×
year × indicator (× unit of count):

    CODGEO_2025;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;
    insee_pop;insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;
    complement_info_taux

- `CODGEO_<year>`: the commune, in the geography of 1 January of that year (the suffix
  changes with each edition: communes merged since have their own rows in older ones).
- `est_diffuse`: `diff`, or `ndiff` when the commune did not record more than 5 facts in
  each of 3 successive years; then `nombre` and `taux_pour_mille` are `NA`: *not
  published*, never zero. A `ndiff` row with a figure is refused (a shifted column).
- `taux_pour_mille`: per 1,000 inhabitants (`insee_pop`), except burglaries per 1,000
  dwellings (`insee_log`); a rate that fits the other denominator is refused.
- `complement_info_nombre` / `complement_info_taux`: a **departmental** figure given
  with the row; kept as the département's, never shown as the commune's.

About 35,000 communes × 15 indicators × 10 years ≈ 5.2 M rows: the loop below is the
hot path of an import (one pass, no per-row object but a tuple).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from fieldvisit.reference.datasets import values
from fieldvisit.reference.datasets.base import DatasetInfo, DatasetReader, Read
from fieldvisit.reference.datasets.source import PublishedTable

CODGEO = re.compile(r"^codgeo_(\d{4})$")
MAX_INDICATORS = 64  # (indicator, unit) pairs; the duplicate check has a bit for each
FIRST_YEAR = 2000
YEARS = 64
INFO = DatasetInfo(
    key="ssmsi",
    title="Base communale de la délinquance enregistrée (SSMSI)",
    publisher="Service statistique ministériel de la sécurité intérieure (SSMSI)",
    licence="Licence Ouverte 2.0",
    url="https://www.data.gouv.fr/datasets/bases-statistiques-communale-departementale-et-"
    "regionale-de-la-delinquance-enregistree-par-la-police-et-la-gendarmerie-nationales",
)
COLUMNS = (
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
# A published rate may be rounded: it must be within 2 % (or 0.051 ‰) of the count
# over its denominator. Inhabitants and dwellings differ by far more than that.
RATE_TOLERANCE = 0.02
RATE_FLOOR = 0.051
INFINITY = float("inf")
UNREAD = object()


@dataclass(frozen=True)
class Indicator:
    number: int  # its position in this file
    label: str  # "Cambriolages de logement", as published
    unit: str  # unite_de_compte: "Infraction", "Victime", "Véhicule"…
    per_dwelling: bool  # burglaries: per 1,000 dwellings, not inhabitants


def is_per_dwelling(label: str) -> bool:
    """Burglaries are counted per 1,000 dwellings (SSMSI): « Cambriolages de logement »."""
    return label.strip().lower().startswith("cambriolage")


def _rate_fits(rate: float, count: int, denominator: float) -> bool:
    expected = count / denominator * 1000
    return abs(rate - expected) <= max(RATE_FLOOR, RATE_TOLERANCE * expected)


class SsmsiReader(DatasetReader):
    info: ClassVar[DatasetInfo] = INFO
    required: ClassVar[tuple[str, ...]] = ("codgeo_<année>", *COLUMNS)

    @classmethod
    def recognised_columns(cls, names: tuple[str, ...]) -> int:
        found = sum(1 for name in COLUMNS if name in names)
        return found + any(CODGEO.match(name) for name in names)

    @classmethod
    def missing_columns(cls, names: tuple[str, ...]) -> list[str]:
        missing = [name for name in COLUMNS if name not in names]
        if not any(CODGEO.match(name) for name in names):
            missing.insert(0, "CODGEO_<année>")
        return missing

    def __init__(self, table: PublishedTable) -> None:
        super().__init__(table)
        codes = [name for name in table.names if CODGEO.match(name)]
        if len(codes) != 1:
            raise table.error("une seule colonne CODGEO_<année> attendue", 1)
        self.code_column = table.names.index(codes[0])
        match = CODGEO.match(codes[0])
        assert match is not None
        # The geography the communes are in: 1 January of this year.
        self.geography = int(match.group(1))
        self.indicators: list[Indicator] = []
        self.years: set[int] = set()
        self.diffused = 0

    def edition(self, file_name: str) -> str:
        if not self.years:
            return f"géographie {self.geography}"
        return f"géographie {self.geography}, faits {min(self.years)}–{max(self.years)}"

    def summary(self) -> dict[str, Any]:
        return {
            "geography": self.geography,
            "first_year": min(self.years, default=None),
            "last_year": max(self.years, default=None),
            "indicators": [[i.label, i.unit, i.per_dwelling] for i in self.indicators],
        }

    def _indicator(self, label: str, unit: str) -> Indicator:
        label, unit = " ".join(label.split()), " ".join(unit.split())
        if not label:
            raise ValueError("indicateur vide")
        if len(self.indicators) >= MAX_INDICATORS:
            raise ValueError(
                f"plus de {MAX_INDICATORS} couples indicateur / unité de compte : ce n'est "
                "pas la base communale du SSMSI"
            )
        indicator = Indicator(len(self.indicators), label, unit, is_per_dwelling(label))
        self.indicators.append(indicator)
        return indicator

    def __iter__(self) -> Iterator[Read]:  # one flat loop: the hot path of an import
        table = self.table
        col = self.column
        c_code = self.code_column
        c_year, c_ind, c_unit = col["annee"], col["indicateur"], col["unite_de_compte"]
        c_n, c_rate, c_diff = col["nombre"], col["taux_pour_mille"], col["est_diffuse"]
        c_pop, c_popm = col["insee_pop"], col["insee_pop_millesime"]
        c_log, c_logm = col["insee_log"], col["insee_log_millesime"]
        c_cn, c_ct = col["complement_info_nombre"], col["complement_info_taux"]
        width = len(table.header)
        number, count, missing = values.number, values.count, values.MISSING
        last_pop = last_log = last_popm = last_logm = None
        pop = dwellings = None
        pop_year = log_year = None
        # Departmental figures repeat over the communes of a département.
        complements: dict[str, object] = {}
        known: dict[tuple[str, str], Indicator] = {}
        years: dict[str, int] = {}
        # Duplicate check: one bit per (indicator, year) of each commune.
        seen: dict[str, bytearray] = {}
        last_raw = None
        code = departement = ""
        bits = bytearray()
        departements = self.departements
        rows = diffused = 0
        with table.guard():
            for row in table.reader:
                if len(row) != width:
                    fitted = table.fit(row)
                    if fitted is None:
                        continue
                    row = fitted
                try:
                    raw_code = row[c_code]
                    if raw_code != last_raw:
                        code, departement = values.commune_code(raw_code)
                        last_raw = raw_code
                        departements.add(departement)
                        bits = seen.get(code) or seen.setdefault(
                            code, bytearray(MAX_INDICATORS * YEARS // 8)
                        )
                    year = years.get(row[c_year])
                    if year is None:
                        year = years[row[c_year]] = values.year(row[c_year].strip())
                    pair = (row[c_ind], row[c_unit])
                    indicator = known.get(pair)
                    if indicator is None:
                        indicator = known[pair] = self._indicator(*pair)
                    bit = indicator.number * YEARS + year - FIRST_YEAR
                    if bits[bit >> 3] & (1 << (bit & 7)):
                        raise ValueError(
                            f"ligne en double : commune {code}, {year}, « {indicator.label} » "
                            f"({indicator.unit})"
                        )
                    bits[bit >> 3] |= 1 << (bit & 7)
                    # Inhabitants and dwellings repeat over a commune-year's rows.
                    if row[c_pop] != last_pop:
                        last_pop = row[c_pop]
                        pop = number(last_pop, "insee_pop")
                    if row[c_log] != last_log:
                        last_log = row[c_log]
                        dwellings = number(last_log, "insee_log")
                    if row[c_popm] != last_popm:
                        last_popm = row[c_popm]
                        pop_year = count(last_popm, "insee_pop_millesime")
                    if row[c_logm] != last_logm:
                        last_logm = row[c_logm]
                        log_year = count(last_logm, "insee_log_millesime")
                    state = row[c_diff]
                    if state != "diff" and state != "ndiff":
                        state = state.strip().lower()
                        if state not in ("diff", "ndiff"):
                            raise ValueError(
                                f"est_diffuse : « {row[c_diff][:20]} » au lieu de diff ou ndiff"
                            )
                    if state == "diff":
                        text = row[c_n]
                        facts: int | None
                        try:
                            facts = int(text)
                        except ValueError:
                            facts = count(text, "nombre")
                        if facts is None:
                            raise ValueError("donnée diffusée (diff) sans nombre")
                        if facts < 0:
                            raise ValueError(f"nombre : valeur négative « {text[:20]} »")
                        text = row[c_rate]
                        if text == "NA":
                            rate = None
                        else:
                            try:
                                rate = float(text.replace(",", "."))
                            except ValueError:
                                rate = number(text, "taux_pour_mille")
                            if rate is not None and not 0 <= rate < INFINITY:
                                raise ValueError(
                                    f"taux_pour_mille : valeur impossible « {text[:20]} »"
                                )
                        denominator = dwellings if indicator.per_dwelling else pop
                        if (
                            rate is not None
                            and denominator
                            and not _rate_fits(rate, facts, denominator)
                        ):
                            raise ValueError(_rate_problem(indicator, facts, rate, pop, dwellings))
                        diffused += 1
                        published = True
                    else:
                        if (row[c_n] not in missing or row[c_rate] not in missing) and (
                            number(row[c_n], "nombre") is not None
                            or number(row[c_rate], "taux_pour_mille") is not None
                        ):
                            raise ValueError(
                                "donnée non diffusée (ndiff) avec un nombre ou un taux : "
                                "colonnes décalées ou fichier modifié"
                            )
                        facts = rate = None
                        published = False
                    text = row[c_cn]
                    if text == "NA":
                        extra_count = None
                    else:
                        extra_count = complements.get(text, UNREAD)
                        if extra_count is UNREAD:
                            extra_count = complements[text] = number(text, "complement_info_nombre")
                    text = row[c_ct]
                    if text == "NA":
                        extra_rate = None
                    else:
                        extra_rate = complements.get(text, UNREAD)
                        if extra_rate is UNREAD:
                            extra_rate = complements[text] = number(text, "complement_info_taux")
                    yield (
                        departement,
                        row,
                        (
                            code,
                            indicator.number,
                            year,
                            facts,
                            rate,
                            published,
                            pop,
                            pop_year,
                            dwellings,
                            log_year,
                            extra_count,
                            extra_rate,
                        ),
                    )
                    rows += 1
                except ValueError as err:
                    raise table.error(str(err)) from None
        self.rows, self.diffused = rows, diffused
        self.years = set(years.values())
        self.check_not_empty()


def _rate_problem(
    indicator: Indicator, facts: int, rate: float, pop: float | None, dwellings: float | None
) -> str:
    other = pop if indicator.per_dwelling else dwellings
    if other and _rate_fits(rate, facts, other):
        if indicator.per_dwelling:
            return (
                f"« {indicator.label} » : taux rapporté aux habitants, alors que les "
                "cambriolages se comptent pour 1 000 logements (insee_log)"
            )
        return (
            f"« {indicator.label} » : taux rapporté aux logements au lieu des habitants (insee_pop)"
        )
    per = "logements" if indicator.per_dwelling else "habitants"
    denominator = dwellings if indicator.per_dwelling else pop
    return (
        f"« {indicator.label} » : taux {rate:g} ‰ incohérent avec {facts} faits pour "
        f"{denominator or 0:g} {per}"
    )
