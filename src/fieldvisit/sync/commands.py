"""`fieldvisit login`, `fieldvisit sync`, `fieldvisit conflicts …` (registered by cli.py).

`fieldvisit sync` exits 1 when changes stay refused (listed on stderr with the reason);
`fieldvisit conflicts refused` lists them and `conflicts retry|discard|copy ID` are the
ways out (sync/refusals.py); `conflicts set-aside` lists pulled records set aside.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from fieldvisit.core.argparse_fr import Commands
from fieldvisit.core.errors import BadInput

ENV_PASSWORD = "FIELDVISIT_PASSWORD"


def register(commands: Commands) -> None:
    login = commands.add_parser("login", help="se connecte à un serveur de synchronisation")
    login.add_argument("--server", required=True, metavar="URL", help="https://…")
    login.add_argument("--user", required=True, metavar="NOM")
    login.add_argument("--ca-file", type=Path, metavar="FICHIER", help="autorité de certification")
    login.add_argument(
        "--clear-previous-account",
        action="store_true",
        help="efface de ce dossier les données du compte précédent (tout doit être envoyé ; "
        "elles restent sur le serveur)",
    )
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
    refused = conflicts_cmd.add_parser(
        "refused", help="liste les modifications refusées par le serveur (non renvoyées)"
    )
    refused.add_argument("--json", action="store_true")
    refused.set_defaults(handler=cmd_refused_list)
    retry = conflicts_cmd.add_parser(
        "retry", help="renvoie telle quelle une modification refusée à la prochaine synchronisation"
    )
    retry.add_argument("record_id", metavar="ID")
    retry.set_defaults(handler=cmd_refused_retry)
    discard = conflicts_cmd.add_parser(
        "discard", help="abandonne une modification refusée (retour à la version du serveur)"
    )
    discard.add_argument("record_id", metavar="ID")
    discard.set_defaults(handler=cmd_refused_discard)
    copy = conflicts_cmd.add_parser(
        "copy", help="écrit une modification refusée dans un fichier texte (une copie)"
    )
    copy.add_argument("record_id", metavar="ID")
    copy.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER")
    copy.set_defaults(handler=cmd_refused_copy)
    aside = conflicts_cmd.add_parser(
        "set-aside", help="liste les enregistrements reçus mis de côté (non appliqués)"
    )
    aside.add_argument("--json", action="store_true")
    aside.set_defaults(handler=cmd_set_aside_list)


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
    import getpass

    return getpass.getpass(f"Mot de passe de {user} : ")


def cmd_login(args: argparse.Namespace) -> int:
    import socket

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
            clear_previous_account=args.clear_previous_account,
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
    from fieldvisit.paths import resolve_data_dir
    from fieldvisit.security.keysource import default_key_source
    from fieldvisit.sync.quick import nothing_to_sync

    data_dir, keys = resolve_data_dir(args.data_dir), default_key_source()
    announced: list[bool] = []

    def announce() -> None:  # once, when the data dir is open (either way)
        if not announced:
            announced.append(True)
            print("Synchronisation…", file=sys.stderr)

    # A round with nothing to do is found out without the sync engine (sync/quick.py);
    # anything else is the full round, from the start. One key source: one passphrase.
    if nothing_to_sync(data_dir, keys, announce):
        from fieldvisit.sync.report import SyncReport

        print(SyncReport().describe(), file=sys.stderr)
        return 0
    from fieldvisit.services import Services
    from fieldvisit.services.backups import backup_after_sync
    from fieldvisit.sync.session import sync_once

    svc = Services.open(data_dir, keys=keys)
    try:
        announce()
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
    for line in report.waiting:
        print(f"  en attente (renvoyé à la prochaine synchronisation) : {line}", file=sys.stderr)
    for line in report.set_aside:
        print(f"  reçu mis de côté : {line}", file=sys.stderr)
    for line in report.forms_rejected:
        print(f"  refusé : {line}", file=sys.stderr)
    for line in report.reference:
        print(f"  données publiques reçues : {line}", file=sys.stderr)
    for line in report.reference_rejected:
        print(
            f"  données publiques refusées (reprises à la prochaine fois) : {line}", file=sys.stderr
        )
    for sha in report.missing_files:
        print(f"  fichier joint absent de cet ordinateur : {sha}", file=sys.stderr)
    if report.refused:
        print(
            f"{report.refused} modification(s) refusée(s) par le serveur ne seront pas renvoyées "
            f"telles quelles{_held_with(report.held_with)} : « fieldvisit conflicts refused » "
            "les liste ; corrigez-les dans l'application, ou "
            "« fieldvisit conflicts copy|discard|retry ID ».",
            file=sys.stderr,
        )
        return 1
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
    _mention_refused(args)
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


def _held_with(count: int) -> str:
    """The records that wait with refused ones (never sent, they need them): counted
    apart, since the server never refused them."""
    if not count:
        return ""
    return f" (et {count} autre(s) qui en dépend(ent), retenue(s) avec elles)"


def _mention_refused(args: argparse.Namespace) -> None:
    from fieldvisit.sync.status import sync_status

    svc = _services(args)
    try:
        status = sync_status(svc)
    finally:
        svc.close()
    if status.refused:
        print(
            f"{status.refused} modification(s) refusée(s) par le serveur"
            f"{_held_with(status.held_with)} : fieldvisit conflicts refused",
            file=sys.stderr,
        )
    if status.set_aside:
        print(
            f"{status.set_aside} enregistrement(s) reçu(s) mis de côté : "
            "fieldvisit conflicts set-aside",
            file=sys.stderr,
        )


def cmd_refused_list(args: argparse.Namespace) -> int:
    from fieldvisit.sync.refusals import refused_changes

    svc = _services(args)
    try:
        rows = refused_changes(svc)
    finally:
        svc.close()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "table": c.table,
                        "record_id": c.record_id,
                        "code": c.code,
                        "reason": c.reason,
                        "refused_by": c.refused_by,
                        "refused_at": c.refused_at.isoformat(),
                        "visit_id": c.visit_id,
                        "label": c.record_label,
                        "never_sent": c.never_sent,
                        "fields": c.fields,
                    }
                    for c in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not rows:
        print("Aucune modification refusée.", file=sys.stderr)
    for c in rows:
        where = f"{c.commune_name} ({c.departement})" if c.visit_id else "-"
        by = "cet ordinateur" if c.refused_by == "local" else "serveur"
        print(f"{c.record_id}\t{c.table}\t{where}\t{c.record_label}\t{by} : {c.reason}")
    return 0


def _refused_key(svc: Any, record_id: str) -> tuple[str, str]:
    from fieldvisit.sync.refusals import refused_changes

    matches = [c.key for c in refused_changes(svc) if c.record_id == record_id]
    if not matches:
        raise BadInput(
            f"Aucune modification refusée « {record_id} » : « fieldvisit conflicts refused » "
            "liste celles qui le sont."
        )
    if len(matches) > 1:
        raise BadInput(f"« {record_id} » désigne plusieurs enregistrements refusés.")
    return matches[0]


def cmd_refused_retry(args: argparse.Namespace) -> int:
    from fieldvisit.sync.refusals import retry

    svc = _services(args)
    try:
        retry(svc, *_refused_key(svc, args.record_id))
    finally:
        svc.close()
    print(
        "La modification sera renvoyée telle quelle à la prochaine synchronisation.",
        file=sys.stderr,
    )
    return 0


def cmd_refused_discard(args: argparse.Namespace) -> int:
    from fieldvisit.sync.refusals import discard

    svc = _services(args)
    try:
        removed = discard(svc, *_refused_key(svc, args.record_id))
    finally:
        svc.close()
    if removed:
        print(
            f"Modification abandonnée : {removed} enregistrement(s) jamais envoyé(s) retiré(s) "
            "de cet ordinateur.",
            file=sys.stderr,
        )
    else:
        print("Modification abandonnée : retour à la version du serveur.", file=sys.stderr)
    return 0


def cmd_refused_copy(args: argparse.Namespace) -> int:
    from fieldvisit.sync.refusals import export_copy

    svc = _services(args)
    try:
        path = export_copy(svc, *_refused_key(svc, args.record_id), args.output)
    finally:
        svc.close()
    print(f"Copie écrite : {path}", file=sys.stderr)
    return 0


def cmd_set_aside_list(args: argparse.Namespace) -> int:
    from fieldvisit.sync.vetting import set_aside_entries

    svc = _services(args)
    try:
        with svc.store.reading() as session:
            rows = set_aside_entries(session)
    finally:
        svc.close()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "table": e.table,
                        "record_id": e.record_id,
                        "version": e.version,
                        "code": e.code,
                        "reason": e.reason,
                        "set_aside_at": e.set_aside_at.isoformat(),
                        "updated_by_user": e.updated_by_user,
                    }
                    for e in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not rows:
        print("Aucun enregistrement reçu mis de côté.", file=sys.stderr)
    for e in rows:
        print(f"{e.record_id}\t{e.table}\tv{e.version}\t{e.updated_by_user or '-'}\t{e.reason}")
    return 0
