"""Importing published files from the app (File › Import public data…): the same
all-or-nothing import as `fieldvisit reference import`, one file per call so that the
window can show progress between files. Qt-free; run on the database worker."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fieldvisit.opendata.importer import ImportResult, check_published, import_file
from fieldvisit.services.context import Services


def check_files(svc: Services, paths: Sequence[Path]) -> list[Path]:
    """The files in import order, once every header is known to be good (else BadInput
    in French, and nothing changed)."""
    return list(check_published(paths).values())


def import_one(svc: Services, path: Path) -> ImportResult:
    """Replace the dataset of this file with its content (a DatasetError: unchanged)."""
    return import_file(svc.public_data, path, now=svc.clock())
