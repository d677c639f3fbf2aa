"""The app's icons: SVG files drawn for fieldvisit, crisp at any screen density."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from fieldvisit.paths import asset_path

ICON_NAMES = (
    "about",
    "back",
    "delete",
    "demo",
    "fieldvisit",
    "follow-up",
    "new-visit",
    "open",
    "preferences",
    "quit",
    "search",
)


@cache
def icon(name: str) -> QIcon:
    """The icon resources/icons/<name>.svg (an empty icon if the file is missing)."""
    path = asset_path("resources", "icons", f"{name}.svg")
    if not path.is_file():
        return QIcon()
    return QIcon(str(path))


def app_icon() -> QIcon:
    return icon("fieldvisit")
