"""The sync account of this data dir, as far as the app's offers are concerned.

Its role and territories come from the login and `GET /me` (kept in `sync_state` by
the sync); the contact rules of `core/territories.py` use them so that the app only
offers what the server will accept. Before any login there is no account: nothing is
restricted (a laptop used offline only).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldvisit.core.errors import BadInput
from fieldvisit.core.territories import contact_territory, contact_writable, may_write
from fieldvisit.services.context import Services
from fieldvisit.store.sync_models import STATE_ROW, SyncState


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    territories: tuple[str, ...]

    def may_write(self, territory: str | None) -> bool:
        return may_write(self.role, self.territories, territory)

    def may_write_contact(self, commune_code: str | None) -> bool:
        return contact_writable(self.role, self.territories, commune_code)

    def where(self) -> str:
        """« départements 15, 43 » as said in messages."""
        if self.role == "admin":
            return "tous les départements"
        if not self.territories:
            return "aucun département"
        label = "département" if len(self.territories) == 1 else "départements"
        return f"{label} {', '.join(self.territories)}"


def parse_territories(text: str | None) -> tuple[str, ...]:
    return tuple(sorted(part for part in (text or "").split(",") if part))


def account_in(session: Session) -> Account | None:
    state = session.get(SyncState, STATE_ROW)
    if state is None or not state.username or not state.role:
        return None
    return Account(state.username, state.role, parse_territories(state.territories))


def current_account(svc: Services) -> Account | None:
    """The account this data dir syncs with, if its role is known."""
    with svc.store.reading() as session:
        return account_in(session)


def check_contact_writable(
    session: Session, commune_code: str | None, *, correcting: bool = False
) -> None:
    """Refuse (French) a contact the account's server would refuse: created, or corrected,
    in a commune of a département the account does not work in."""
    account = account_in(session)
    if account is None or account.may_write_contact(commune_code):
        return
    territory, _problem = contact_territory(commune_code, account.territories)
    who = f"votre compte {account.username} ({account.where()})"
    if correcting:
        raise BadInput(
            f"Ce contact relève du département {territory} : {who} ne peut pas le "
            f"corriger. Demandez-le à un agent du {territory} ; vous pouvez toujours "
            "l'ajouter comme participant."
        )
    raise BadInput(
        f"Cette commune est dans le département {territory} : {who} ne peut pas y créer "
        f"de contact (le serveur le refuserait). Demandez-le à un agent du {territory}."
    )


def linkable(account: Account | None, server_version: int, commune_code: str | None) -> bool:
    """Whether a contact can be made a participant or an interviewee: one the server has
    (the account reads it), or a new one the account may create."""
    return account is None or server_version > 0 or account.may_write_contact(commune_code)


def check_contact_linkable(session: Session, server_version: int, commune_code: str | None) -> None:
    account = account_in(session)
    if linkable(account, server_version, commune_code):
        return
    assert account is not None
    territory, _problem = contact_territory(commune_code, account.territories)
    raise BadInput(
        f"Ce contact (commune du département {territory}) ne peut pas être envoyé au serveur "
        f"par votre compte {account.username} ({account.where()}) : il ne peut donc pas "
        "être ajouté à une visite. Choisissez un autre contact."
    )


def contact_refusal(svc: Services, commune_code: str | None) -> str | None:
    """Why a new contact of this commune would be refused (French), or None: the contact
    dialog says so before anything is typed."""
    with svc.store.reading() as session:
        try:
            check_contact_writable(session, commune_code)
        except BadInput as err:
            return str(err)
    return None
