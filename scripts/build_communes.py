"""Build resources/communes/communes.json.gz from Etalab's découpage administratif.

Source: the npm package ``@etalab/decoupage-administratif`` (data/communes.json,
data/epci.json, data/departements.json, data/regions.json). Usage::

    python scripts/build_communes.py                       # runs `npm pack` in a temp dir
    python scripts/build_communes.py path/to/package.tgz   # or an unpacked package dir
    python scripts/build_communes.py --package @etalab/decoupage-administratif@6.0.0

The output is deterministic (sorted rows, gzip with mtime 0): the same input gives the
same bytes, so a rebuild with unchanged data leaves git clean. SOURCE.md is written next
to the output file.

File layout (gzip-compressed UTF-8 JSON object, read by fieldvisit.reference.communes):
  format        1
  source        {"package", "version", "millesime"}
  types         the four entry types, in rank order; the "type" column indexes it
  departements  {code: nom};  regions {code: nom};  epci {siren: nom}
  columns       {field: [one value per entry]}, entries in search rank order: by type,
                then population (largest first, unknown last), then normalised name,
                then code. Fields: code, nom, type, departement, region, epci,
                population, codes_postaux (space-separated), chef_lieu.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fieldvisit.reference.communes import COMMUNE_TYPES, COMMUNES_FILE, FILE_FORMAT
from fieldvisit.reference.text import normalise_many

PACKAGE = "@etalab/decoupage-administratif"
COLUMNS = (
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
TYPES = COMMUNE_TYPES
DATA_FILES = ("communes.json", "epci.json", "departements.json", "regions.json")
CODE_PATTERN = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
POSTAL_PATTERN = re.compile(r"^\d{5}$")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "resources" / "communes" / COMMUNES_FILE


class BuildError(Exception):
    """The source data is missing or not in the expected shape."""


# --- reading the package -------------------------------------------------------------


def read_package(source: Path) -> dict[str, Any]:
    """Read package.json, README.md and the data files from a tarball or a directory.

    A directory may be the unpacked package itself or a folder holding `package/`.
    Returns {"package.json": dict, "README.md": str, "communes.json": list, ...}.
    """
    wanted = ("package.json", "README.md", *(f"data/{name}" for name in DATA_FILES))
    if source.is_dir():
        root = source / "package" if (source / "package" / "package.json").is_file() else source
        raw = {name: (root / name).read_bytes() for name in wanted if (root / name).is_file()}
    elif source.is_file():
        raw = _read_tarball(source, wanted)
    else:
        raise BuildError(f"Source introuvable : {source}")
    missing = [name for name in wanted if name not in raw and name != "README.md"]
    if missing:
        raise BuildError(f"Fichiers absents de {source} : {', '.join(missing)}")
    content: dict[str, Any] = {"README.md": raw.get("README.md", b"").decode("utf-8")}
    for name in wanted:
        if name.endswith(".json"):
            content[name.removeprefix("data/")] = json.loads(raw[name])
    return content


def _read_tarball(path: Path, wanted: tuple[str, ...]) -> dict[str, bytes]:
    # Members are read in memory: nothing from the archive is written to disk.
    found: dict[str, bytes] = {}
    with tarfile.open(path, "r:*") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            name = member.name.split("/", 1)[1] if "/" in member.name else member.name
            if name in wanted:
                extracted = archive.extractfile(member)
                if extracted is not None:
                    found[name] = extracted.read()
    return found


def npm_pack(spec: str, directory: Path) -> Path:
    """Download the package tarball with `npm pack` into `directory`."""
    try:
        subprocess.run(
            ["npm", "pack", spec, "--silent"],
            cwd=directory,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise BuildError(
            "npm est introuvable : installez Node.js ou passez le chemin d'un paquet "
            "téléchargé (fichier .tgz ou dossier)."
        ) from exc
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"« npm pack {spec} » a échoué (code {exc.returncode}).") from exc
    tarballs = sorted(directory.glob("*.tgz"))
    if len(tarballs) != 1:
        raise BuildError(f"« npm pack {spec} » n'a pas produit un unique fichier .tgz.")
    return tarballs[0]


# --- turning the data into rows ------------------------------------------------------


def millesime_of(readme: str, version: str) -> str | None:
    """The data year that the package README gives for this version, if any."""
    match = re.search(rf"^\|\s*(\d{{4}})\s*\|\s*{re.escape(version)}\s*\|", readme, re.MULTILINE)
    return match.group(1) if match else None


def build_document(content: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON document to ship, from the package content read by read_package()."""
    package = content["package.json"]
    departements = {d["code"]: d["nom"] for d in content["departements.json"]}
    regions = {r["code"]: r["nom"] for r in content["regions.json"]}
    epci_names: dict[str, str] = {}
    epci_of_commune: dict[str, str] = {}
    for epci in content["epci.json"]:
        epci_names[epci["code"]] = epci["nom"]
        for member in epci.get("membres", []):
            epci_of_commune[member["code"]] = epci["code"]

    rows = [_row(item, departements, regions, epci_of_commune) for item in content["communes.json"]]
    current = {row[0] for row in rows if row[2] == TYPES[0]}
    for row in rows:
        parent = row[8]
        if parent is not None and parent not in current:
            raise BuildError(f"{row[0]} {row[1]} : commune de rattachement {parent} inconnue.")
    names = normalise_many([row[1] for row in rows])
    ranked = sorted(range(len(rows)), key=lambda i: _rank_key(rows[i], names[i]))
    rows = [rows[i] for i in ranked]

    version = package.get("version", "")
    return {
        "format": FILE_FORMAT,
        "source": {
            "package": package.get("name", PACKAGE),
            "version": version,
            "millesime": millesime_of(content.get("README.md", ""), version),
        },
        "types": list(TYPES),
        "departements": dict(sorted(departements.items())),
        "regions": dict(sorted(regions.items())),
        "epci": {code: epci_names[code] for code in sorted({row[5] for row in rows} - {None})},
        "columns": {
            name: [_stored(name, row[index]) for row in rows] for index, name in enumerate(COLUMNS)
        },
    }


def _rank_key(row: list[Any], normalised_name: str) -> tuple[Any, ...]:
    population = row[6]
    kind = TYPES.index(row[2])
    return (kind, population is None, -(population or 0), normalised_name, row[0], row[1])


def _stored(column: str, value: Any) -> Any:
    if column == "type":
        return TYPES.index(value)
    if column == "codes_postaux":
        return " ".join(value)
    return value


def _row(
    item: Mapping[str, Any],
    departements: Mapping[str, str],
    regions: Mapping[str, str],
    epci_of_commune: Mapping[str, str],
) -> list[Any]:
    code, nom, kind = item["code"], item["nom"], item["type"]
    where = f"{code} {nom}"
    if kind not in TYPES:
        raise BuildError(f"{where} : type inattendu « {kind} ».")
    if not CODE_PATTERN.match(code):
        raise BuildError(f"{where} : code INSEE invalide.")
    if item["departement"] not in departements:
        raise BuildError(f"{where} : département {item['departement']} inconnu.")
    if item["region"] not in regions:
        raise BuildError(f"{where} : région {item['region']} inconnue.")
    postal = sorted(set(item.get("codesPostaux") or ()))
    if not all(POSTAL_PATTERN.match(p) for p in postal):
        raise BuildError(f"{where} : code postal invalide {postal}.")
    population = item.get("population")
    if population is not None and not isinstance(population, int):
        raise BuildError(f"{where} : population invalide {population!r}.")
    # Délégué/associé communes point to their commune with chefLieu, Paris/Lyon/Marseille
    # arrondissements with commune; neither belongs to an EPCI itself, their parent does.
    parent = (item.get("chefLieu") or item.get("commune")) if kind != TYPES[0] else None
    epci = epci_of_commune.get(parent or code)
    return [
        code,
        nom,
        kind,
        item["departement"],
        item["region"],
        epci,
        population,
        postal,
        parent,
    ]


# --- writing -------------------------------------------------------------------------


def encode(document: Mapping[str, Any]) -> bytes:
    """Gzipped JSON, one column per line, no timestamp: same document, same bytes."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = {key: value for key, value in document.items() if key != "columns"}
    columns = ",\n".join(
        f"{dump(name)}:{dump(values)}" for name, values in document["columns"].items()
    )
    text = dump(head)[:-1] + ',"columns":{\n' + columns + "\n}}\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def count_by_type(document: Mapping[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(TYPES, 0)
    for index in document["columns"]["type"]:
        counts[TYPES[index]] += 1
    return counts


def source_markdown(document: Mapping[str, Any], output_name: str) -> str:
    source = document["source"]
    counts = count_by_type(document)
    total = sum(counts.values())
    millesime = source["millesime"] or "non indiqué par le README du paquet"
    lines = [
        "# Communes: source of the shipped reference file",
        "",
        f"`{output_name}` is generated by `scripts/build_communes.py`; do not edit it by hand.",
        "",
        "## Source",
        "",
        f"- npm package `{source['package']}` version {source['version']}"
        f" (data vintage / millésime: {millesime}),",
        "  published by Etalab / DINUM: https://github.com/etalab/decoupage-administratif",
        "- Files used: `data/communes.json`, `data/epci.json`, `data/departements.json`,",
        "  `data/regions.json`.",
        "- Upstream sources (per the package README): INSEE Code officiel géographique,",
        "  DGCL list of EPCI à fiscalité propre, INSEE populations légales, La Poste postal codes.",
        "",
        "## Licence",
        "",
        "The package is published under the MIT licence (Copyright (c) Etalab); its README",
        "states that the data is under the Licence Ouverte / Open Licence (Etalab). Both allow",
        "redistribution with attribution: « Source : Etalab, découpage administratif ».",
        "",
        "## Rebuild",
        "",
        "```sh",
        "python scripts/build_communes.py            # runs `npm pack " + PACKAGE + "`",
        "python scripts/build_communes.py pkg.tgz    # or a downloaded tarball / unpacked dir",
        "```",
        "",
        "Same input gives the same bytes (rows sorted, gzip mtime 0).",
        "",
        "## Content",
        "",
        f"{total} entries:",
        "",
        "| type | count | notes |",
        "|---|---:|---|",
        f"| commune-actuelle | {counts['commune-actuelle']} | current communes |",
        f"| arrondissement-municipal | {counts['arrondissement-municipal']} |"
        " Paris, Lyon, Marseille; parent commune in `chef_lieu` |",
        f"| commune-deleguee | {counts['commune-deleguee']} |"
        " no population or postal codes in the source; parent in `chef_lieu` |",
        f"| commune-associee | {counts['commune-associee']} | same as déléguées |",
        "",
        "A commune déléguée often shares its code with the commune nouvelle it belongs to",
        "(Annecy 74010 is both); lookups by code return the current commune first.",
        "",
        "## Format",
        "",
        "Gzipped UTF-8 JSON object, read by `fieldvisit.reference.communes`: `format` (1),",
        "`source`, `types` (the four types in rank order), `departements` {code: nom},",
        "`regions` {code: nom}, `epci` {siren: nom}, and `columns`: one list per field",
        "(one line each), entries in search rank order: by type as listed in `types`, then",
        "population (largest first, unknown last), then normalised name, then code.",
        "",
        "| column | meaning |",
        "|---|---|",
        "| code | INSEE code, 5 characters (Corsica 2A/2B) |",
        "| nom | official name |",
        "| type | index in `types`: commune-actuelle, arrondissement-municipal,"
        " commune-deleguee, commune-associee |",
        "| departement | département code (key of `departements`) |",
        "| region | région code (key of `regions`) |",
        "| epci | SIREN of the EPCI à fiscalité propre (key of `epci`); for déléguées,"
        " associées and arrondissements the parent commune's EPCI; null if none |",
        "| population | population municipale, or null |",
        '| codes_postaux | postal codes, sorted, separated by spaces ("" if none) |',
        "| chef_lieu | parent commune code for non-current entries, else null |",
        "",
    ]
    return "\n".join(lines)


def build(source: Path, output: Path) -> dict[str, Any]:
    """Build `output` and SOURCE.md next to it from a package tarball or directory."""
    document = build_document(read_package(source))
    output.parent.mkdir(parents=True, exist_ok=True)
    _write_if_changed(output, encode(document))
    source_md = source_markdown(document, output.name).encode("utf-8")
    _write_if_changed(output.parent / "SOURCE.md", source_md)
    return document


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def main(argv: list[str] | None = None, run_npm: Callable[[str, Path], Path] = npm_pack) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        help="paquet déjà téléchargé (.tgz) ou dossier décompressé; sinon « npm pack »",
    )
    parser.add_argument(
        "--package",
        default=PACKAGE,
        help=f"spécification npm à télécharger (défaut : {PACKAGE}; ex. {PACKAGE}@6.0.0)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="fichier produit")
    args = parser.parse_args(argv)
    try:
        if args.source is not None:
            document = build(args.source, args.output)
        else:
            with tempfile.TemporaryDirectory(prefix="communes-") as temporary:
                tarball = run_npm(args.package, Path(temporary))
                document = build(tarball, args.output)
    except (BuildError, OSError, ValueError, KeyError) as exc:
        print(f"Échec de la construction du référentiel des communes : {exc}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{kind} {count}" for kind, count in count_by_type(document).items())
    source = document["source"]
    print(
        f"{args.output} : {len(document['columns']['code'])} entrées ({counts}) ; "
        f"{source['package']} {source['version']}, {args.output.stat().st_size} octets."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
