"""`fieldvisit login`, `fieldvisit sync`, `fieldvisit conflicts …` (registered by cli.py)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from fieldvisit.core.errors import BadInput

ENV_PASSWORD = "FIELDVISIT_PASSWORD"


def register(commands: Any) -> None:
    login = commands.add_parser("login", help="se connecte à un serveur de synchronisation")
    login.add_argument("--server", required=True, metavar="URL", help="https://…")
    login.add_argument("--user", required=True, metavar="NOM")
    login.add_argument("--ca-file", type=Path, metavar="FICHIER", help="autorité de certification")
    login.set_defaults(handler=cmd_login)

    logout = commands.add_parser("logout", help="se déconnecte du serveur (oublie le jeton)")
    logout.set_defaults(handler=cmd_logout)

    sync = commands.add_parser("sync", help="une synchronisation avec le serveur")
    sync.set_defaults(handler=cmd_sync)

    conflicts = commands.add_parser("conflicts", help="conflits de synchronisation")
    conflicts_cmd = conflicts.add_subparsers(dest="conflicts_command", required=True)
    clist = conflicts_cmd.add_parser("list", help="liste les conflits à examiner")
    clist.add_argument("--json", action="store_true")
    clist.set_defaults(handler=cmd_conflicts_list)
    resolve = conflicts_cmd.add_parser("resolve", help="résout un conflit")
    resolve.add_argument("conflict_id", metavar="ID")
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument(
        "--keep",
        choices=["local", "remote"],
        help="garde la valeur de cet ordinateur (local) ou l'autre (remote : serveur, archive)",
    )
    choice.add_argument("--value", metavar="TEXTE", help="le texte à garder (champs de texte)")
    resolve.set_defaults(handler=cmd_conflicts_resolve)


def _services(args: argparse.Namespace) -> Any:
    from fieldvisit.paths import resolve_data_dir
    from fieldvisit.services import Services

    return Services.open(resolve_data_dir(args.data_dir))


def _password(user: str) -> str:
    password = os.environ.get(ENV_PASSWORD)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise BadInput(f"Mot de passe : saisissez-le au clavier ou passez {ENV_PASSWORD}.")
    return getpass.getpass(f"Mot de passe de {user} : ")


def cmd_login(args: argparse.Namespace) -> int:
    from fieldvisit.sync.session import login

    svc = _services(args)
    try:
        user = login(
            svc,
            args.server,
            args.user,
            _password(args.user),
            device_name=socket.gethostname(),
            ca_file=args.ca_file,
        )
    finally:
        svc.close()
    where = "tous les territoires" if user.role == "admin" else ", ".join(user.territories)
    print(
        f"Connecté en tant que {user.username} ({user.role} ; {where}). "
        "Lancez « fieldvisit sync » pour synchroniser.",
        file=sys.stderr,
    )
    return 0


def cmd_logout(args: argparse.Namespace) -> int:
    from fieldvisit.sync.session import logout

    svc = _services(args)
    try:
        logout(svc)
    finally:
        svc.close()
    print("Déconnecté : le jeton de cet appareil est oublié.", file=sys.stderr)
    return 0


def _progress(stage: str, done: int, total: int) -> None:
    labels = {
        "upload": "fichiers joints envoyés",
        "pull": "modifications reçues",
        "push": "modifications envoyées",
    }
    print(f"  {labels.get(stage, stage)} : {done}/{total}", file=sys.stderr)


def cmd_sync(args: argparse.Namespace) -> int:
    from fieldvisit.services.backups import backup_after_sync
    from fieldvisit.sync.session import sync_once

    svc = _services(args)
    try:
        print("Synchronisation…", file=sys.stderr)
        report = sync_once(svc, progress=_progress)
        backup = backup_after_sync(svc, report)  # services/backups.py: checked, rotated
    finally:
        svc.close()
    if report.server_restored:  # before the counts: what the re-offers were
        print(report.notices[0], file=sys.stderr)
    print(report.describe(), file=sys.stderr)
    if backup.kind == "made":
        print(f"Sauvegarde : {backup.path}", file=sys.stderr)
    elif backup.kind in ("damaged", "failed"):
        print(f"Attention : {backup.message}", file=sys.stderr)
    for line in report.rejected:
        print(f"  refusé : {line}", file=sys.stderr)
    for line in report.unsent_files:
        print(f"  fichier joint non envoyé : {line}", file=sys.stderr)
    for sha in report.missing_files:
        print(f"  fichier joint absent de cet ordinateur : {sha}", file=sys.stderr)
    return 0


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    from fieldvisit.sync.conflicts import conflict_entries

    svc = _services(args)
    try:
        entries = conflict_entries(svc)
    finally:
        svc.close()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "table": e.table,
                        "record_id": e.record_id,
                        "field": e.field_name,
                        "kind": e.conflict_kind,
                        "source": e.source,
                        "local": e.local,
                        "remote": e.remote,
                        "base": e.base,
                        "record_version": e.record_version,
                        "explanation": e.explanation,
                    }
                    for e in entries
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not entries:
        print("Aucun conflit à examiner.", file=sys.stderr)
    for e in entries:
        where = f"{e.commune_name} ({e.departement}) · " if e.visit_id else ""
        if e.conflict_kind == "delete":
            print(f"{e.id}\t{e.table}\t{e.record_id}\tsuppression\t{where}{e.explanation}")
            continue
        other = "archive" if e.source == "import" else "serveur"
        print(
            f"{e.id}\t{e.table}\t{e.record_id}\t{e.field_name}\t{where}{e.record_label}\t"
            f"ici : {e.local!r}\t{other} : {e.remote!r}"
        )
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from fieldvisit.sync.conflicts import resolve_conflict

    svc = _services(args)
    try:
        if args.value is not None:
            resolve_conflict(svc, args.conflict_id, "value", args.value)
        else:
            resolve_conflict(svc, args.conflict_id, args.keep)
    finally:
        svc.close()
    print("Conflit résolu ; le choix partira à la prochaine synchronisation.", file=sys.stderr)
    return 0
