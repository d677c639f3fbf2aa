"""Reference data shipped with the app: the communes of France.

The names are loaded when first asked for (PEP 562): the visit list imports only
`reference.text` to search, and importing that submodule runs this file first; the
communes' index and its name search are not needed before the first paint of a start
(tests/ui/test_ui_shell_start.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldvisit.reference.communes import (
        ARRONDISSEMENT_MUNICIPAL,
        COMMUNE_ACTUELLE,
        COMMUNE_ASSOCIEE,
        COMMUNE_DELEGUEE,
        COMMUNE_TYPES,
        Commune,
        CommuneDataError,
        CommuneIndex,
        default_communes_file,
    )
    from fieldvisit.reference.text import normalise

__all__ = [
    "ARRONDISSEMENT_MUNICIPAL",
    "COMMUNE_ACTUELLE",
    "COMMUNE_ASSOCIEE",
    "COMMUNE_DELEGUEE",
    "COMMUNE_TYPES",
    "Commune",
    "CommuneDataError",
    "CommuneIndex",
    "default_communes_file",
    "normalise",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "text" if name == "normalise" else "communes"
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # looked up once
    return value
