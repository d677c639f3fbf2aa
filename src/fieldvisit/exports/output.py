"""Where an export is written: whole or not at all, never over a file by surprise.

Every export goes to a temporary file in the target's folder, renamed over the target
at the end (core/files.py): a full disk, a read-only folder or an interruption leaves
nothing half-written under the final name, and an existing file is only replaced when
the caller says so (the CLI's --force; the app's file dialog has asked already).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fieldvisit.core.errors import BadInput
from fieldvisit.core.files import atomic_output

FORCE_HINT = "ajoutez --force pour le remplacer"


@contextmanager
def export_output(
    target: Path, *, kind: str, overwrite: bool, hint: str = FORCE_HINT
) -> Iterator[Path]:
    """A temporary path beside `target` (same suffix), renamed to it at the end.

    BadInput, before anything is written, if `target` exists and not `overwrite`
    (`hint`: what to do then), and for every failure to write (core/files.py)."""
    if target.exists() and not target.is_dir() and not overwrite:
        raise BadInput(f"Le fichier {target} existe déjà : {hint}, ou choisissez un autre nom.")
    with atomic_output(target, kind=kind, prefix=".export-", suffix=target.suffix) as tmp:
        yield tmp
