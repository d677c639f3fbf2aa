"""`fieldvisit backup` and `fieldvisit restore` (registered by cli.py).

    fieldvisit backup                 a checked, encrypted backup in the data dir's backups/
    fieldvisit backup -o FICHIER      the same, written to FICHIER (which must not exist)
    fieldvisit backup --list          the backups of backups/, newest first
    fieldvisit restore FICHIER        put a backup in place of the database

`restore` checks the file first (it opens with this data dir's key, passes the integrity
check, has a schema revision this app knows), refuses while another process has the
database open (fieldvisit running, a sync), moves the current database aside into
`mis-de-cote/` (never deleted), puts the backup in place and adds back the changes not
yet sent to the server that the replaced database still holds and that are newer than
the backup's (`--without-pending`: the backup as it is). See store/recovery.py.

When a command cannot open the database because it is damaged, `recovery_hint` adds the
newest backup and the `fieldvisit restore` command to the error message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fieldvisit.core.argparse_fr import Commands
from fieldvisit.core.dates import moment_text
from fieldvisit.core.errors import BadInput

EXIT_OK = 0


def register(commands: Commands) -> None:
    backup = commands.add_parser(
        "backup", help="sauvegarde chiffrée et vérifiée de la base (dans backups/ ou -o)"
    )
    backup.add_argument(
        "-o", "--output", type=Path, metavar="FICHIER", help="écrire la sauvegarde dans FICHIER"
    )
    backup.add_argument(
        "--list", action="store_true", help="liste les sauvegardes du dossier backups/"
    )
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore",
        help="remplace la base par une sauvegarde (l'actuelle est mise de côté, pas supprimée)",
    )
    restore.add_argument("backup_file", type=Path, metavar="FICHIER")
    restore.add_argument(
        "--without-pending",
        action="store_true",
        help="ne pas reprendre les modifications non envoyées de la base actuelle",
    )
    restore.set_defaults(handler=cmd_restore)


def _data_dir(args: argparse.Namespace) -> Any:
    from fieldvisit.paths import resolve_data_dir

    return resolve_data_dir(args.data_dir)


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} Ko"
    return f"{size / 2**20:.1f} Mo".replace(".", ",")


def cmd_backup(args: argparse.Namespace) -> int:
    from fieldvisit.services import backups

    data_dir = _data_dir(args)
    if args.list:
        if args.output is not None:
            raise BadInput("--list et -o ne vont pas ensemble.")
        found = backups.list_backups(data_dir.backups)
        if not found:
            print(f"Aucune sauvegarde dans {data_dir.backups}.", file=sys.stderr)
        for backup in found:
            print(
                f"{moment_text(backup.taken_at)}\t{backup.reason}\t{_size(backup.size)}\t{backup.path}"
            )
        return EXIT_OK
    target: Path | None = None
    if args.output is not None:
        target = args.output.expanduser().resolve()
        if target.exists():
            raise BadInput(
                f"Le fichier {target} existe déjà : choisissez un autre nom (une sauvegarde "
                "n'en écrase jamais une autre)."
            )
        if not target.parent.is_dir():
            raise BadInput(f"Le dossier {target.parent} n'existe pas.")
    from fieldvisit.services import Services

    svc = Services.open(data_dir)
    try:
        path = backups.make_backup(svc.store, backups.REASON_MANUAL, target=target)
        if target is None:
            backups.prune_backups(data_dir.backups)
    finally:
        svc.close()
    print(f"Sauvegarde écrite : {path} ({_size(path.stat().st_size)}, chiffrée).", file=sys.stderr)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from fieldvisit.store.database import unlock_data_dir
    from fieldvisit.store.recovery import integrity_problems, restore_backup

    data_dir = _data_dir(args)
    source = args.backup_file.expanduser().resolve()
    if not source.is_file():
        raise BadInput(f"Le fichier {source} n'existe pas (ou n'est pas un fichier).")
    if not data_dir.key_file.exists():
        raise BadInput(
            f"Le dossier de données {data_dir.root} n'a pas de fichier de clé (fieldvisit.key) : "
            "une sauvegarde ne se restaure que dans le dossier de données qui l'a faite."
        )
    keys, _key_file = unlock_data_dir(data_dir)
    damaged = data_dir.database.exists() and bool(integrity_problems(data_dir.database, keys))
    result = restore_backup(
        data_dir, source, keys, reapply=not args.without_pending, damaged=damaged
    )
    print(result.describe(), file=sys.stderr)
    for line in result.reapplied.left_out:
        print(f"  non reprise : {line}", file=sys.stderr)
    return EXIT_OK


def recovery_hint(err: BaseException, args: argparse.Namespace) -> str:
    """For a command that failed on a damaged database: what to restore and how ("")."""
    errors = sys.modules.get("fieldvisit.store.errors")
    if errors is None or not isinstance(err, errors.CorruptDatabase):
        return ""
    from fieldvisit.store.recovery import backup_files

    data_dir = _data_dir(args)
    found = backup_files(data_dir.backups)
    if not found:
        return f"Aucune sauvegarde dans {data_dir.backups}."
    from fieldvisit.store.backup import backup_time

    newest = found[0]
    taken = backup_time(newest)
    when = f" du {moment_text(taken)}" if taken is not None else ""
    option = f" --data-dir {data_dir.root}" if args.data_dir else ""
    return (
        f"Dernière sauvegarde{when} : {newest}\n"
        f"Pour la restaurer : fieldvisit{option} restore {newest}\n"
        "(la base actuelle est mise de côté dans mis-de-cote/, jamais supprimée ; les "
        "modifications non envoyées qu'elle contient encore sont reprises ; si cette "
        "sauvegarde ne convient pas, « fieldvisit backup --list » donne les autres)"
    )
