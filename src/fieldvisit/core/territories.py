"""Who may write where: the one rule the server enforces and the laptop follows.

A record belongs to one territory (a département), fixed when the server first accepts
it. An admin writes everywhere; an agent or a coordinateur writes in their territories
only. A contact takes the département of its commune, or, without a commune, the first
territory of the account that creates it. A contact can also be *read* in territories
where a participant or an interviewee refers to it (a grant), but only written in its
own: a correction of a contact shared by another département is refused.

`server/scoping.py` and `server/records.py` call these functions; the laptop calls them
with the role and territories its account got at login (`sync_state`), so that the
app only offers what the server will accept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ADMIN = "admin"
DEPARTEMENT_RE = re.compile(r"^(\d{2}|2[AB]|9[78]\d)$")


def departement_of_commune(code: str) -> str | None:
    """The département of an INSEE commune code ('2A004' -> '2A', '97411' -> '974')."""
    code = code.strip().upper()
    if len(code) != 5:
        return None
    dep = code[:3] if code.startswith(("97", "98")) else code[:2]
    return dep if DEPARTEMENT_RE.match(dep) else None


def may_write(role: str, territories: Iterable[str], territory: str | None) -> bool:
    """Whether an account of this role and these territories writes in `territory`."""
    if role == ADMIN:
        return True
    return territory is not None and territory in set(territories)


def contact_territory(
    commune_code: str | None, creator_territories: Iterable[str]
) -> tuple[str | None, str]:
    """(territory, problem) of a new contact: its commune's département, or without a
    commune the creator's first territory (None for an admin without territories).
    `problem` is a French reason when the commune code is not valid, else ""."""
    if commune_code:
        dep = departement_of_commune(commune_code)
        if dep is None:
            return None, f"code commune invalide « {commune_code} »"
        return dep, ""
    mine = sorted(creator_territories)
    return (mine[0] if mine else None), ""


def contact_writable(
    role: str,
    territories: Iterable[str],
    commune_code: str | None,
    *,
    known_territory: str | None = None,
) -> bool:
    """Whether this account may create (or correct) a contact of this commune.

    `known_territory`: the contact's territory when the caller knows it (the server).
    A laptop knows a contact's territory from its commune only; a contact without a
    commune was placed in its creator's first territory, which a laptop cannot know:
    it is then taken as writable and the server decides.
    """
    territories = tuple(territories)
    if known_territory is not None:
        return may_write(role, territories, known_territory)
    if not commune_code:
        return True
    territory, problem = contact_territory(commune_code, territories)
    return not problem and may_write(role, territories, territory)
