"""A keyring backend for tests and benchmarks: secrets in a plain JSON file.

Never chosen by keyring on its own (it is not registered as a backend); a test run
selects it with keyring's standard variable, and child processes inherit it:

    PYTHON_KEYRING_BACKEND=fieldvisit.security.testing.FileKeyring
    FIELDVISIT_TEST_KEYRING=/tmp/…/keyring.json

It keeps whatever it is given in clear: it stands in for the OS keyring so that tests
never touch the real one, and must not be used for real data.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

ENV_FILE = "FIELDVISIT_TEST_KEYRING"
BACKEND_NAME = "fieldvisit.security.testing.FileKeyring"


class FileKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        """Viable only where FIELDVISIT_TEST_KEYRING is set: keyring's own discovery
        (which considers every imported backend class) never picks it elsewhere."""
        if ENV_FILE not in os.environ:
            raise RuntimeError(f"{BACKEND_NAME} is for tests ({ENV_FILE} not set)")
        return 1

    @property
    def path(self) -> Path:
        try:
            return Path(os.environ[ENV_FILE])
        except KeyError:
            raise RuntimeError(f"{BACKEND_NAME} needs {ENV_FILE}") from None

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keyring-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(tmp, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}\x00{username}")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One read-modify-write at a time, across threads and processes: two data dirs
        created at once (a test's process and its child, or two threads) each read the
        file, add their key and write it back; without the lock the second write drops
        the first key, and that data dir can never be opened again."""
        import fcntl  # the test keyring runs where the tests do (Linux, macOS)

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._locked():
            data = self._read()
            data[f"{service}\x00{username}"] = password
            self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        with self._locked():
            data = self._read()
            if data.pop(f"{service}\x00{username}", None) is None:
                raise PasswordDeleteError("not found")
            self._write(data)


def use_file_keyring(path: Path) -> dict[str, str]:
    """Make this process use a file keyring at path; the environment variables that
    make child processes do the same, which the caller must set (also here: the
    backend reads its file's name from the environment)."""
    import keyring

    keyring.set_keyring(FileKeyring())
    return {"PYTHON_KEYRING_BACKEND": BACKEND_NAME, ENV_FILE: str(path)}
