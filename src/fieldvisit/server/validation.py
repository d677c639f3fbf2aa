"""Checks of one pushed record on its own: size, kinds and values, parents, commune.

A record the server accepts goes to every laptop of its territory, so anything a laptop
could not store or show is refused here, record by record (a refusal never fails the
rest of the batch), each with a code of `wire.RejectionCode` and a French reason.
The field rules themselves are in `sync/wire.py` (FIELD_RULES, PARENT_FIELDS), shared
with the client.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from fieldvisit.reference import CommuneIndex
from fieldvisit.sync.wire import (
    PARENT_FIELDS,
    TABLES,
    Change,
    RejectionCode,
    check_fields,
    record_size_problem,
)

INT64 = 2**63


@dataclass(frozen=True)
class Refusal:
    code: RejectionCode
    reason: str


def record_problem(change: Change) -> Refusal | None:
    """Why this record cannot be accepted whatever the server holds, or None."""
    problem = record_size_problem(change.fields)
    if problem:
        return Refusal("too_large", f"enregistrement trop volumineux : {problem}")
    problem = check_fields(change.table, change.fields) or storable_problem(
        change.table, change.fields
    )
    if problem:
        return Refusal("invalid", f"enregistrement invalide : {problem}")
    return None


# Fields whose values the wire check accepts but a laptop could not store: integers
# beyond 64 bits (SQLite) and date-times that leave the calendar once put in UTC.
_STORABLE: dict[str, tuple[tuple[str, str], ...]] = {
    table: tuple(
        (name, base)
        for name, kind in spec.items()
        if (base := kind.partition(":")[0].rstrip("?")) in ("int", "datetime")
    )
    for table, spec in TABLES.items()
}


def storable_problem(table: str, fields: dict[str, Any]) -> str | None:
    """Why a laptop could not store these (already checked) fields, or None.

    Checked by the server because a record it accepts goes to every laptop of the
    territory: one bad value must not break their pulls.
    """
    for name, base in _STORABLE[table]:
        value = fields.get(name)
        if base == "int":
            if isinstance(value, int) and not -INT64 <= value < INT64:
                return f"champ « {name} » : entier hors limites"
        elif isinstance(value, str):
            try:
                datetime.fromisoformat(value).astimezone(UTC)
            except (ValueError, OverflowError):
                return f"champ « {name} » : date hors limites"
    return None


def parent_problem(change: Change, stored_data: str) -> Refusal | None:
    """A change of what an existing record belongs to (its visit, interview, contact)."""
    names = PARENT_FIELDS[change.table]
    if not names:
        return None
    stored = json.loads(stored_data)
    for name in names:
        if change.fields.get(name) != stored.get(name):
            return Refusal(
                "parent_changed",
                f"le champ « {name} » d'un enregistrement existant ne peut pas changer "
                f"(« {stored.get(name)} » sur le serveur) : créez plutôt un nouvel "
                "enregistrement",
            )
    return None


@cache
def communes() -> CommuneIndex:
    """The communes reference shipped with fieldvisit (loaded once per process)."""
    return CommuneIndex.load()


def commune_problem(fields: dict[str, Any], stored_data: str | None) -> Refusal | None:
    """A visit whose département is not its commune's (per the communes reference).

    Checked for a new visit and whenever its commune or département changes; an
    unchanged visit is not checked again, so that a later reference (a commune merged
    into another) never strands a visit already on the server.
    """
    code, dep = fields.get("commune_code"), fields.get("departement")
    if stored_data is not None:
        stored = json.loads(stored_data)
        if (stored.get("commune_code"), stored.get("departement")) == (code, dep):
            return None
    commune = communes().get(str(code))
    if commune is None:
        return Refusal(
            "invalid", f"commune inconnue du référentiel des communes : code INSEE « {code} »"
        )
    if commune.departement != dep:
        return Refusal(
            "commune_mismatch",
            f"la commune {commune.label} (code {code}) n'est pas dans le département "
            f"« {dep} » déclaré par la visite",
        )
    return None
