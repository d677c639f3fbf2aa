"""Where the device token lives: the OS keyring, or a 0600 file where none is usable.

The keyring (Secret Service, macOS Keychain, Windows Credential Locker) keeps a token
when it can; a machine without one (a minimal Linux, a container) gets a JSON file in the
data dir readable by its owner only, the tokens in it sealed with the data dir's key
(AES-GCM). `FIELDVISIT_CREDENTIALS=file` forces the file.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from fieldvisit.security.keys import hkdf_sha256

if TYPE_CHECKING:
    from fieldvisit.security.keys import DataKeys

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


CREDENTIALS_INFO = b"fieldvisit credentials v1"
SEALED_PREFIX = "aesgcm1:"


class FileTokens:
    """Tokens in a JSON file created with mode 0600 (owner only).

    With the data dir's keys, each token is sealed with AES-GCM under a key derived from
    the master key (bound to its server and user name), so a lost laptop's file gives
    nothing without the passphrase; a token written in clear by an older version is
    still read, and sealed at the next write.
    """

    def __init__(self, path: Path, keys: DataKeys | None = None) -> None:
        self.path = path
        self._key = hkdf_sha256(keys.master, CREDENTIALS_INFO) if keys is not None else None

    def _seal(self, name: str, token: str) -> str:
        if self._key is None:
            return token
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        sealed = AESGCM(self._key).encrypt(nonce, token.encode(), name.encode())
        return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def _open(self, name: str, value: str) -> str | None:
        if not value.startswith(SEALED_PREFIX):
            return value  # written in clear (no keys, or an older version)
        if self._key is None:
            return None
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            raw = base64.b64decode(value[len(SEALED_PREFIX) :], validate=True)
            return AESGCM(self._key).decrypt(raw[:12], raw[12:], name.encode()).decode()
        except (ValueError, InvalidTag):
            return None  # another data dir's key or a damaged entry: log in again

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
        name = _key(server_url, username)
        value = self._read().get(name)
        return None if value is None else self._open(name, value)

    def set(self, server_url: str, username: str, token: str) -> None:
        data = self._read()
        name = _key(server_url, username)
        data[name] = self._seal(name, token)
        self._write(data)

    def delete(self, server_url: str, username: str) -> None:
        data = self._read()
        if data.pop(_key(server_url, username), None) is not None:
            self._write(data)


def usable_keyring() -> object | None:
    """The OS keyring backend, or None if there is none that works here."""
    from fieldvisit.security.keysource import system_keyring

    return system_keyring()


def token_store(data_root: Path, keys: DataKeys | None = None) -> TokenStore:
    """The keyring if usable, else the 0600 file `credentials.json` in the data dir
    (tokens sealed with the data dir's keys when given)."""
    file_store = FileTokens(data_root / "credentials.json", keys)
    if os.environ.get(ENV_BACKEND) == "file":
        return file_store
    return _KeyringWithFallback(file_store)


class _KeyringWithFallback:
    """The keyring, falling back to the file when the keyring fails (locked, D-Bus…) or
    there is none.

    A token is kept in one place: the keyring, or the file when the keyring refused it
    (`set` removes the file's copy once the keyring has it). So `get` reads the file
    first, and the keyring is looked up only when the file has no token: where there is
    no keyring, a sync does not import `keyring` and probe its backends (about 0.15 s)
    to find the token it keeps in the file."""

    def __init__(self, fallback: FileTokens) -> None:
        self.fallback = fallback
        self._primary: KeyringTokens | None = None
        self._looked_up = False

    @property
    def primary(self) -> KeyringTokens | None:
        """The keyring's tokens; None where no keyring is usable."""
        if not self._looked_up:
            backend = usable_keyring()
            self._primary = None if backend is None else KeyringTokens(backend)
            self._looked_up = True
        return self._primary

    def get(self, server_url: str, username: str) -> str | None:
        token = self.fallback.get(server_url, username)
        if token or self.primary is None:
            return token
        try:
            return self.primary.get(server_url, username)
        except Exception:
            return None

    def set(self, server_url: str, username: str, token: str) -> None:
        if self.primary is None:
            self.fallback.set(server_url, username, token)
            return
        try:
            self.primary.set(server_url, username, token)
        except Exception:
            self.fallback.set(server_url, username, token)
            return
        self.fallback.delete(server_url, username)

    def delete(self, server_url: str, username: str) -> None:
        if self.primary is not None:
            with contextlib.suppress(Exception):
                self.primary.delete(server_url, username)
        self.fallback.delete(server_url, username)
