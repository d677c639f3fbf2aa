"""DejaVu Sans, registered once with reportlab and embedded (subset) in every PDF.

The standard PDF fonts only know Latin-1: « œ », « Œ », « € », « ’ » and « … » would be
lost. DejaVu Sans covers them all; its licence ships in resources/fonts/.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from fieldvisit.assets import asset_path
from fieldvisit.core.errors import FieldvisitError

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
OBLIQUE = "DejaVuSans-Oblique"
_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    OBLIQUE: "DejaVuSans-Oblique.ttf",
}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the fonts with reportlab (once per process; safe from any thread)."""
    global _registered
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            path = asset_path("resources", "fonts", filename)
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except (OSError, TTFError) as err:
                raise FieldvisitError(
                    f"Police du rapport introuvable ou illisible : {path}. "
                    "Réinstallez l'application."
                ) from err
        # <b>/<i> markup in paragraphs maps to these faces (no bold oblique shipped).
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, OBLIQUE)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True
