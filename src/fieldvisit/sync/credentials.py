"""Where the device token lives: the OS keyring, or a 0600 file where none is usable.

The keyring (Secret Service, macOS Keychain, Windows Credential Locker) is tried
first; a machine without one (a minimal Linux, a container) gets a JSON file in the
data dir readable by its owner only. `FIELDVISIT_CREDENTIALS=file` forces the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Protocol

SERVICE = "fieldvisit"
ENV_BACKEND = "FIELDVISIT_CREDENTIALS"


class TokenStore(Protocol):
    def get(self, server_url: str, username: str) -> str | None: ...
    def set(self, server_url: str, username: str, token: str) -> None: ...
    def delete(self, server_url: str, username: str) -> None: ...


def _key(server_url: str, username: str) -> str:
    return f"{username}@{server_url}"


class KeyringTokens:
    def __init__(self, backend: object) -> None:
        self.backend = backend

    def get(self, server_url: str, username: str) -> str | None:
        return self.backend.get_password(SERVICE, _key(server_url, username))  # type: ignore[attr-defined, no-any-return]

    def set(self, server_url: str, username: str, token: str) -> None:
        self.backend.set_password(SERVICE, _key(server_url, username), token)  # type: ignore[attr-defined]

    def delete(self, server_url: str, username: str) -> None:
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self.backend.delete_password(SERVICE, _key(server_url, username))  # type: ignore[attr-defined]


class FileTokens:
    """Tokens in a JSON file created with mode 0600 (owner only)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".credentials-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        os.chmod(self.path, 0o600)

    def get(self, server_url: str, username: str) -> str | None:
        return self._read().get(_key(server_url, username))

    def set(self, server_url: str, username: str, token: str) -> None:
        data = self._read()
        data[_key(server_url, username)] = token
        self._write(data)

    def delete(self, server_url: str, username: str) -> None:
        data = self._read()
        if data.pop(_key(server_url, username), None) is not None:
            self._write(data)


def usable_keyring() -> object | None:
    """The OS keyring backend, or None if there is none that works here."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or type(backend).__module__.startswith(
        ("keyring.backends.null", "keyring.backends.fail")
    ):
        return None
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        return None
    try:
        if getattr(backend, "priority", 1) <= 0:
            return None
    except Exception:
        return None
    return backend


def token_store(data_root: Path) -> TokenStore:
    """The keyring if usable, else the 0600 file `credentials.json` in the data dir."""
    file_store = FileTokens(data_root / "credentials.json")
    if os.environ.get(ENV_BACKEND) == "file":
        return file_store
    backend = usable_keyring()
    if backend is None:
        return file_store
    return _KeyringWithFallback(KeyringTokens(backend), file_store)


class _KeyringWithFallback:
    """The keyring, falling back to the file when the keyring fails (locked, D-Bus…)."""

    def __init__(self, primary: KeyringTokens, fallback: FileTokens) -> None:
        self.primary = primary
        self.fallback = fallback

    def get(self, server_url: str, username: str) -> str | None:
        try:
            token = self.primary.get(server_url, username)
        except Exception:
            token = None
        return token or self.fallback.get(server_url, username)

    def set(self, server_url: str, username: str, token: str) -> None:
        try:
            self.primary.set(server_url, username, token)
        except Exception:
            self.fallback.set(server_url, username, token)
            return
        self.fallback.delete(server_url, username)

    def delete(self, server_url: str, username: str) -> None:
        with contextlib.suppress(Exception):
            self.primary.delete(server_url, username)
        self.fallback.delete(server_url, username)
