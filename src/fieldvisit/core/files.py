"""Writing a file whole or not at all, with French reasons when the system refuses.

What the app writes for people (reports, converted forms, exports) goes to a temporary
file beside the target and is renamed at the end: a failure or an interruption never
leaves half a file under the final name.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fieldvisit.core.errors import BadInput, FieldvisitError

_REASONS = {
    errno.EACCES: "accès refusé",
    errno.EPERM: "accès refusé",
    errno.EROFS: "support en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota de disque atteint",
    errno.ENOENT: "dossier introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EISDIR: "c'est un dossier",
}


def os_reason(err: OSError) -> str:
    """Why a file operation failed, in French (the system's own words are English)."""
    return _REASONS.get(err.errno or 0) or (err.strerror or str(err))


@contextmanager
def atomic_output(
    target: Path, *, kind: str, prefix: str = ".tmp-", suffix: str = ""
) -> Iterator[Path]:
    """A temporary path beside `target`, renamed to it when the block succeeds.

    `kind` names the file in messages (« donnez un nom de fichier PDF »). Every failure
    to create, write or rename the output is a BadInput naming the place and the reason;
    an OSError about another file, read inside the block, is a FieldvisitError naming
    that file (nothing written either way).
    """
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        if folder.exists():
            raise BadInput(f"{folder} n'est pas un dossier : choisissez un autre emplacement.")
        raise BadInput(
            f"Le dossier {folder} n'existe pas : créez-le ou choisissez un autre fichier."
        )
    if target.is_dir():
        raise BadInput(f"{target} est un dossier : donnez un nom de fichier {kind}.")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    except OSError as err:
        raise BadInput(
            f"Impossible d'écrire dans le dossier {folder} ({os_reason(err)}) : choisissez "
            "un autre emplacement."
        ) from err
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as err:
        if not _about_the_output(err, tmp, target):
            # Not the file being written (a template or a photo read inside the block):
            # blaming the chosen place would send the user to the wrong fix.
            other = os.fsdecode(err.filename)
            why = "fichier introuvable" if err.errno == errno.ENOENT else os_reason(err)
            raise FieldvisitError(
                f"Impossible de lire {other} ({why}) : {target} n'a pas été écrit."
            ) from err
        raise BadInput(
            f"Impossible d'écrire {target} ({os_reason(err)}) : choisissez un autre emplacement."
        ) from err
    finally:
        tmp.unlink(missing_ok=True)


def _about_the_output(err: OSError, tmp: Path, target: Path) -> bool:
    """Whether `err` concerns the output: no file named (a write on an open file, a full
    disk), or the temporary file or the target itself."""
    named = [name for name in (err.filename, err.filename2) if name is not None]
    if not named:
        return True
    return any(Path(os.fsdecode(name)) in (tmp, target) for name in named)


FORCE_HINT = "ajoutez --force pour le remplacer"


@contextmanager
def export_output(
    target: Path, *, kind: str, overwrite: bool, hint: str = FORCE_HINT
) -> Iterator[Path]:
    """`atomic_output` for exports (workbook, CSV, calendar, Word report), which never
    replace a file by surprise: BadInput, before anything is written, if `target`
    exists and not `overwrite` (`hint`: what to do then — the CLI's --force; the app's
    file dialogs have asked already). The temporary file keeps the target's suffix."""
    if target.exists() and not target.is_dir() and not overwrite:
        raise BadInput(f"Le fichier {target} existe déjà : {hint}, ou choisissez un autre nom.")
    with atomic_output(target, kind=kind, prefix=".export-", suffix=target.suffix) as tmp:
        yield tmp
