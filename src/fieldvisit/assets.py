"""The app's shipped assets: `forms/` and `resources/` (icons, translations, fonts, communes).

Both folders sit at the top of the source tree. The wheel maps them into the package as
`fieldvisit/_data/` (pyproject's `force-include`) and the PyInstaller spec copies them to
the same place in the bundle, so one lookup through `importlib.resources` finds them in
an installed wheel and in the frozen app (PyInstaller's importer answers `files()` with
the bundle's folder). An editable install of a checkout has no `_data/`: the lookup then
falls back to the checkout's top-level folders.

Every asset of the app is found through `asset_path()`; nothing else builds such paths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA_DIR_IN_PACKAGE = "_data"
ASSET_FOLDERS = ("forms", "resources")


@cache
def assets_root() -> Path:
    """The folder holding `forms/` and `resources/` in this installation."""
    beside = Path(__file__).with_name(DATA_DIR_IN_PACKAGE)
    if beside.is_dir():
        # The package's folder on disk (a wheel; the frozen app sets __file__ in its
        # folder): found without importing importlib.resources' readers, which cost a
        # start 5-10 ms (docs/PERFORMANCE.md).
        return beside
    from importlib import resources

    packaged = resources.files("fieldvisit") / DATA_DIR_IN_PACKAGE
    if packaged.is_dir():
        # A wheel or the frozen build: a real folder (no zip import is ever used).
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2]  # src/fieldvisit/assets.py -> checkout


def asset_path(*parts: str) -> Path:
    """Path of a shipped asset, e.g. `asset_path("resources", "icons", "quit.svg")`.

    The first part must be one of ASSET_FOLDERS; the file need not exist (callers say
    in French what is missing).
    """
    if not parts or parts[0] not in ASSET_FOLDERS:
        raise ValueError(f"an asset path starts with one of {ASSET_FOLDERS}: {parts!r}")
    return assets_root().joinpath(*parts)


def shipped_forms_dir() -> Path:
    """The forms that come with the app (the user's own are in the data dir)."""
    return asset_path("forms")
