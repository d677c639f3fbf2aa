"""The action plan a contrat de sécurité needs: several dispositifs, a cost and its funding.

An action (a `recommendations` record, revision 0015) relies on **several dispositifs**
(vidéoprotection financed by the FIPD…), stored as a JSON list of `Dispositif` codes
in `dispositifs`; its **funding** is a JSON list of lines `{"source": <FundingSource>,
"amount": <euros>}`, one line per source, in the order typed. Both are one field each
on the sync wire: two laptops changing the funding of one action differently make one
conflict that a person settles with both lists in view, never a mix of two halves
(a child table would merge line by line, and could sum to a plan nobody wrote).

The single `dispositif` of older apps stays: an action written by an older app (or
before 0015) has `dispositifs` None and reads as its single dispositif (`dispositif_list`);
the services keep `dispositif` equal to the first of the list (« aucun » when empty),
so an older app still shows the main one.

Amounts and the estimated cost are whole euros. Here, not in the services, because the
server checks pushed records with the same rules (sync/wire.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fieldvisit.core.domain import Dispositif, FundingSource

MAX_EUROS = 1_000_000_000  # a milliard: beyond any action of a small town's contract
MAX_FUNDING_LINES = len(FundingSource)  # one line per source
NO_DISPOSITIF = Dispositif.AUCUN.value

FundingLine = dict[str, Any]  # {"source": code, "amount": euros}


#: The fields an action carries for a contract (revision 0015), besides the plan's own:
#: the one list the laptop's services, its history, its edits and the wire read.
CONTRACT_FIELDS = (
    "dispositifs",
    "porteur_contact_id",
    "description",
    "estimated_cost",
    "funding",
    "success_indicator",
    "review_date",
)


def dispositif_list(dispositifs: Sequence[str] | None, single: str | None) -> list[str]:
    """The action's dispositifs: the list, or (older records) the single one."""
    if dispositifs is not None:
        return [str(code) for code in dispositifs]
    return [single] if single and single != NO_DISPOSITIF else []


def main_dispositif(dispositifs: Sequence[str]) -> str:
    """The single `dispositif` kept for older apps: the first of the list."""
    return dispositifs[0] if dispositifs else NO_DISPOSITIF


def dispositifs_problem(value: Any) -> str | None:
    """Why a value is not a list of dispositifs (French), or None."""
    if not isinstance(value, list):
        return "une liste de dispositifs est attendue"
    known = {member.value for member in Dispositif} - {NO_DISPOSITIF}
    for code in value:
        if not isinstance(code, str) or code not in known:
            shown = ", ".join(sorted(known))
            return f"dispositif « {code} » inconnu (valeurs : {shown})"
    if len(set(value)) != len(value):
        return "un dispositif est cité deux fois"
    return None


def euros_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"« {value} » n'est pas un montant en euros (nombre entier)"
    if not 0 <= value <= MAX_EUROS:
        return f"montant {value} € hors de l'intervalle 0 à {MAX_EUROS} €"
    return None


def funding_problem(value: Any) -> str | None:
    """Why a value is not a list of funding lines (French), or None."""
    if not isinstance(value, list):
        return "une liste de financements est attendue"
    if len(value) > MAX_FUNDING_LINES:
        return f"{len(value)} lignes de financement pour {MAX_FUNDING_LINES} au plus"
    sources = {member.value for member in FundingSource}
    seen: set[str] = set()
    for line in value:
        if not isinstance(line, dict) or set(line) != {"source", "amount"}:
            return "une ligne de financement est {« source », « amount »}"
        source = line["source"]
        if source not in sources:
            return f"financeur « {source} » inconnu (valeurs : {', '.join(sorted(sources))})"
        if source in seen:
            return f"financeur « {source} » cité deux fois"
        seen.add(source)
        problem = euros_problem(line["amount"])
        if problem:
            return problem
    return None


def funding_total(lines: Iterable[FundingLine]) -> int:
    return sum(int(line["amount"]) for line in lines)


def euros_text(amount: int) -> str:
    """« 12 500 € »: thousands grouped by no-break spaces."""
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0€"


def funding_text(lines: Iterable[FundingLine]) -> str:
    """« FIPD 6 000 € ; Commune 4 000 € »."""
    return " ; ".join(
        f"{FundingSource(line['source']).label} {euros_text(int(line['amount']))}" for line in lines
    )
