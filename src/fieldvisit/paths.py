"""Where the user's data lives (the shipped assets: see fieldvisit.assets).

One `DataDir` object is made at start-up and passed down; nothing reads a global.
`--data-dir` / `FIELDVISIT_DATA_DIR` override the platformdirs location.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fieldvisit.core.errors import BadInput

APP_NAME = "fieldvisit"
ENV_DATA_DIR = "FIELDVISIT_DATA_DIR"


class DataDirError(BadInput):
    """The data dir cannot be created or written."""


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "fieldvisit.sqlite3"

    @property
    def key_file(self) -> Path:
        """The key id and the passphrase-wrapped master key (security/keyfile.py)."""
        return self.root / "fieldvisit.key"

    @property
    def encryption_marker(self) -> Path:
        """Present while a plain data dir's files are being encrypted (restartable)."""
        return self.root / ".chiffrement-en-cours"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def forms(self) -> Path:
        """Forms added by the user or pulled from the server (besides the shipped ones)."""
        return self.root / "forms"

    @property
    def cache(self) -> Path:
        """Derived data that can be rebuilt at any time (forms cache, thumbnails)."""
        return self.root / "cache"

    @property
    def thumbnails(self) -> Path:
        """Encrypted photo thumbnails (services/thumbnails.py)."""
        return self.cache / "thumbnails"

    @property
    def report_images(self) -> Path:
        """Encrypted report-size renditions of photos (report/images.py)."""
        return self.cache / "report-images"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def ensure(self) -> DataDir:
        """Create the folders; raise DataDirError with a clear message if impossible."""
        try:
            for folder in (self.root, self.attachments, self.backups, self.forms):
                folder.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise DataDirError(
                f"Le dossier de données {self.root} n'est pas utilisable en écriture "
                f"({exc.strerror or exc}). Choisissez un autre dossier avec --data-dir "
                "ou corrigez ses droits."
            ) from exc
        return self


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> DataDir:
    """--data-dir first, then FIELDVISIT_DATA_DIR, then the platform's data location."""
    chosen = explicit or os.environ.get(ENV_DATA_DIR)
    if chosen:
        return DataDir(Path(chosen).expanduser().resolve())
    import platformdirs  # only here: every command line imports this module

    return DataDir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
