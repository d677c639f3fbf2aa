"""Which files hold form definitions: `*.toml` of the folders given, sorted."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

FORM_SUFFIX = ".toml"


def form_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(files named by `paths`, paths that do not exist); folders give their *.toml."""
    files: list[Path] = []
    missing: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.glob(f"*{FORM_SUFFIX}") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(path)
    return files, missing
