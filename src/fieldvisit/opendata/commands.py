"""`fieldvisit reference import FILE… | list` and `fieldvisit communes show CODE`.

They read and write the data dir's public data only (`opendata/store.py`), never the
encrypted store: no passphrase is asked. Registering them imports nothing but argparse
(every command line builds the whole parser, `--version` included): what a command
needs is imported when it runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from fieldvisit.core.argparse_fr import Commands
from fieldvisit.core.errors import BadInput

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def register(
    commands: Commands,
    communes_cmd: Commands,
) -> None:
    reference = commands.add_parser(
        "reference", help="données publiques (SSMSI, Petites Villes de demain, FRR, gendarmerie)"
    )
    actions = reference.add_subparsers(dest="reference_command", required=True, metavar="ACTION")
    do_import = actions.add_parser(
        "import",
        help="importe des fichiers tels que data.gouv.fr les publie (.csv ou .csv.gz) ; "
        "chacun remplace son jeu de données s'il est entier",
    )
    do_import.add_argument("paths", nargs="+", type=Path, metavar="FICHIER")
    do_import.add_argument(
        "--edition",
        metavar="TEXTE",
        help="nom de l'édition (défaut : lu dans le fichier ou son nom)",
    )
    do_import.set_defaults(handler=cmd_reference_import)
    listing = actions.add_parser("list", help="liste les jeux de données importés")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_reference_list)
    show = communes_cmd.add_parser(
        "show", help="fiche d'une commune : population, EPCI, PVD, FRR, gendarmerie, délinquance"
    )
    show.add_argument("code", metavar="CODE")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_communes_show)


def _store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from fieldvisit.opendata.store import PublicDataStore
    from fieldvisit.paths import resolve_data_dir

    return PublicDataStore.of(resolve_data_dir(args.data_dir))


def cmd_reference_import(args: argparse.Namespace) -> int:
    from fieldvisit.core.clock import utc_now
    from fieldvisit.opendata.importer import check_published, import_file
    from fieldvisit.reference.datasets import DatasetError

    if args.edition is not None and len(args.paths) > 1:
        raise BadInput(
            "--edition nomme l'édition d'un seul fichier : importez les fichiers un par un "
            "pour nommer chacun."
        )
    # Every header first: an unknown file, or two files of one dataset, change nothing.
    check_published(args.paths)
    store = _store(args)
    failed = 0
    try:
        for path in args.paths:
            try:
                result = import_file(store, path, now=utc_now(), edition=args.edition)
            except DatasetError as err:
                failed += 1
                print(
                    f"fieldvisit : {err} — jeu de données inchangé.",
                    file=sys.stderr,
                )
                continue
            print(result.describe(), file=sys.stderr)
    finally:
        store.close()
    return EXIT_BAD_INPUT if failed else EXIT_OK


def listing(parts: list[Any]) -> list[dict[str, Any]]:
    """One entry per dataset × (edition, origin, source, date): the départements it
    covers ("*": the whole national file)."""
    from fieldvisit.reference.datasets import DATASETS

    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    covered: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for part in parts:
        key = (part.dataset, part.edition, part.origin, part.source, part.imported_at)
        entry = groups.setdefault(
            key,
            {
                "dataset": part.dataset,
                "title": DATASETS[part.dataset].title,
                "edition": part.edition,
                "origin": part.origin,
                "source": part.source,
                "imported_at": part.imported_at,
                "rows": 0,
            },
        )
        entry["rows"] += part.rows
        covered[key].append(part.departement)
    for group, entry in groups.items():
        entry["departements"] = covered[group]
    return list(groups.values())


def cmd_reference_list(args: argparse.Namespace) -> int:
    from fieldvisit.reference.datasets import DATASETS

    store = _store(args)
    try:
        entries = listing(store.parts())
    finally:
        store.close()
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return EXIT_OK
    present = {entry["dataset"] for entry in entries}
    for entry in entries:
        count = f"{entry['rows']:,}".replace(",", " ")
        when = entry["imported_at"][:16].replace("T", " ")
        where = (
            "toute la France"
            if entry["departements"] == ["*"]
            else "départements " + ", ".join(entry["departements"])
        )
        print(
            f"{entry['title']}\tédition « {entry['edition']} »\timporté le {when} UTC\t"
            f"{entry['origin']} {entry['source']}\t{count} ligne(s)\t{where}"
        )
    for key, info in DATASETS.items():
        if key not in present:
            print(f"{info.title}\tnon importé")
    return EXIT_OK


def cmd_communes_show(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from fieldvisit.opendata.card import commune_card
    from fieldvisit.opendata.card_text import render_card
    from fieldvisit.opendata.diagnostic import card_trends, propose_constat
    from fieldvisit.reference import CommuneIndex

    store = _store(args)
    try:
        card = commune_card(CommuneIndex.load(), store, args.code)
    finally:
        store.close()
    if args.json:
        document = card.to_json()
        document["trends"] = [asdict(trend) for trend in card_trends(card)]
        proposal = propose_constat(card)
        # The answers of the diagnostic's part 1 the app proposes (item id → value).
        document["constat_proposal"] = proposal.answers() if proposal else None
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(render_card(card))
    return EXIT_OK
