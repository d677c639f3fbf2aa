"""`fieldvisit-server`: run the sync server, manage accounts, devices and forms.

    fieldvisit-server run --db URL [--host 127.0.0.1 --port 8000] [--files DIR]
                          [--ssl-certfile CERT --ssl-keyfile KEY] [--log-dir DIR]
                          [--forwarded-allow-ips IPS]
    fieldvisit-server users add NAME --role agent --territories 15,43
    fieldvisit-server users passwd NAME [--keep-sessions] | users list
    fieldvisit-server devices list [--user NAME] | devices revoke ID…
    fieldvisit-server forms publish FILE.toml…
    fieldvisit-server backup FILE | restore FILE     (SQLite; PostgreSQL: pg_dump/pg_restore)
    fieldvisit-server restored                       (after pg_restore: laptops re-send)
    fieldvisit-server files ref SHA256…              (the reference the logs give a file)
    fieldvisit-server reference import FILE… | reference list   (public datasets for laptops)

--db is a SQLAlchemy URL (sqlite+pysqlite:///path, postgresql+psycopg://…) or a plain
path to a SQLite file; default FIELDVISIT_SERVER_DB, else ./fieldvisit-server.sqlite3.
Passwords come from a prompt, or FIELDVISIT_SERVER_PASSWORD for scripts.
Exit codes: 0 ok, 1 operation failed, 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from fieldvisit.core.argparse_fr import Commands, FrenchArgumentParser
from fieldvisit.core.clock import utc_now
from fieldvisit.core.errors import BadInput, FieldvisitError
from fieldvisit.server.auth import (
    Passwords,
    check_new_password,
    check_role,
    check_username,
    end_sessions,
    find_user,
    parse_territories,
)
from fieldvisit.server.db import Database, make_server_engine, migrate, normalise_url
from fieldvisit.server.forms import FormRejected, publish_form
from fieldvisit.server.models import Device, User

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
ENV_DB = "FIELDVISIT_SERVER_DB"
ENV_PASSWORD = "FIELDVISIT_SERVER_PASSWORD"


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=os.environ.get(ENV_DB, "fieldvisit-server.sqlite3"),
        help="base de données : URL SQLAlchemy ou chemin d'un fichier SQLite",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="fieldvisit-server",
        description="Serveur de synchronisation fieldvisit : comptes, appareils, formulaires.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True)

    run = commands.add_parser("run", help="démarre le serveur (uvicorn)")
    _db_option(run)
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--files", type=Path, help="dossier des pièces jointes")
    run.add_argument("--ssl-certfile", help="certificat TLS (sinon : derrière un proxy HTTPS)")
    run.add_argument("--ssl-keyfile", help="clé privée TLS")
    run.add_argument(
        "--log-dir",
        type=Path,
        help="dossier des journaux JSON (access.jsonl, audit.jsonl, errors.jsonl) ; "
        "sinon : sur la sortie d'erreur",
    )
    run.add_argument(
        "--forwarded-allow-ips",
        help="adresses des proxys dont les en-têtes X-Forwarded-* sont crus (défaut : 127.0.0.1)",
    )
    run.set_defaults(handler=cmd_run)

    users = commands.add_parser("users", help="comptes")
    users_cmd = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = users_cmd.add_parser("add", help="crée un compte")
    _db_option(add)
    add.add_argument("username", metavar="NOM")
    add.add_argument("--role", required=True, help="agent, coordinateur ou admin")
    add.add_argument("--territories", default="", help="départements, ex. 15,43")
    add.set_defaults(handler=cmd_users_add)
    passwd = users_cmd.add_parser("passwd", help="change un mot de passe")
    _db_option(passwd)
    passwd.add_argument("username", metavar="NOM")
    passwd.add_argument(
        "--keep-sessions",
        action="store_true",
        help="laisse connectés les appareils du compte (par défaut, ils doivent se "
        "reconnecter avec le nouveau mot de passe)",
    )
    passwd.set_defaults(handler=cmd_users_passwd)
    ulist = users_cmd.add_parser("list", help="liste les comptes")
    _db_option(ulist)
    ulist.set_defaults(handler=cmd_users_list)

    devices = commands.add_parser("devices", help="appareils connectés")
    devices_cmd = devices.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    dlist = devices_cmd.add_parser("list", help="liste les appareils")
    _db_option(dlist)
    dlist.add_argument("--user")
    dlist.set_defaults(handler=cmd_devices_list)
    revoke = devices_cmd.add_parser("revoke", help="révoque le jeton d'appareils")
    _db_option(revoke)
    revoke.add_argument("ids", nargs="+", type=int, metavar="ID")
    revoke.set_defaults(handler=cmd_devices_revoke)

    forms = commands.add_parser("forms", help="formulaires publiés")
    forms_cmd = forms.add_subparsers(dest="forms_command", required=True, metavar="ACTION")
    fpub = forms_cmd.add_parser("publish", help="publie des définitions de formulaires")
    _db_option(fpub)
    fpub.add_argument("paths", nargs="+", type=Path, metavar="FICHIER")
    fpub.add_argument("--as", dest="as_user", required=True, help="administrateur qui publie")
    fpub.set_defaults(handler=cmd_forms_publish)
    _restore_commands(commands)
    _reference_commands(commands)
    return parser


# --- public datasets (server/reference.py) ---------------------------------------------


def _reference_commands(commands: Commands) -> None:
    reference = commands.add_parser(
        "reference", help="données publiques distribuées aux ordinateurs de chaque territoire"
    )
    actions = reference.add_subparsers(dest="reference_command", required=True, metavar="ACTION")
    do_import = actions.add_parser(
        "import",
        help="importe des fichiers tels que data.gouv.fr les publie ; chacun remplace son jeu "
        "de données s'il est entier",
    )
    _db_option(do_import)
    do_import.add_argument("paths", nargs="+", type=Path, metavar="FICHIER")
    do_import.add_argument("--edition", metavar="TEXTE", help="nom de l'édition")
    do_import.set_defaults(handler=cmd_reference_import)
    listing = actions.add_parser("list", help="liste les jeux de données détenus")
    _db_option(listing)
    listing.set_defaults(handler=cmd_reference_list)


def cmd_reference_import(args: argparse.Namespace) -> int:
    from fieldvisit.reference.datasets import DatasetError
    from fieldvisit.server import logs
    from fieldvisit.server.reference import import_reference
    from fieldvisit.server.validation import communes

    territories = communes().departements
    db = _open(args)
    failed = 0
    try:
        for path in args.paths:
            try:
                done = import_reference(
                    db, path, territories=territories, now=utc_now(), edition=args.edition
                )
            except DatasetError as err:
                failed += 1
                print(f"fieldvisit-server : {err} — jeu de données inchangé.", file=sys.stderr)
                continue
            logs.audit("reference_imported", dataset=done.dataset, rows=done.rows, parts=done.parts)
            print(done.describe(), file=sys.stderr)
    finally:
        db.close()
    return EXIT_BAD_INPUT if failed else EXIT_OK


def cmd_reference_list(args: argparse.Namespace) -> int:
    from fieldvisit.reference.datasets import DATASETS
    from fieldvisit.server.reference import held_datasets

    db = _open(args)
    with db.reading() as session:
        held = {row.dataset: row for row in held_datasets(session)}
    db.close()
    for key, info in DATASETS.items():
        row = held.get(key)
        if row is None:
            print(f"{info.title}\tnon importé")
            continue
        count = f"{row.rows:,}".replace(",", " ")
        print(
            f"{info.title}\tédition « {row.edition} »\timporté le "
            f"{row.imported_at:%Y-%m-%d %H:%M} UTC\t{row.source}\t{count} ligne(s)"
        )
    return EXIT_OK


# --- backup and restore (server/backup.py) ---------------------------------------------


def _restore_commands(commands: Commands) -> None:
    backup = commands.add_parser(
        "backup", help="sauvegarde la base SQLite (PostgreSQL : pg_dump, voir le README)"
    )
    _db_option(backup)
    backup.add_argument("file", type=Path, metavar="FICHIER", help="la sauvegarde à écrire")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser(
        "restore", help="remet une sauvegarde SQLite en place (serveur arrêté)"
    )
    _db_option(restore)
    restore.add_argument("file", type=Path, metavar="FICHIER", help="la sauvegarde à remettre")
    restore.set_defaults(handler=cmd_restore)
    restored = commands.add_parser(
        "restored",
        help="après pg_restore : nouvelle époque, les ordinateurs renvoient ce qui manque",
    )
    _db_option(restored)
    restored.set_defaults(handler=cmd_restored)
    files = commands.add_parser("files", help="fichiers joints")
    files_cmd = files.add_subparsers(dest="files_command", required=True, metavar="ACTION")
    ref = files_cmd.add_parser("ref", help="la référence d'un fichier dans les journaux")
    _db_option(ref)
    ref.add_argument("hashes", nargs="+", metavar="SHA256")
    ref.set_defaults(handler=cmd_files_ref)


AFTER_RESTORE = (
    "Les ordinateurs le remarqueront à leur prochaine synchronisation et renverront ce "
    "que la sauvegarde ne contient pas ; les appareils connectés après la sauvegarde "
    "devront se reconnecter. Gardez le dossier des pièces jointes actuel."
)


def cmd_backup(args: argparse.Namespace) -> int:
    from fieldvisit.server.backup import backup_sqlite

    target = backup_sqlite(args.db, args.file)
    print(f"Sauvegarde écrite : {target}.", file=sys.stderr)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from fieldvisit.server.backup import restore_sqlite

    aside, _epoch = restore_sqlite(args.db, args.file, utc_now())
    print(
        f"Sauvegarde {args.file} remise en place ; la base d'avant est gardée dans {aside}. "
        + AFTER_RESTORE,
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_restored(args: argparse.Namespace) -> int:
    from fieldvisit.server.backup import renew_after_restore

    renew_after_restore(args.db, utc_now())
    print("Base déclarée restaurée (nouvelle époque). " + AFTER_RESTORE, file=sys.stderr)
    return EXIT_OK


def cmd_files_ref(args: argparse.Namespace) -> int:
    from fieldvisit.server import epoch
    from fieldvisit.sync.wire import SHA256_RE

    wrong = [h for h in args.hashes if not SHA256_RE.fullmatch(h.lower())]
    if wrong:
        raise BadInput(
            f"Empreinte SHA-256 invalide : « {wrong[0][:80]} » (64 chiffres hexadécimaux)."
        )
    db = _open(args)
    with db.transaction() as session:
        key = epoch.state(session).log_key
    db.close()
    for sha in args.hashes:
        print(f"{sha.lower()}\t{epoch.file_reference(key, sha.lower())}")
    return EXIT_OK


def _open(args: argparse.Namespace) -> Database:
    engine = make_server_engine(args.db)
    migrate(engine)
    return Database(engine)


def _password(prompt: str) -> str:
    password = os.environ.get(ENV_PASSWORD)
    if password is None:
        if not sys.stdin.isatty():
            raise BadInput(f"Mot de passe : saisissez-le au clavier ou passez {ENV_PASSWORD}.")
        password = getpass.getpass(prompt)
        if getpass.getpass("Confirmez : ") != password:
            raise BadInput("Les deux saisies diffèrent.")
    check_new_password(password)
    return password


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    from fieldvisit.server import logs
    from fieldvisit.server.app import create_app

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise BadInput("TLS : donnez --ssl-certfile et --ssl-keyfile ensemble.")
    for option in (args.ssl_certfile, args.ssl_keyfile):
        if option and not Path(option).is_file():
            raise BadInput(f"Fichier TLS introuvable : {option}.")
    try:
        logs.configure(args.log_dir)
    except OSError as err:
        raise BadInput(f"Dossier des journaux inutilisable : {args.log_dir} ({err}).") from err
    url = normalise_url(args.db)
    app = create_app(url, args.files)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_config=None,  # keep the handlers set by logs.configure
        log_level="info",
        access_log=False,  # replaced by our JSON access log (no query strings)
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    return EXIT_OK


def cmd_users_add(args: argparse.Namespace) -> int:
    check_username(args.username)
    role = check_role(args.role)
    territories = parse_territories(args.territories)
    if role != "admin" and not territories:
        raise BadInput("Un agent ou un coordinateur a au moins un territoire (--territories).")
    db = _open(args)
    with db.reading() as session:
        if find_user(session, args.username) is not None:
            raise BadInput(f"Le compte « {args.username} » existe déjà.")
    password = _password(f"Mot de passe de {args.username} : ")
    with db.transaction() as session:
        session.add(
            User(
                username=args.username,
                password_hash=Passwords().hash(password),
                role=role,
                territories=",".join(territories),
                created_at=utc_now(),
                disabled=False,
            )
        )
    db.close()
    print(f"Compte « {args.username} » créé ({role}).", file=sys.stderr)
    return EXIT_OK


def cmd_users_passwd(args: argparse.Namespace) -> int:
    db = _open(args)
    with db.reading() as session:
        if find_user(session, args.username) is None:
            raise BadInput(f"Compte inconnu : « {args.username} ».")
    password = _password(f"Nouveau mot de passe de {args.username} : ")
    with db.transaction() as session:
        user = find_user(session, args.username)
        assert user is not None
        user.password_hash = Passwords().hash(password)
        ended = 0 if args.keep_sessions else end_sessions(session, user, utc_now())
    db.close()
    if args.keep_sessions:
        sessions = "ses appareils restent connectés (--keep-sessions)"
    else:
        sessions = f"{ended} appareil(s) déconnecté(s), à reconnecter avec le nouveau mot de passe"
    print(f"Mot de passe de « {args.username} » changé ; {sessions}.", file=sys.stderr)
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    db = _open(args)
    with db.reading() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            where = "tous" if user.role == "admin" else user.territories.replace(",", " ")
            state = "\tdésactivé" if user.disabled else ""
            print(f"{user.username}\t{user.role}\t{where}{state}")
    db.close()
    return EXIT_OK


def cmd_devices_list(args: argparse.Namespace) -> int:
    db = _open(args)
    now = utc_now()
    with db.reading() as session:
        query = select(Device, User).join(User, User.id == Device.user_id).order_by(Device.id)
        if args.user:
            query = query.where(User.username == args.user)
        for device, user in session.execute(query):
            if device.revoked_at is not None:
                state = f"révoqué le {device.revoked_at:%d/%m/%Y %H:%M}"
            elif device.expires_at <= now:
                state = "expiré"
            else:
                state = f"actif jusqu'au {device.expires_at:%d/%m/%Y}"
            seen = f"{device.last_seen_at:%d/%m/%Y %H:%M}" if device.last_seen_at else "—"
            print(
                f"{device.id}\t{user.username}\t{device.name or device.device_id}\t{state}\t{seen}"
            )
    db.close()
    return EXIT_OK


def cmd_devices_revoke(args: argparse.Namespace) -> int:
    db = _open(args)
    now = utc_now()
    with db.transaction() as session:
        missing = [i for i in args.ids if session.get(Device, i) is None]
        if missing:
            raise BadInput(f"Appareil(s) inconnu(s) : {', '.join(map(str, missing))}.")
        for device_id in args.ids:
            device = session.get(Device, device_id)
            if device is not None and device.revoked_at is None:
                device.revoked_at = now
    db.close()
    print(f"{len(args.ids)} appareil(s) révoqué(s).", file=sys.stderr)
    return EXIT_OK


def cmd_forms_publish(args: argparse.Namespace) -> int:
    db = _open(args)
    with db.reading() as session:
        admin = find_user(session, args.as_user)
    if admin is None or admin.role != "admin":
        raise BadInput(f"« {args.as_user} » n'est pas un administrateur.")
    for path in args.paths:
        try:
            raw = path.read_bytes()
            document = tomllib.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise BadInput(f"{path} : illisible ({err}).") from err
        except RecursionError as err:
            raise BadInput(f"{path} : illisible (imbrication trop profonde).") from err
        version = document.get("version", 0)
        if not isinstance(version, int):
            raise BadInput(f"{path} : « version » doit être un entier.")
        try:
            with db.transaction() as session:
                _form, created = publish_form(
                    session, str(document.get("id", "")), version, raw, admin.id, utc_now()
                )
        except FormRejected as err:
            raise BadInput(f"{path} : {err}") from err
        verb = "publié" if created else "déjà publié"
        print(f"{path.name} : {verb}.", file=sys.stderr)
    db.close()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except BadInput as err:
        print(f"fieldvisit-server : {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except FieldvisitError as err:
        print(f"fieldvisit-server : {err}", file=sys.stderr)
        return EXIT_FAILED
    except OperationalError as err:
        print(f"fieldvisit-server : base de données injoignable ({err.orig}).", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
