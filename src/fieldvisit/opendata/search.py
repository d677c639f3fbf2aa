"""Commune search that marks Petites Villes de demain towns and can be limited to them
(« villes PVD seulement »), for the new-visit dialog. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldvisit.opendata.store import PublicDataStore
from fieldvisit.reference import Commune, CommuneIndex
from fieldvisit.reference.name_index import NameIndex
from fieldvisit.reference.text import normalise

# A number query (postal or INSEE code) limited to PVD towns filters this many matches.
NUMBER_CANDIDATES = 500


@dataclass(frozen=True)
class CommuneMatch:
    commune: Commune
    pvd: bool
    date_signature: date | None = None


class PvdTowns:
    """The PVD towns of the imported list, loaded once (about 1,640)."""

    def __init__(self, index: CommuneIndex, store: PublicDataStore | None) -> None:
        rows = []
        if store is not None:  # None: no PVD list to mark towns with
            with store.reading() as db:
                rows = db.execute("SELECT code, date_signature FROM pvd").fetchall()
        self.signed: dict[str, date | None] = {
            code: date.fromisoformat(day) if day else None for code, day in rows
        }
        found = [index.get(code) for code in self.signed]
        # In the reference's rank order, so that a search ranks as the full one does.
        ranked = sorted(
            (c for c in found if c is not None and c.is_current),
            key=lambda c: (-(c.population or 0), c.nom),
        )
        self.communes: tuple[Commune, ...] = tuple(ranked)
        self._names: NameIndex | None = None

    def __contains__(self, code: object) -> bool:
        return code in self.signed

    def find(self, text: str, limit: int) -> list[Commune]:
        query = normalise(text)
        if not query:
            return list(self.communes[:limit])
        if self._names is None:
            self._names = NameIndex([c.nom for c in self.communes])
        return [self.communes[i] for i in self._names.find(query, limit)]


def search_communes(
    index: CommuneIndex,
    towns: PvdTowns,
    text: str,
    *,
    limit: int = 20,
    pvd_only: bool = False,
) -> list[CommuneMatch]:
    """Matches of `text` (name, postal or INSEE code), each saying if it is a PVD town;
    `pvd_only`: PVD towns only (an empty text lists them, largest first)."""
    if pvd_only:
        compact = normalise(text).replace(" ", "")
        if compact and (compact.isdigit() or compact[:2].upper() in ("2A", "2B")):
            found = [c for c in index.search(text, limit=NUMBER_CANDIDATES) if c.code in towns][
                :limit
            ]
        else:
            found = towns.find(text, limit)
    else:
        found = index.search(text, limit=limit)
    return [CommuneMatch(c, c.code in towns, towns.signed.get(c.code)) for c in found]
