"""The HTTP client's French errors, HTTPS rules and the token store."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import httpx
import pytest

from fieldvisit.core.errors import BadInput
from fieldvisit.sync import credentials
from fieldvisit.sync.client import (
    AccessDenied,
    ConnectionLost,
    NotAuthenticated,
    RequestRefused,
    ServerUnreachable,
    SyncClient,
    SyncError,
    check_server_url,
)
from fieldvisit.sync.credentials import FileTokens, token_store


def _client(handler) -> SyncClient:  # type: ignore[no-untyped-def]
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return SyncClient("https://serveur.example", "jeton", http=http)


def _answer(status: int, detail: str = "", code: str = "x"):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"detail": detail, "code": code})

    return handler


def test_only_https_except_on_this_machine() -> None:
    assert check_server_url("https://serveur.fr/") == "https://serveur.fr"
    assert check_server_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    with pytest.raises(BadInput, match="non chiffrée"):
        check_server_url("http://serveur.fr")
    with pytest.raises(BadInput, match="invalide"):
        check_server_url("serveur.fr")


def test_a_missing_ca_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="autorité de certification"):
        SyncClient("https://serveur.fr", ca_file=tmp_path / "absent.pem")


def test_server_down_is_a_clear_message() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nobody listens there once closed
    client = SyncClient(f"http://127.0.0.1:{port}", "jeton")
    with pytest.raises(ServerUnreachable, match="Serveur injoignable"):
        client.pull(0, 10)


def test_timeouts_and_cuts_are_connection_lost() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("trop long", request=request)

    def cut(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("coupé", request=request)

    with pytest.raises(ConnectionLost, match="ne répond pas"):
        _client(slow).pull(0, 10)
    with pytest.raises(ConnectionLost, match="coupée"):
        _client(cut).pull(0, 10)


@pytest.mark.parametrize(
    ("status", "error", "text"),
    [
        (401, NotAuthenticated, "Session expirée"),
        (403, AccessDenied, "Accès refusé"),
        (413, RequestRefused, "trop volumineuse"),
        (422, RequestRefused, "invalide"),
        (500, ServerUnreachable, "en difficulté"),
        (503, ServerUnreachable, "en difficulté"),
    ],
)
def test_http_errors_become_typed_french_errors(status: int, error: type, text: str) -> None:
    detail = {401: "Session expirée", 403: "Accès refusé", 413: "Requête trop volumineuse",
              422: "Requête invalide"}.get(status, "")  # fmt: skip
    with pytest.raises(error, match=text):
        _client(_answer(status, detail)).pull(0, 10)


def test_an_unexpected_answer_is_a_sync_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"records": "?"})

    with pytest.raises(SyncError, match="Réponse inattendue"):
        _client(handler).pull(0, 10)


def test_no_token_means_log_in_first() -> None:
    client = SyncClient("https://serveur.fr")
    with pytest.raises(NotAuthenticated, match="fieldvisit login"):
        client.pull(0, 10)


def test_file_tokens_are_private(tmp_path: Path) -> None:
    store = FileTokens(tmp_path / "credentials.json")
    store.set("https://s", "alice", "secret")
    store.set("https://s", "bob", "autre")
    assert store.get("https://s", "alice") == "secret"
    mode = stat.S_IMODE((tmp_path / "credentials.json").stat().st_mode)
    assert mode == 0o600
    store.delete("https://s", "alice")
    assert store.get("https://s", "alice") is None and store.get("https://s", "bob") == "autre"


def test_without_a_usable_keyring_the_file_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.delenv("FIELDVISIT_CREDENTIALS", raising=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    store = token_store(tmp_path)
    store.set("https://s", "alice", "secret")
    assert FileTokens(tmp_path / "credentials.json").get("https://s", "alice") == "secret"
    assert store.get("https://s", "alice") == "secret"
    store.delete("https://s", "alice")
    assert store.get("https://s", "alice") is None


def test_a_token_kept_in_the_file_is_read_without_asking_the_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the keyring refused the token (or there was none), every sync finds it in
    the file without importing and probing the keyring's backends."""
    monkeypatch.delenv("FIELDVISIT_CREDENTIALS", raising=False)
    FileTokens(tmp_path / "credentials.json").set("https://s", "alice", "secret")
    asked: list[str] = []
    monkeypatch.setattr(credentials, "usable_keyring", lambda: asked.append("keyring"))
    assert token_store(tmp_path).get("https://s", "alice") == "secret"
    assert asked == []
    assert token_store(tmp_path).get("https://s", "bob") is None
    assert asked == ["keyring"]  # not in the file: the keyring is asked


def test_a_failing_keyring_falls_back_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        priority = 5

        def get_password(self, *_: str) -> str:
            raise RuntimeError("D-Bus indisponible")

        def set_password(self, *_: str) -> None:
            raise RuntimeError("D-Bus indisponible")

        def delete_password(self, *_: str) -> None:
            raise RuntimeError("D-Bus indisponible")

    monkeypatch.delenv("FIELDVISIT_CREDENTIALS", raising=False)
    monkeypatch.setattr(credentials, "usable_keyring", lambda: Broken())
    store = token_store(tmp_path)
    store.set("https://s", "alice", "secret")
    assert store.get("https://s", "alice") == "secret"
    assert (tmp_path / "credentials.json").is_file()


def test_a_working_keyring_keeps_the_token_out_of_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Memory:
        priority = 5

        def __init__(self) -> None:
            self.saved: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, key: str) -> str | None:
            return self.saved.get((service, key))

        def set_password(self, service: str, key: str, value: str) -> None:
            self.saved[(service, key)] = value

        def delete_password(self, service: str, key: str) -> None:
            self.saved.pop((service, key), None)

    memory = Memory()
    monkeypatch.delenv("FIELDVISIT_CREDENTIALS", raising=False)
    monkeypatch.setattr(credentials, "usable_keyring", lambda: memory)
    store = token_store(tmp_path)
    store.set("https://s", "alice", "secret")
    assert memory.saved == {("fieldvisit", "alice@https://s"): "secret"}
    assert not (tmp_path / "credentials.json").exists()


def test_file_tokens_are_sealed_with_the_data_dir_key(tmp_path: Path) -> None:
    from fieldvisit.security.keys import DataKeys

    path = tmp_path / "credentials.json"
    path.write_text('{"old@https://s": "ancien-jeton-en-clair"}', encoding="utf-8")
    store = FileTokens(path, DataKeys(bytes(range(32))))
    assert store.get("https://s", "old") == "ancien-jeton-en-clair"  # an older file still works
    store.set("https://s", "alice", "jeton-secret-de-alice")
    text = path.read_text(encoding="utf-8")
    assert "jeton-secret-de-alice" not in text  # a lost laptop's file reveals no token
    assert store.get("https://s", "alice") == "jeton-secret-de-alice"
    # Another data dir's key (or no key) cannot use it: the person logs in again.
    assert FileTokens(path, DataKeys(bytes(32))).get("https://s", "alice") is None
    assert FileTokens(path).get("https://s", "alice") is None


def test_a_logged_in_data_dir_keeps_no_token_in_clear(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.paths import DataDir
    from fieldvisit.services import Services

    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")
    svc = Services.open(DataDir(tmp_path / "data"))
    try:
        store = token_store(svc.data_dir.root, svc.store.keys)
        store.set("https://s", "alice", "jeton-secret-de-alice")
        assert "jeton-secret-de-alice" not in (svc.data_dir.root / "credentials.json").read_text()
        assert token_store(svc.data_dir.root, svc.store.keys).get("https://s", "alice") == (
            "jeton-secret-de-alice"
        )
    finally:
        svc.close()
