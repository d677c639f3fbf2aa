"""The PDF visit report: a plain report model built from services, then drawn.

- `model.py`: `build_report(svc, visit_id, shareable)` -> `VisitReport` (no reportlab);
  its docstring says what each variant (internal / shareable) holds.
- `render.py`: `render_report(report, output, progress=…, image_cache_dir=…)`.
- `blank_form.py`: `render_blank_form(form, output)`, a printable empty form.
- `issued.py`: `issue_report()` keeps the issued PDF as an attachment of the visit;
  `issued_report()` finds it again.
- `files.py`: writing to files (atomically), batches, visit ids typed in a terminal.
- `commands.py`: `fieldvisit report …` and `fieldvisit forms print …`.
- `document.py`, `blocks.py`, `chart.py`, `styles.py`, `fonts.py`, `images.py`,
  `jpeg.py`, `text.py`: page frame, tables, chart, styles, DejaVu fonts, photo
  renditions, photos embedded as their JPEG bytes, French formatting.

Importing this package, `model`, `files` or `commands` imports no reportlab.
"""
