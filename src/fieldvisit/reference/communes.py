"""The communes of France (Etalab découpage administratif), found by name, postal or INSEE code.

The shipped file (resources/communes/communes.json.gz, built by
scripts/build_communes.py) stores one list per field, rows already in search rank order:
current communes, then arrondissements municipaux, then communes déléguées and
associées; within each type by population, largest first, then by name. So a row's
position is its rank, and a search returns the first matching positions of each tier.

Loading only reads the columns. Commune objects are made when asked for, and each
search index (names, codes, postal codes) is built on first use.
"""

from __future__ import annotations

import gzip
import json
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add
from pathlib import Path
from typing import Any

from fieldvisit.assets import asset_path
from fieldvisit.core.errors import FieldvisitError
from fieldvisit.reference.name_index import NameIndex
from fieldvisit.reference.text import normalise

COMMUNES_FILE = "communes.json.gz"
FILE_FORMAT = 1

COMMUNE_ACTUELLE = "commune-actuelle"
ARRONDISSEMENT_MUNICIPAL = "arrondissement-municipal"
COMMUNE_DELEGUEE = "commune-deleguee"
COMMUNE_ASSOCIEE = "commune-associee"
# Rank order: a current commune comes before the other kinds of entries.
COMMUNE_TYPES = (COMMUNE_ACTUELLE, ARRONDISSEMENT_MUNICIPAL, COMMUNE_DELEGUEE, COMMUNE_ASSOCIEE)
_TYPE_NAMES = {
    ARRONDISSEMENT_MUNICIPAL: "arrondissement municipal",
    COMMUNE_DELEGUEE: "commune déléguée",
    COMMUNE_ASSOCIEE: "commune associée",
}
_COLUMNS = (
    "code",
    "nom",
    "type",
    "departement",
    "region",
    "epci",
    "population",
    "codes_postaux",
    "chef_lieu",
)
_INSEE_CODE = re.compile(r"^(?:\d{5}|2[ab]\d{3})$")


class CommuneDataError(FieldvisitError):
    """The communes reference file is missing or unreadable."""


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    nom: str
    departement: str
    departement_nom: str
    region: str
    region_nom: str
    epci: str | None
    epci_nom: str | None
    population: int | None
    codes_postaux: tuple[str, ...]
    type: str
    # The commune a délégué/associé commune or an arrondissement municipal belongs to.
    chef_lieu: str | None

    @property
    def is_current(self) -> bool:
        return self.type == COMMUNE_ACTUELLE

    @property
    def kind_name(self) -> str:
        """ "" for a current commune, else "commune déléguée", "arrondissement municipal"…"""
        return _TYPE_NAMES.get(self.type, "")

    @property
    def label(self) -> str:
        """Name and département, "Saint-Flour (15)"; other entry types say what they are."""
        kind = _TYPE_NAMES.get(self.type)
        if kind is None:
            return f"{self.nom} ({self.departement})"
        return f"{self.nom} ({self.departement}, {kind})"


def default_communes_file() -> Path:
    return asset_path("resources", "communes", COMMUNES_FILE)


class CommuneIndex:
    """All communes, with lookup by INSEE code and search by name or postal code.

    Can be shared between threads: each lazy build only ever assigns complete objects,
    so two threads racing on a first search both get correct answers.
    """

    def __init__(self, document: dict[str, Any]) -> None:
        """Use load(). `document` is the content of a file made by build_communes.py."""
        # Tuples, not lists: the garbage collector stops walking a tuple of strings, ints
        # and None after its first pass, while each of its passes would walk the lists.
        columns = {name: tuple(values) for name, values in document["columns"].items()}
        self._codes: tuple[str, ...] = columns["code"]
        self._noms: tuple[str, ...] = columns["nom"]
        self._types: tuple[int, ...] = columns["type"]
        self._departements: tuple[str, ...] = columns["departement"]
        self._regions: tuple[str, ...] = columns["region"]
        self._epcis: tuple[str | None, ...] = columns["epci"]
        self._populations: tuple[int | None, ...] = columns["population"]
        self._postal_codes: tuple[str, ...] = columns["codes_postaux"]
        self._chefs_lieux: tuple[str | None, ...] = columns["chef_lieu"]
        self._departement_names: dict[str, str] = document["departements"]
        self._region_names: dict[str, str] = document["regions"]
        self._epci_names: dict[str, str] = document["epci"]
        self._made: dict[int, Commune] = {}  # made on first request
        self._names: NameIndex | None = None
        self._first_by_code: dict[str, int] | None = None
        # Codes held by several entries -> their positions (584 codes in 2026).
        self._shared_codes: dict[str, list[int]] = {}
        self._postal: _PostalCodes | None = None
        self._attached: dict[str, list[int]] | None = None
        self._members: dict[str, list[int]] | None = None
        source = document.get("source") or {}
        # The geography year of the reference (its data vintage), when the package says.
        self.millesime: str | None = source.get("millesime")

    @classmethod
    def load(cls, path: Path | None = None) -> CommuneIndex:
        """Read the communes file (by default the one shipped with the app)."""
        path = path or default_communes_file()
        try:
            document = json.loads(gzip.decompress(path.read_bytes()))
        except FileNotFoundError as exc:
            raise CommuneDataError(
                f"Le référentiel des communes est introuvable ({path}). "
                "Reconstruisez-le avec « python scripts/build_communes.py »."
            ) from exc
        except (OSError, EOFError, ValueError) as exc:
            raise CommuneDataError(
                f"Le référentiel des communes ({path}) est illisible : {exc}. "
                "Reconstruisez-le avec « python scripts/build_communes.py »."
            ) from exc
        _check_document(document, path)
        return cls(document)

    def __len__(self) -> int:
        return len(self._codes)

    def __iter__(self) -> Iterator[Commune]:
        """Every entry, in rank order."""
        return (self._commune(position) for position in range(len(self._codes)))

    def get(self, code: str) -> Commune | None:
        """The entry with this INSEE code ("2a004" works too), the current commune first."""
        position = self._code_index().get(code.strip().upper())
        return self._commune(position) if position is not None else None

    @property
    def departements(self) -> dict[str, str]:
        """Every département of the reference: code → name."""
        return dict(self._departement_names)

    def attached_to(self, code: str) -> list[Commune]:
        """The communes déléguées or associées and the arrondissements of a commune
        (those that were communes of their own before a merger, for the déléguées)."""
        if self._attached is None:
            attached: dict[str, list[int]] = {}
            for position, parent in enumerate(self._chefs_lieux):
                if parent is not None:
                    attached.setdefault(parent, []).append(position)
            self._attached = attached
        return [self._commune(p) for p in self._attached.get(code.strip().upper(), [])]

    def epci_members(self, siren: str) -> list[Commune]:
        """The current communes of an EPCI, in rank order (largest first)."""
        if self._members is None:
            members: dict[str, list[int]] = {}
            for position, epci in enumerate(self._epcis):
                if epci is not None and self._types[position] == 0:
                    members.setdefault(epci, []).append(position)
            self._members = members
        return [self._commune(p) for p in self._members.get(siren, [])]

    def search(self, text: str, limit: int = 20) -> list[Commune]:
        """Best matches for a name, a postal code (or its start) or an INSEE code.

        Names: case, accents, hyphens, apostrophes and "st"/"saint" do not matter; every
        word typed must start a word of the name. The whole name first, then names
        starting with the query, then the others; within each, current communes first,
        then by population. Five digits: communes with that postal code, then the entry
        with that INSEE code; two to four digits: postal codes starting with them.
        """
        query = normalise(text)
        if not query or limit < 1:
            return []
        compact = query.replace(" ", "")
        if compact.isdigit() and 2 <= len(compact) <= 5:
            positions = self._find_number(compact, limit)
        elif _INSEE_CODE.match(compact):
            positions = self._positions_of_code(compact.upper())
        else:
            positions = self._name_index().find(query, limit)
        return [self._commune(position) for position in positions[:limit]]

    def _find_number(self, digits: str, limit: int) -> list[int]:
        if self._postal is None:
            self._postal = _PostalCodes(self._postal_codes)
        positions = self._postal.starting_with(digits, limit)
        if len(digits) == 5:
            # People type postal codes more often than INSEE codes, so when five digits
            # are both (15100: Saint-Flour's postal code, Laveissenet's INSEE code) the
            # postal matches come first.
            listed = set(positions)
            positions += [p for p in self._positions_of_code(digits) if p not in listed]
        return positions

    def _positions_of_code(self, code: str) -> list[int]:
        """Every entry with this code: a commune nouvelle and its déléguée share one."""
        position = self._code_index().get(code)
        if position is None:
            return []
        return self._shared_codes.get(code, [position])

    def _commune(self, position: int) -> Commune:
        made = self._made.get(position)
        if made is None:
            departement = self._departements[position]
            region = self._regions[position]
            epci = self._epcis[position]
            made = Commune(
                code=self._codes[position],
                nom=self._noms[position],
                departement=departement,
                departement_nom=self._departement_names[departement],
                region=region,
                region_nom=self._region_names[region],
                epci=epci,
                epci_nom=self._epci_names[epci] if epci is not None else None,
                population=self._populations[position],
                codes_postaux=tuple(self._postal_codes[position].split()),
                type=COMMUNE_TYPES[self._types[position]],
                chef_lieu=self._chefs_lieux[position],
            )
            self._made[position] = made
        return made

    def _name_index(self) -> NameIndex:
        if self._names is None:
            self._names = NameIndex(self._noms)
        return self._names

    def _code_index(self) -> dict[str, int]:
        """Code -> first (best ranked) position; fills _shared_codes too."""
        if self._first_by_code is None:
            codes = self._codes
            # Built backwards so that the first position of a code is the one kept.
            backwards = range(len(codes) - 1, -1, -1)
            first = dict(zip(reversed(codes), backwards, strict=True))
            shared: dict[str, list[int]] = {}
            for position in [p for p, code in enumerate(codes) if first[code] != p]:
                code = codes[position]
                shared.setdefault(code, [first[code]]).append(position)
            self._shared_codes = shared
            self._first_by_code = first
        return self._first_by_code


class _PostalCodes:
    """Positions of the entries having a postal code that starts with some digits.

    All codes sit in one string, " 15100\n 20000 20090\n...", one line per entry: a
    search is a few str.find calls, and building it costs no loop per entry.
    """

    def __init__(self, codes_per_entry: Sequence[str]) -> None:
        self._text = " " + "\n ".join(codes_per_entry) + "\n"
        # Where each entry's line starts: one space, its codes, one line break.
        lengths = map(add, map(len, codes_per_entry), repeat(2))
        self._line_starts = array("i", [0, *accumulate(lengths)])

    def starting_with(self, digits: str, limit: int) -> list[int]:
        """The first `limit` positions of entries with a postal code starting with `digits`.

        Lines are in rank order, so the first matches found are the best ones.
        """
        needle = " " + digits
        found: list[int] = []
        offset = self._text.find(needle)
        while offset >= 0:
            position = bisect_right(self._line_starts, offset) - 1
            found.append(position)
            if len(found) == limit:
                break
            # Skip the rest of this entry's line: one hit per entry is enough.
            offset = self._text.find(needle, self._line_starts[position + 1])
        return found


def _check_document(document: Any, path: Path) -> None:
    problem = _problem_with(document)
    if problem:
        raise CommuneDataError(
            f"Le référentiel des communes ({path}) est invalide : {problem}. "
            "Reconstruisez-le avec « python scripts/build_communes.py »."
        )


def _problem_with(document: Any) -> str | None:
    if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
        return f"format inattendu (attendu : {FILE_FORMAT})"
    tables = ("types", "departements", "regions", "epci", "columns")
    missing = [name for name in tables if name not in document]
    if missing:
        return f"tables absentes : {', '.join(missing)}"
    if document["types"] != list(COMMUNE_TYPES):
        return "types de communes inattendus"
    columns = document["columns"]
    missing = [name for name in _COLUMNS if name not in columns]
    if missing:
        return f"colonnes absentes : {', '.join(missing)}"
    if len({len(columns[name]) for name in _COLUMNS}) != 1:
        return "colonnes de longueurs différentes"
    return None
