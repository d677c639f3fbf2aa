"""The commune card: what the public data says about one commune, read in one go.

Plain frozen data, no Qt: the new-visit dialog and the Informations page will draw it,
`fieldvisit communes show` prints it. Rules it keeps:

- a figure the SSMSI did not publish (`ndiff`) is `published=False` with no count and
  no rate: shown « non diffusé », with the rule that explains it, never as 0;
- the departmental figure a file gives with its rows (`complement_info_*`) is only
  ever the département's: it fills `departement_rate`, never the commune's cells;
- the rate unit is per 1,000 dwellings for burglaries, per 1,000 inhabitants otherwise;
- the card says which geography the figures use (the `CODGEO_<year>` of the edition),
  and which former communes, merged since, have figures of their own in it;
- the département comparison says where it comes from: the file's departmental figure
  when it gives one, else a rate computed here over the communes of the département
  whose figures are published in the same edition.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fieldvisit.core.errors import NotFound
from fieldvisit.opendata.store import Part, PublicDataStore, covering_part
from fieldvisit.reference import Commune, CommuneIndex
from fieldvisit.reference.datasets import DATASETS

YEARS_SHOWN = 5
NOT_PUBLISHED = "non diffusé"
NOT_PUBLISHED_RULE = (
    "« non diffusé » : le SSMSI ne publie les chiffres d'une commune pour un indicateur "
    "que si elle a enregistré plus de 5 faits chacune de 3 années successives ; ce n'est "
    "pas zéro (demandez les chiffres à la brigade)."
)
FROM_FILE = "fichier"
COMPUTED = "calcul"


@dataclass(frozen=True)
class Source:
    """Where a part of the card comes from."""

    dataset: str
    title: str
    edition: str
    origin: str  # "fichier" or "serveur"
    source: str
    imported_at: str
    licence: str

    @property
    def line(self) -> str:
        """« Source : … » as the card and the report print it."""
        return f"{self.title}, édition {self.edition}, {self.licence}"


@dataclass(frozen=True)
class Pvd:
    known: bool  # the PVD list is imported for this département
    listed: bool
    date_signature: date | None = None
    id_pvd: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Frr:
    known: bool
    listed: bool  # the commune is in the file (classified or not)
    classement: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class GendarmerieUnit:
    identifiant: str
    service: str | None
    adresse: str | None
    telephone: str | None
    code_postal: str | None
    latitude: float | None
    longitude: float | None
    horaires: str | None
    url: str | None
    commune_code: str
    commune_nom: str | None


@dataclass(frozen=True)
class Gendarmerie:
    known: bool
    # "commune": units in the commune; "epci": none there, those of its intercommunality
    scope: str | None
    units: tuple[GendarmerieUnit, ...] = ()
    source: Source | None = None


@dataclass(frozen=True)
class CrimeCell:
    year: int
    present: bool  # the edition has a row for this commune, year and indicator
    published: bool  # est_diffuse = diff
    count: int | None
    rate: float | None  # per 1,000 inhabitants (dwellings for burglaries)
    departement_rate: float | None
    departement_source: str | None  # "fichier" (complement_info) or "calcul"

    @property
    def shown(self) -> str:
        """The cell as text: « 12 (3,1 ‰) », « non diffusé », « — » (no row)."""
        if not self.present:
            return "—"
        if not self.published:
            return NOT_PUBLISHED
        rate = f" ({french_number(self.rate)} ‰)" if self.rate is not None else ""
        return f"{self.count}{rate}"


@dataclass(frozen=True)
class IndicatorSeries:
    label: str
    unit: str  # unite_de_compte
    per_dwelling: bool
    cells: tuple[CrimeCell, ...]

    @property
    def rate_unit(self) -> str:
        return "pour 1 000 logements" if self.per_dwelling else "pour 1 000 habitants"

    @property
    def any_published(self) -> bool:
        return any(cell.published for cell in self.cells)


@dataclass(frozen=True)
class CrimeFigures:
    source: Source
    geography: int
    years: tuple[int, ...]
    indicators: tuple[IndicatorSeries, ...]
    # Inhabitants and dwellings the rates of the last year are computed on.
    population: float | None
    dwellings: float | None
    comparison: str  # how the département's figures were obtained, in French
    notes: tuple[str, ...] = ()

    @property
    def source_line(self) -> str:
        return source_line(self.source, self.geography, self.years)


@dataclass(frozen=True)
class CommuneCard:
    code: str
    nom: str
    kind: str  # "" for a current commune, else "commune déléguée"…
    chef_lieu: str | None
    departement: str
    departement_nom: str
    region_nom: str
    population: int | None  # population municipale (Etalab reference)
    population_source: str
    epci: str | None
    epci_nom: str | None
    pvd: Pvd
    frr: Frr
    qpv: str  # what is known of a QPV in the commune (no QPV list is imported yet)
    gendarmerie: Gendarmerie
    crime: CrimeFigures | None
    crime_missing: str | None  # why there are no figures, when there are none
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        document = asdict(self)
        if self.crime is not None:
            document["crime"]["source_line"] = self.crime.source_line
            for series, data in zip(
                self.crime.indicators, document["crime"]["indicators"], strict=True
            ):
                data["rate_unit"] = series.rate_unit
                for cell, shown in zip(series.cells, data["cells"], strict=True):
                    shown["shown"] = cell.shown
        return _jsonable(document)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def french_number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def source_line(source: Source, geography: int, years: tuple[int, ...]) -> str:
    """« SSMSI, base communale, édition 2025 (géographie 2025, faits 2020–2024), Licence
    Ouverte 2.0 »: the line under every figure and chart taken from it."""
    period = f"{years[0]}–{years[-1]}" if years else "—"
    return (
        f"SSMSI, base communale de la délinquance enregistrée, édition {geography} "
        f"(géographie au 1er janvier {geography}, faits {period}), {source.licence}"
    )


# --- reading -----------------------------------------------------------------------------


def _source_of(part: Part) -> Source:
    info = DATASETS[part.dataset]
    return Source(
        part.dataset,
        info.title,
        part.edition,
        part.origin,
        part.source,
        part.imported_at,
        info.licence,
    )


def commune_card(index: CommuneIndex, store: PublicDataStore, code: str) -> CommuneCard:
    """The card of the commune with this INSEE code (NotFound for an unknown code)."""
    commune = index.get(code)
    if commune is None:
        raise NotFound(f"Commune inconnue : « {code.strip()[:20]} » (code INSEE à 5 caractères).")
    with store.reading() as db:
        parts = {key: covering_part(db, key, commune.departement) for key in DATASETS}
        pvd = _pvd(db, commune, parts["pvd"])
        frr = _frr(db, commune, parts["frr"])
        gendarmerie = _gendarmerie(db, index, commune, parts["gendarmerie"])
        crime, missing = _crime(db, index, commune, parts["ssmsi"])
    notes = []
    if crime is not None:
        notes.append(NOT_PUBLISHED_RULE)
    millesime = f", millésime {index.millesime}" if index.millesime else ""
    return CommuneCard(
        code=commune.code,
        nom=commune.nom,
        kind=commune.kind_name,
        chef_lieu=commune.chef_lieu,
        departement=commune.departement,
        departement_nom=commune.departement_nom,
        region_nom=commune.region_nom,
        population=commune.population,
        population_source=f"population municipale, Etalab découpage administratif{millesime}",
        epci=commune.epci,
        epci_nom=commune.epci_nom,
        pvd=pvd,
        frr=frr,
        qpv="non renseigné : aucune liste des quartiers prioritaires (QPV) n'est importée",
        gendarmerie=gendarmerie,
        crime=crime,
        crime_missing=missing,
        notes=tuple(notes),
    )


def _pvd(db: sqlite3.Connection, commune: Commune, part: Part | None) -> Pvd:
    if part is None:
        return Pvd(known=False, listed=False)
    row = db.execute(
        "SELECT id_pvd, date_signature FROM pvd WHERE code = ?", (commune.code,)
    ).fetchone()
    if row is None:
        return Pvd(known=True, listed=False, source=_source_of(part))
    signed = date.fromisoformat(row[1]) if row[1] else None
    return Pvd(True, True, signed, row[0], _source_of(part))


def _frr(db: sqlite3.Connection, commune: Commune, part: Part | None) -> Frr:
    if part is None:
        return Frr(known=False, listed=False)
    row = db.execute("SELECT classement FROM frr WHERE code = ?", (commune.code,)).fetchone()
    if row is None:
        return Frr(True, False, None, _source_of(part))
    return Frr(True, True, row[0], _source_of(part))


def _units(db: sqlite3.Connection, index: CommuneIndex, codes: list[str]) -> list[GendarmerieUnit]:
    if not codes:
        return []
    marks = ",".join("?" * len(codes))
    rows = db.execute(
        "SELECT identifiant, service, adresse, telephone, code_postal, latitude, longitude, "
        f"horaires, url, code FROM gendarmerie WHERE code IN ({marks}) ORDER BY service",
        codes,
    ).fetchall()
    units = []
    for ident, service, address, phone, postal, lat, lon, hours, url, code in rows:
        where = index.get(code)
        units.append(
            GendarmerieUnit(
                ident,
                service,
                address,
                phone,
                postal,
                lat,
                lon,
                hours,
                url,
                code,
                where.nom if where else None,
            )
        )
    return units


def _gendarmerie(
    db: sqlite3.Connection, index: CommuneIndex, commune: Commune, part: Part | None
) -> Gendarmerie:
    if part is None:
        return Gendarmerie(known=False, scope=None)
    source = _source_of(part)
    here = _units(db, index, [commune.code])
    if here:
        return Gendarmerie(True, "commune", tuple(here), source)
    if commune.epci:
        members = [c.code for c in index.epci_members(commune.epci) if c.code != commune.code]
        around = _units(db, index, members)
        if around:
            return Gendarmerie(True, "epci", tuple(around), source)
    return Gendarmerie(True, None, (), source)


def _crime(
    db: sqlite3.Connection, index: CommuneIndex, commune: Commune, part: Part | None
) -> tuple[CrimeFigures | None, str | None]:
    if part is None:
        return None, (
            "base communale du SSMSI non importée pour ce département (fieldvisit reference "
            "import, ou synchronisation avec un serveur qui la détient)"
        )
    details = part.details
    geography = int(details.get("geography", 0))
    first, last = details.get("first_year"), details.get("last_year")
    rows = db.execute(
        "SELECT i.id, i.label, i.unit, i.per_dwelling, s.years FROM ssmsi_series s "
        "JOIN ssmsi_indicators i ON i.id = s.indicator WHERE s.code = ? ORDER BY i.id",
        (commune.code,),
    ).fetchall()
    source = _source_of(part)
    if not rows or first is None or last is None:
        return None, (
            f"aucune ligne pour le code {commune.code} dans l'édition « {part.edition} » "
            f"(géographie au 1er janvier {geography}) : commune créée ou renumérotée depuis ?"
        )
    years = tuple(range(max(int(first), int(last) - YEARS_SHOWN + 1), int(last) + 1))
    totals = _departement_totals(db, commune.departement, years)
    indicators = []
    used_file = used_computed = False
    for indicator_id, label, unit, per_dwelling, stored in rows:
        by_year = json.loads(stored)
        cells = []
        for year in years:
            value = by_year.get(str(year))
            dep_rate, dep_source = _departement_rate(totals.get((year, indicator_id)))
            used_file |= dep_source == FROM_FILE
            used_computed |= dep_source == COMPUTED
            if value is None:
                cells.append(CrimeCell(year, False, False, None, None, dep_rate, dep_source))
                continue
            count, rate, published = value
            if not published:  # never a figure: not published is not zero
                count = rate = None
            cells.append(CrimeCell(year, True, bool(published), count, rate, dep_rate, dep_source))
        indicators.append(IndicatorSeries(label, unit, bool(per_dwelling), tuple(cells)))
    people = db.execute(
        "SELECT years FROM ssmsi_communes WHERE code = ?", (commune.code,)
    ).fetchone()
    population = dwellings = None
    if people is not None:
        last_year = json.loads(people[0]).get(str(years[-1]))
        if last_year is not None:
            population, _pop_year, dwellings, _log_year = last_year
    return (
        CrimeFigures(
            source=source,
            geography=geography,
            years=years,
            indicators=tuple(indicators),
            population=population,
            dwellings=dwellings,
            comparison=_comparison_text(used_file, used_computed),
            notes=tuple(_geography_notes(db, index, commune, geography)),
        ),
        None,
    )


def _departement_totals(
    db: sqlite3.Connection, departement: str, years: tuple[int, ...]
) -> dict[tuple[int, int], tuple[Any, ...]]:
    rows = db.execute(
        "SELECT annee, indicator, communes, diffusees, nombre, denominateur, fichier_nombre, "
        "fichier_taux FROM ssmsi_departements WHERE departement = ? AND annee BETWEEN ? AND ?",
        (departement, years[0], years[-1]),
    ).fetchall()
    return {(row[0], row[1]): row[2:] for row in rows}


def _departement_rate(total: tuple[Any, ...] | None) -> tuple[float | None, str | None]:
    if total is None:
        return None, None
    _communes, diffused, count, denominator, _file_count, file_rate = total
    if file_rate is not None:
        return float(file_rate), FROM_FILE
    if diffused and denominator:
        return count / denominator * 1000, COMPUTED
    return None, None


def _comparison_text(used_file: bool, used_computed: bool) -> str:
    parts = []
    if used_file:
        parts.append(
            "« fichier » : chiffre départemental donné par le fichier du SSMSI (colonnes "
            "complement_info), qui n'est jamais celui de la commune"
        )
    if used_computed:
        parts.append(
            "« calcul » : taux calculé par fieldvisit sur les communes du département dont "
            "les chiffres sont diffusés dans la même édition (les autres n'y entrent pas)"
        )
    if not parts:
        return "Département : pas de chiffre départemental dans cette édition."
    return "Département : " + " ; ".join(parts) + "."


def _geography_notes(
    db: sqlite3.Connection, index: CommuneIndex, commune: Commune, geography: int
) -> list[str]:
    notes = [
        f"Chiffres en géographie au 1er janvier {geography} (colonne CODGEO_{geography} du "
        "fichier) : une commune fusionnée depuis y figure encore sous son ancien code."
    ]
    if not commune.is_current and commune.chef_lieu:
        parent = index.get(commune.chef_lieu)
        name = parent.nom if parent else commune.chef_lieu
        notes.append(
            f"{commune.nom} est aujourd'hui {commune.kind_name} de {name} "
            f"({commune.chef_lieu}) : ces chiffres sont les siens, tels qu'en {geography}."
        )
    former = [c for c in index.attached_to(commune.code) if c.code != commune.code]
    if former:
        codes = [c.code for c in former]
        marks = ",".join("?" * len(codes))
        separate = {
            code
            for (code,) in db.execute(
                f"SELECT DISTINCT code FROM ssmsi_series WHERE code IN ({marks})", codes
            )
        }
        listed = [c for c in former if c.code in separate]
        if listed:
            names = ", ".join(f"{c.nom} ({c.code})" for c in listed)
            notes.append(
                f"En géographie {geography}, {names} avai{'en' if len(listed) > 1 else ''}t "
                f"encore {'leurs' if len(listed) > 1 else 'ses'} propres chiffres : ils ne "
                f"sont pas comptés dans ceux de {commune.nom} (communes fusionnées depuis)."
            )
    return notes
