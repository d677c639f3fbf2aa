"""The diagnostic's part 1 (« Constat de la délinquance ») proposed from the SSMSI base,
and the trend series of the report's charts. Qt-free, from a `CommuneCard`.

What is proposed, the person edits: the sources and the period come from the dataset's
edition; the « constat » paragraph says, per indicator, how the last year compares with
the first of the five shown and with the département. Design choices (no official
rule): a change within ±10 % is « stable »; fewer than 10 facts a year is « effectifs
faibles, à lire avec prudence »; the commune is « proche » of the département within
±10 % of its rate. A figure not published is never read as zero: an indicator without
published figures is named as such, with where to get them (the brigade).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldvisit.opendata.card import CommuneCard, CrimeFigures, IndicatorSeries, french_number

STABLE_WITHIN = 0.10
SMALL_COUNT = 10
CLOSE_TO_DEPARTEMENT = 0.10
CHARTS = 6
# The diagnostic's themes (forms/diagnostic-securite, v3) each SSMSI indicator informs,
# the first matching prefix wins. Since 2025 the base splits physical violence into
# intrafamiliale and hors cadre familial, as the v3 themes do; sexual violence is not
# split there, and goes with violence outside the family (the theme's help says so).
THEME_OF_PREFIX: tuple[tuple[str, str], ...] = (
    ("cambriolages", "cambriolages"),
    ("destructions et dégradations", "degradations"),
    ("violences physiques intrafamiliales", "violences_intrafamiliales"),
    ("violences intrafamiliales", "violences_intrafamiliales"),
    ("violences", "violences_hors_cadre_familial"),
    ("usage de stupéfiants", "stupefiants"),
    ("trafic de stupéfiants", "stupefiants"),
    ("escroqueries", "cyber_risques"),
    ("vols", "vols"),
)
# The order indicators are told in: what a référent sûreté looks at first.
PRIORITY = (
    "cambriolages",
    "violences_intrafamiliales",
    "violences_hors_cadre_familial",
    "degradations",
    "vols",
    "stupefiants",
    "cyber_risques",
)
SSMSI_SOURCE = "ssmsi"  # the choice of `sources_consultees`


def theme_of(label: str) -> str | None:
    lowered = label.lower()
    for prefix, theme in THEME_OF_PREFIX:
        if lowered.startswith(prefix):
            return theme
    return None


@dataclass(frozen=True)
class IndicatorTrend:
    label: str
    unit: str
    rate_unit: str
    theme: str | None
    first_year: int
    last_year: int
    first_count: int | None  # None: not published that year
    last_count: int | None
    last_rate: float | None
    departement_rate: float | None  # of the last year
    change: float | None  # relative, first to last year; None when not computable
    direction: str | None  # "hausse", "baisse", "stable"
    published_years: int
    small_numbers: bool
    sentence: str


@dataclass(frozen=True)
class ConstatProposal:
    """What part 1 of the diagnostic can start from; every text is a proposal."""

    sources: tuple[str, ...]  # choices of `sources_consultees`
    source_line: str
    first_year: int
    last_year: int
    periode_analysee: str
    date_donnees: date  # end of the period the data covers
    donnees_non_diffusees: str  # "oui" / "non" (yes_no_na)
    constat: str
    trends: tuple[IndicatorTrend, ...]

    def answers(self) -> dict[str, object]:
        """Proposed values of the items of `diagnostic-securite` part 1, by item id."""
        return {
            "sources_consultees": list(self.sources),
            "date_donnees": self.date_donnees.isoformat(),
            "periode_analysee": self.periode_analysee,
            "donnees_non_diffusees": self.donnees_non_diffusees,
            "constat_synthese": self.constat,
        }


def _percent(change: float) -> str:
    return f"{change * 100:+.0f} %".replace("-", "−")


def indicator_trend(series: IndicatorSeries) -> IndicatorTrend:
    """How one indicator went over the years the card shows, with its sentence."""
    cells = series.cells
    first, last = cells[0], cells[-1]
    published = [cell for cell in cells if cell.published]
    change = direction = None
    if first.published and last.published and first.count is not None and last.count is not None:
        if first.count:
            change = (last.count - first.count) / first.count
            direction = (
                "stable" if abs(change) <= STABLE_WITHIN else "hausse" if change > 0 else "baisse"
            )
        elif last.count:
            direction = "hausse"
        else:
            direction = "stable"
    small = bool(published) and max(cell.count or 0 for cell in published) < SMALL_COUNT
    trend = IndicatorTrend(
        label=series.label,
        unit=series.unit,
        rate_unit=series.rate_unit,
        theme=theme_of(series.label),
        first_year=first.year,
        last_year=last.year,
        first_count=first.count if first.published else None,
        last_count=last.count if last.published else None,
        last_rate=last.rate if last.published else None,
        departement_rate=last.departement_rate,
        change=change,
        direction=direction,
        published_years=len(published),
        small_numbers=small,
        sentence="",
    )
    return _with_sentence(trend)


def _with_sentence(trend: IndicatorTrend) -> IndicatorTrend:
    period = f"{trend.first_year}–{trend.last_year}"
    if trend.published_years == 0:
        text = (
            f"{trend.label} : non diffusé sur {period} (moins de 6 faits trois années de "
            "suite, ce qui n'est pas zéro) : chiffres à demander à la brigade."
        )
    elif trend.last_count is None:
        text = (
            f"{trend.label} : chiffres publiés {trend.published_years} année(s) sur "
            f"{trend.last_year - trend.first_year + 1}, pas en {trend.last_year} : "
            "tendance non calculable."
        )
    else:
        rate = (
            f" ({french_number(trend.last_rate)} {trend.rate_unit})"
            if trend.last_rate is not None
            else ""
        )
        text = f"{trend.label} : {trend.last_count} en {trend.last_year}{rate}"
        if trend.first_count is not None:
            text += f", contre {trend.first_count} en {trend.first_year}"
            if trend.direction == "stable":
                text += " : stable"
            elif trend.direction is not None:
                shown = f" ({_percent(trend.change)})" if trend.change is not None else ""
                text += f" : en {trend.direction}{shown}"
        if trend.departement_rate is not None and trend.last_rate is not None:
            text += f" ; département {french_number(trend.departement_rate)} ‰"
            gap = trend.last_rate - trend.departement_rate
            if abs(gap) <= CLOSE_TO_DEPARTEMENT * trend.departement_rate:
                text += " (proche)"
            else:
                text += " (commune au-dessus)" if gap > 0 else " (commune en dessous)"
        if trend.small_numbers:
            text += " ; effectifs faibles, à lire avec prudence"
        text += "."
    return IndicatorTrend(**{**trend.__dict__, "sentence": text})


def _ordered(trends: list[IndicatorTrend]) -> list[IndicatorTrend]:
    def rank(trend: IndicatorTrend) -> tuple[int, int, int]:
        theme = PRIORITY.index(trend.theme) if trend.theme in PRIORITY else len(PRIORITY)
        return (trend.published_years == 0, theme, -(trend.last_count or 0))

    return sorted(trends, key=rank)


def card_trends(card: CommuneCard) -> tuple[IndicatorTrend, ...]:
    """The trend of each indicator of the card, in the order they are told in
    (published ones first, by theme, then by count); () without figures."""
    if card.crime is None:
        return ()
    return tuple(_ordered([indicator_trend(series) for series in card.crime.indicators]))


def propose_constat(card: CommuneCard) -> ConstatProposal | None:
    """Part 1 proposed from the card's SSMSI figures; None without any."""
    crime = card.crime
    if crime is None or not crime.indicators:
        return None
    trends = card_trends(card)
    first, last = crime.years[0], crime.years[-1]
    told = [t for t in trends if t.published_years]
    hidden = [t.label for t in trends if not t.published_years]
    lines = [
        f"D'après la base communale de la délinquance enregistrée du SSMSI (édition "
        f"{crime.geography}), de {first} à {last}, à {card.nom} :"
    ]
    lines.extend(f"- {trend.sentence}" for trend in told)
    if hidden:
        lines.append(
            "- Non diffusés sur la période (moins de 6 faits trois années de suite, ce qui "
            f"n'est pas zéro) : {', '.join(hidden)} ; chiffres à demander à la brigade."
        )
    lines.append(f"Source : {crime.source_line}.")
    return ConstatProposal(
        sources=(SSMSI_SOURCE,),
        source_line=crime.source_line,
        first_year=first,
        last_year=last,
        periode_analysee=f"{first} à {last} (SSMSI, base communale, édition {crime.geography})",
        date_donnees=date(last, 12, 31),
        donnees_non_diffusees="oui" if _any_hidden(crime) else "non",
        constat="\n".join(lines),
        trends=tuple(trends),
    )


def _any_hidden(crime: CrimeFigures) -> bool:
    return any(
        cell.present and not cell.published for series in crime.indicators for cell in series.cells
    )


@dataclass(frozen=True)
class TrendPoint:
    year: int
    count: int | None  # None: not published (never drawn as 0)
    rate: float | None
    departement_rate: float | None


@dataclass(frozen=True)
class TrendSeries:
    label: str
    unit: str
    rate_unit: str
    theme: str | None
    points: tuple[TrendPoint, ...]
    source_line: str


def trend_series(
    card: CommuneCard, labels: tuple[str, ...] | None = None, limit: int = CHARTS
) -> tuple[TrendSeries, ...]:
    """The series of the report's small charts: the indicators named, or by default
    those with at least two published years, in the order of `PRIORITY`, at most
    `limit`; each with the source line to print under it."""
    crime = card.crime
    if crime is None:
        return ()
    chosen: list[IndicatorSeries]
    if labels is not None:
        by_label = {series.label: series for series in crime.indicators}
        chosen = [by_label[label] for label in labels if label in by_label]
    else:
        ranked = _ordered([indicator_trend(series) for series in crime.indicators])
        wanted = [t.label for t in ranked if t.published_years >= 2][:limit]
        by_label = {series.label: series for series in crime.indicators}
        chosen = [by_label[label] for label in wanted]
    return tuple(
        TrendSeries(
            label=series.label,
            unit=series.unit,
            rate_unit=series.rate_unit,
            theme=theme_of(series.label),
            points=tuple(
                TrendPoint(
                    cell.year,
                    cell.count if cell.published else None,
                    cell.rate if cell.published else None,
                    cell.departement_rate,
                )
                for cell in series.cells
            ),
            source_line=crime.source_line,
        )
        for series in chosen
    )
