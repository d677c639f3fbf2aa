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
    resolve.add_argument("--keep", required=True, choices=["local", "remote"])
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
    from fieldvisit.sync.conflicts import open_conflicts

    svc = _services(args)
    try:
        rows = open_conflicts(svc)
    finally:
        svc.close()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "table": c.table_name,
                        "record_id": c.record_id,
                        "field": c.field_name,
                        "kind": c.kind,
                        "local": c.local_value,
                        "remote": c.remote_value,
                        "base": c.base_value,
                    }
                    for c in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not rows:
        print("Aucun conflit à examiner.", file=sys.stderr)
    for c in rows:
        what = "suppression" if c.kind == "delete" else c.field_name
        print(
            f"{c.id}\t{c.table_name}\t{c.record_id}\t{what}\tici : {c.local_value!r}\t"
            f"serveur : {c.remote_value!r}"
        )
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from fieldvisit.sync.conflicts import resolve_conflict

    svc = _services(args)
    try:
        resolve_conflict(svc, args.conflict_id, args.keep)
    finally:
        svc.close()
    print("Conflit résolu ; le choix partira à la prochaine synchronisation.", file=sys.stderr)
    return 0
