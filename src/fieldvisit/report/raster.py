"""A one-page PDF drawn by reportlab, as a PNG: how the Word report gets the PDF's
pictures (the diagnostic chart, the pinned plan) without a raster backend for
reportlab. pdfium (pypdfium2) already renders the report's preview.
"""

from __future__ import annotations

import io


def pdf_page_png(pdf: bytes, scale: float, *, optimize: bool = False) -> bytes:
    """The first page of `pdf` rendered at `scale` pixels per point, as PNG bytes."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=scale)
        image = bitmap.to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=optimize)
    return out.getvalue()
