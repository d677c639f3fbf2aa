"""`fieldvisit actions list` (registered by cli.py): the Suivi des actions in a terminal.

    fieldvisit actions list [--overdue] [--commune CODE …] [--json]

The same rows as the app's view (screens/action_tracking.py): the current copy of each
action of the visits this account follows, by commune.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from fieldvisit.core.argparse_fr import Commands
from fieldvisit.core.errors import BadInput

EXIT_OK = 0


def register(commands: Commands) -> None:
    actions = commands.add_parser(
        "actions", help="suivi des actions des plans d'actions de toutes les visites"
    )
    actions_cmd = actions.add_subparsers(dest="actions_command", required=True, metavar="ACTION")
    listing = actions_cmd.add_parser(
        "list", help="liste les actions (la copie la plus récente de chacune), par commune"
    )
    listing.add_argument("--overdue", action="store_true", help="seulement les actions en retard")
    listing.add_argument(
        "--commune",
        nargs="+",
        action="extend",
        default=[],
        metavar="CODE",
        help="seulement ces communes (codes INSEE)",
    )
    listing.add_argument("--json", action="store_true", help="en JSON")
    listing.set_defaults(handler=cmd_actions_list)


def commune_codes(codes: list[str], communes: Any) -> list[str]:
    """The INSEE codes given, checked: well formed, and communes of the reference."""
    checked = []
    for raw in codes:
        code = raw.strip().upper()
        if not (len(code) == 5 and code[:2].isalnum() and code[2:].isdigit()):
            raise BadInput(
                f"Code INSEE invalide : « {raw} » (5 caractères, par exemple 15187 ou 2A004)."
            )
        if communes.get(code) is None:
            raise BadInput(
                f"Commune inconnue : code INSEE « {code} ». Cherchez le code avec "
                "« fieldvisit communes search NOM »."
            )
        checked.append(code)
    return checked


def cmd_actions_list(args: argparse.Namespace) -> int:
    from fieldvisit.core.dates import day_text
    from fieldvisit.paths import resolve_data_dir
    from fieldvisit.reference import CommuneIndex
    from fieldvisit.screens.action_tracking import (
        load_action_tracking,
        porteur_label,
        status_label,
    )
    from fieldvisit.services import Services

    codes = set(commune_codes(args.commune, CommuneIndex.load())) if args.commune else set()
    svc = Services.open(resolve_data_dir(args.data_dir))
    try:
        tracking = load_action_tracking(svc)
    finally:
        svc.close()
    rows = [
        a
        for a in tracking.actions
        if (not args.overdue or a.late) and (not codes or a.commune_code in codes)
    ]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": a.id,
                        "visit_id": a.visit_id,
                        "visit_date": a.visit_date.isoformat(),
                        "commune_code": a.commune_code,
                        "commune": a.commune_name,
                        "departement": a.departement,
                        "text": a.text,
                        "theme": a.theme,
                        "priority": a.priority,
                        "horizon": a.horizon,
                        "porteur": a.porteur,
                        "dispositifs": list(a.dispositifs),
                        "due_date": a.due_date.isoformat() if a.due_date else None,
                        "status": a.status,
                        "overdue": a.late,
                        "to_review": a.to_review,
                        "pvd": a.pvd,
                    }
                    for a in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if not rows:
        what = "en retard" if args.overdue else "dans les plans d'actions"
        print(f"Aucune action {what}.")
        return EXIT_OK
    for a in rows:
        due = day_text(a.due_date) if a.due_date else "sans échéance"
        first_line = a.text.strip().splitlines()[0] if a.text.strip() else ""
        state = a.state_label if (a.late or a.to_review) else status_label(a.status)
        print(
            f"{a.id}\t{a.commune_name} ({a.commune_code})\tP{a.priority}\t{state}\t{due}\t"
            f"{porteur_label(a.porteur)}\t{first_line}"
        )
    return EXIT_OK
