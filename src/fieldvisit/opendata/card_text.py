"""The commune card as text, for `fieldvisit communes show` (French)."""

from __future__ import annotations

from fieldvisit.core.dates import day_text
from fieldvisit.opendata.card import CommuneCard, CrimeFigures, french_number
from fieldvisit.opendata.diagnostic import card_trends

YEAR_WIDTH = 16
LABEL_WIDTH = 20


def people_text(value: float | None, unit: str) -> str:
    if value is None:
        return f"— {unit}"
    digits = 0 if float(value).is_integer() else 1
    return f"{french_number(value, digits)} {unit}"


def render_card(card: CommuneCard) -> str:
    lines = [
        f"{card.nom} ({card.code}) — {card.departement_nom} ({card.departement}), {card.region_nom}"
    ]
    if card.kind:
        lines.append(f"  {card.kind} de {card.chef_lieu}")
    population = (
        f"{french_number(card.population, 0)} habitants" if card.population else "non connue"
    )
    lines.append(f"Population : {population} ({card.population_source})")
    epci = f"{card.epci_nom} ({card.epci})" if card.epci else "aucune connue"
    lines.append(f"Intercommunalité : {epci}")
    lines.append("Petites Villes de demain : " + pvd_text(card))
    lines.append("France Ruralités Revitalisation : " + frr_text(card))
    lines.append(f"Quartier prioritaire (QPV) : {card.qpv}")
    lines.extend(gendarmerie_lines(card))
    lines.extend(_crime(card))
    lines.extend(card.notes)
    return "\n".join(lines)


def pvd_text(card: CommuneCard) -> str:
    pvd = card.pvd
    if not pvd.known:
        return "inconnu (liste PVD non importée)"
    source = f" — {pvd.source.title}, édition « {pvd.source.edition} »" if pvd.source else ""
    if not pvd.listed:
        return "non, la commune n'est pas dans la liste" + source
    signed = (
        f", convention signée le {day_text(pvd.date_signature)}"
        if pvd.date_signature
        else ", convention pas encore signée d'après la liste"
    )
    number = f" ({pvd.id_pvd})" if pvd.id_pvd else ""
    return f"oui{number}{signed}{source}"


def frr_text(card: CommuneCard) -> str:
    frr = card.frr
    if not frr.known:
        return "inconnu (classement FRR non importé)"
    source = f" — édition « {frr.source.edition} »" if frr.source else ""
    if not frr.listed:
        return "commune absente du fichier" + source
    return (frr.classement or "classement non renseigné dans le fichier") + source


def gendarmerie_lines(card: CommuneCard) -> list[str]:
    gendarmerie = card.gendarmerie
    if not gendarmerie.known:
        return ["Gendarmerie : inconnue (liste des unités accueillant du public non importée)"]
    if not gendarmerie.units:
        return [
            "Gendarmerie : aucune unité accueillant du public dans la commune ni dans "
            "son intercommunalité"
        ]
    title = (
        "Gendarmerie (unités de la commune) :"
        if gendarmerie.scope == "commune"
        else "Gendarmerie (aucune unité dans la commune ; unités de l'intercommunalité) :"
    )
    lines = [title]
    for unit in gendarmerie.units:
        where = f" — {unit.commune_nom}" if gendarmerie.scope == "epci" and unit.commune_nom else ""
        lines.append(f"  {unit.service or unit.identifiant}{where}")
        contact = ", ".join(
            part
            for part in (unit.adresse, f"tél. {unit.telephone}" if unit.telephone else None)
            if part
        )
        if contact:
            lines.append(f"    {contact}")
        if unit.horaires:
            hours = unit.horaires.splitlines()
            lines.append(f"    Horaires : {hours[0]}")
            lines.extend(f"               {line}" for line in hours[1:])
        if unit.url:
            lines.append(f"    {unit.url}")
    return lines


def _crime(card: CommuneCard) -> list[str]:
    crime = card.crime
    if crime is None:
        return [f"Délinquance enregistrée : {card.crime_missing}"]
    lines = [f"Délinquance enregistrée — {crime.source_line}"]
    lines.append(
        f"  Rapportée à {people_text(crime.population, 'habitants')} et "
        f"{people_text(crime.dwellings, 'logements')} ({crime.years[-1]})"
    )
    lines.append("    " + " " * LABEL_WIDTH + "".join(f"{y:>{YEAR_WIDTH}}" for y in crime.years))
    lines.extend(_series(crime))
    lines.append("  " + crime.comparison)
    lines.append(
        f"  Tendances {crime.years[0]}–{crime.years[-1]} (proposées pour le « Constat de la "
        "délinquance » du diagnostic) :"
    )
    lines.extend(f"    - {trend.sentence}" for trend in card_trends(card))
    lines.extend(f"  {note}" for note in crime.notes)
    return lines


def _series(crime: CrimeFigures) -> list[str]:
    lines = []
    for series in crime.indicators:
        lines.append(f"  {series.label} ({series.unit.lower()}, taux {series.rate_unit})")
        commune = "".join(f"{cell.shown:>{YEAR_WIDTH}}" for cell in series.cells)
        lines.append(f"    {'commune':<{LABEL_WIDTH}}{commune}")
        sources = {cell.departement_source for cell in series.cells if cell.departement_source}
        label = "dép. " + ("(" + "/".join(sorted(sources)) + ")" if sources else "")
        departement = "".join(
            f"{french_number(cell.departement_rate) + ' ‰':>{YEAR_WIDTH}}"
            if cell.departement_rate is not None
            else f"{'—':>{YEAR_WIDTH}}"
            for cell in series.cells
        )
        lines.append(f"    {label:<{LABEL_WIDTH}}{departement}")
    return lines
