"""Logging in, logging out and running a sync round for one data dir.

The server, the user and the CA file are kept in the `sync_state` row; the token in
the OS keyring (or the 0600 file fallback, see `credentials.py`). A data dir is tied
to one server (its versions and cursor mean nothing to another one) and to one account
(`account.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fieldvisit.core.errors import BadInput
from fieldvisit.services.context import Services
from fieldvisit.sync.account import check_switch, clear_account_data, remember_user
from fieldvisit.sync.client import NotAuthenticated, SyncClient, SyncError, check_server_url
from fieldvisit.sync.credentials import token_store
from fieldvisit.sync.engine import Progress, SyncEngine, SyncReport
from fieldvisit.sync.local import read_sync_state, sync_state
from fieldvisit.sync.wire import UserInfo

if TYPE_CHECKING:
    import httpx


def login(
    svc: Services,
    server_url: str,
    username: str,
    password: str,
    *,
    device_name: str = "",
    ca_file: Path | None = None,
    http: httpx.Client | None = None,
    clear_previous_account: bool = False,
) -> UserInfo:
    """Sign in and keep the token. A data dir belongs to one account (sync/account.py):
    signing in as another one is refused (`AccountInUse`) unless everything is sent and
    `clear_previous_account` says to remove the previous account's data first."""
    url = server_url.rstrip("/") if http is not None else check_server_url(server_url)
    with svc.store.reading() as session:
        state = read_sync_state(session)
        previous_server, previous_user = state.server_url, state.username
        if previous_server and previous_server != url:
            raise BadInput(
                f"Ce dossier de données est lié au serveur {previous_server} ; pour un autre "
                "serveur, utilisez un autre dossier de données (--data-dir)."
            )
        switching = bool(previous_user) and previous_user != username
        if switching:
            assert previous_user is not None
            check_switch(session, previous_user, username, clear_previous_account)
    with SyncClient(url, ca_file=ca_file, http=http) as client:
        answer = client.login(username, password, svc.store.device_id, device_name)
    tokens = token_store(svc.data_dir.root, svc.store.keys)
    if switching:
        # Only now that the new account is known to the server: nothing is cleared for a
        # mistyped password. The previous account's token is forgotten with its data.
        assert previous_user is not None
        clear_account_data(svc)
        _end_session(url, tokens.get(url, previous_user), ca_file, http)
        tokens.delete(url, previous_user)
    tokens.set(url, username, answer.token)
    with svc.store.transaction() as session:
        state = sync_state(session)
        if state.username != username:
            state.cursor = 0
        state.server_url = url
        state.username = username
        state.ca_file = str(ca_file.resolve()) if ca_file is not None else None
        remember_user(session, answer.user)
    return answer.user


def _end_session(
    url: str, token: str | None, ca_file: Path | None, http: httpx.Client | None
) -> None:
    """Revoke a token on the server, if it can be reached (forgetting it is what counts)."""
    if not token:
        return
    try:
        with SyncClient(url, token, ca_file=ca_file, http=http) as client:
            client.logout()
    except SyncError:
        pass


@dataclass(frozen=True)
class SessionInfo:
    """Which server and user this data dir syncs with, and whether a token is kept."""

    server_url: str | None
    username: str | None
    ca_file: str | None
    signed_in: bool


def session_info(svc: Services) -> SessionInfo:
    """For the settings dialog. Reads the keyring: call it off the UI thread."""
    with svc.store.reading() as session:
        state = read_sync_state(session)
        url, username, ca_file = state.server_url, state.username, state.ca_file
    signed_in = bool(
        url and username and token_store(svc.data_dir.root, svc.store.keys).get(url, username)
    )
    return SessionInfo(url, username, ca_file, signed_in)


def configured_client(svc: Services, http: httpx.Client | None = None) -> SyncClient:
    with svc.store.reading() as session:
        state = read_sync_state(session)
        url, username, ca_file = state.server_url, state.username, state.ca_file
    if not url or not username:
        raise BadInput(
            "Aucun serveur de synchronisation : connectez-vous d'abord avec "
            "« fieldvisit login --server URL --user NOM »."
        )
    token = token_store(svc.data_dir.root, svc.store.keys).get(url, username)
    if not token:
        raise NotAuthenticated(
            f"Pas de session pour {username} sur {url} : reconnectez-vous avec "
            "« fieldvisit login »."
        )
    return SyncClient(url, token, ca_file=Path(ca_file) if ca_file else None, http=http)


def logout(svc: Services, http: httpx.Client | None = None) -> None:
    with svc.store.reading() as session:
        state = read_sync_state(session)
        url, username = state.server_url, state.username
    if not url or not username:
        return
    try:
        with configured_client(svc, http) as client:
            client.logout()
    except SyncError:
        pass  # offline or already refused: forgetting the token locally is what matters
    token_store(svc.data_dir.root, svc.store.keys).delete(url, username)


def sync_once(
    svc: Services, progress: Progress | None = None, http: httpx.Client | None = None
) -> SyncReport:
    with configured_client(svc, http) as client:
        return SyncEngine(svc, client, progress).run()
