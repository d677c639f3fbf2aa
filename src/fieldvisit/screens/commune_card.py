"""The commune card of the new-visit dialog and of Informations, and what the
diagnostic's part 1 can start from: `opendata/card.py` read once, put into the words
and cells the card shows (French, as the command line's `fieldvisit communes show`).

It reads the data dir's public data (opendata/store.py), not the encrypted store: one
read session there, a fixed number of statements whatever the commune
(tests/screens/test_screens_commune_card.py counts them). When no dataset covers the
commune's département, the card says so and how to import one.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldvisit.opendata.card import CommuneCard, commune_card, french_number
from fieldvisit.opendata.card_text import frr_text, people_text, pvd_text
from fieldvisit.opendata.diagnostic import ConstatProposal, card_trends, propose_constat
from fieldvisit.services.context import Services

HOW_TO_IMPORT = (
    "Aucune donnée publique n'est importée pour ce département. Téléchargez au bureau les "
    "fichiers publiés sur data.gouv.fr (base communale de la délinquance du SSMSI, liste "
    "des Petites Villes de demain, France Ruralités Revitalisation, unités de gendarmerie "
    "accueillant du public), puis menu Fichier › « Importer des données publiques… », ou "
    "en ligne de commande : fieldvisit reference import FICHIER… ; une synchronisation "
    "avec un serveur qui les détient les apporte aussi."
)
COMPLEMENT_RULE = (
    "Les chiffres départementaux du fichier (colonnes complement_info) sont ceux du "
    "département, jamais ceux de la commune : ils ne figurent que sur la ligne « dép. »."
)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class UnitShown:
    """A gendarmerie unit as the card lists it."""

    name: str
    where: str | None  # its commune, when it is not the card's own
    address: str | None
    phone: str | None
    hours: tuple[str, ...]
    url: str | None


@dataclass(frozen=True)
class CrimeRow:
    """One indicator: the commune's cells and the département's rate, year by year."""

    label: str
    unit: str  # « infraction, taux pour 1 000 logements »
    commune: tuple[str, ...]  # « 12 (3,1 ‰) », « non diffusé », « — »
    departement: tuple[str, ...]  # « 4,2 ‰ » or « — »
    published: bool  # at least one year published
    trend: str  # the trend sentence of opendata/diagnostic.py


@dataclass(frozen=True)
class CommuneCardScreen:
    code: str
    title: str  # « Saint-Flour (15187) — Cantal (15), Auvergne-Rhône-Alpes »
    facts: tuple[Fact, ...]  # population, EPCI, PVD, FRR, QPV
    pvd: bool
    imported: bool  # some dataset covers the commune's département
    how_to_import: str | None  # when none does
    gendarmerie: str  # the heading of the units, or why there is none
    units: tuple[UnitShown, ...]
    crime_source: str | None  # « SSMSI, base communale…, Licence Ouverte 2.0 »
    crime_basis: str | None  # the inhabitants and dwellings the rates are on
    crime_missing: str | None
    years: tuple[int, ...]
    crime: tuple[CrimeRow, ...]
    comparison: str | None  # where the département's figures come from
    notes: tuple[str, ...]  # the « non diffusé » rule, the geography of the figures
    proposal: ConstatProposal | None  # part 1 of the diagnostic, proposed
    card: CommuneCard  # the figures themselves (the report's charts)

    @property
    def any_hidden(self) -> bool:
        return any("non diffusé" in cell for row in self.crime for cell in row.commune)


def load_commune_card(svc: Services, code: str) -> CommuneCardScreen:
    """The card of the commune with this INSEE code (NotFound, in French, if unknown)."""
    return card_screen(commune_card(svc.communes, svc.public_data, code))


def card_screen(card: CommuneCard) -> CommuneCardScreen:
    imported = card.pvd.known or card.frr.known or card.gendarmerie.known or card.crime is not None
    population = (
        f"{french_number(card.population, 0)} habitants ({card.population_source})"
        if card.population
        else "non connue"
    )
    facts = [
        Fact("Population", population),
        Fact("Intercommunalité", f"{card.epci_nom} ({card.epci})" if card.epci else "aucune"),
        Fact("Petites Villes de demain", pvd_text(card)),
        Fact("France Ruralités Revitalisation", frr_text(card)),
        Fact("Quartier prioritaire (QPV)", card.qpv),
    ]
    if card.kind:
        facts.insert(0, Fact("Statut", f"{card.kind} de {card.chef_lieu}"))
    title = (
        f"{card.nom} ({card.code}) — {card.departement_nom} ({card.departement}), {card.region_nom}"
    )
    crime = card.crime
    rows: list[CrimeRow] = []
    notes = list(card.notes)
    if crime is not None:
        trends = {trend.label: trend.sentence for trend in card_trends(card)}
        for series in crime.indicators:
            rows.append(
                CrimeRow(
                    label=series.label,
                    unit=f"{series.unit.lower()}, taux {series.rate_unit}",
                    commune=tuple(cell.shown for cell in series.cells),
                    departement=tuple(
                        f"{french_number(cell.departement_rate)} ‰"
                        if cell.departement_rate is not None
                        else "—"
                        for cell in series.cells
                    ),
                    published=series.any_published,
                    trend=trends.get(series.label, ""),
                )
            )
        notes.append(COMPLEMENT_RULE)
        notes.extend(crime.notes)
    return CommuneCardScreen(
        code=card.code,
        title=title,
        facts=tuple(facts),
        pvd=card.pvd.listed,
        imported=imported,
        how_to_import=None if imported else HOW_TO_IMPORT,
        gendarmerie=_gendarmerie_heading(card),
        units=tuple(
            UnitShown(
                name=unit.service or unit.identifiant,
                where=unit.commune_nom if card.gendarmerie.scope == "epci" else None,
                address=unit.adresse,
                phone=unit.telephone,
                hours=tuple(unit.horaires.splitlines()) if unit.horaires else (),
                url=unit.url,
            )
            for unit in card.gendarmerie.units
        ),
        crime_source=crime.source_line if crime is not None else None,
        crime_basis=(
            f"Taux rapportés à {people_text(crime.population, 'habitants')} et "
            f"{people_text(crime.dwellings, 'logements')} ({crime.years[-1]})"
            if crime is not None
            else None
        ),
        crime_missing=card.crime_missing,
        years=crime.years if crime is not None else (),
        crime=tuple(rows),
        comparison=crime.comparison if crime is not None else None,
        notes=tuple(notes),
        proposal=propose_constat(card),
        card=card,
    )


def _gendarmerie_heading(card: CommuneCard) -> str:
    gendarmerie = card.gendarmerie
    if not gendarmerie.known:
        return "Gendarmerie : inconnue (liste des unités accueillant du public non importée)"
    if not gendarmerie.units:
        return (
            "Gendarmerie : aucune unité accueillant du public dans la commune ni dans son "
            "intercommunalité"
        )
    if gendarmerie.scope == "commune":
        return "Gendarmerie : unité(s) de la commune"
    return "Gendarmerie : aucune unité dans la commune ; unités de l'intercommunalité"
