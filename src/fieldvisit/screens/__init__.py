"""The read side: what each screen of the app shows, read in one go into plain data.

One module per screen (the visit workspace's header and sections, the quick notes…).
Every screen added later (action tracking across communes, dashboards, commune cards)
lands here and keeps these conventions:

- **A loader per screen**: `load_<screen>(svc, …) -> <Screen>`, run on the database
  worker (ui/base/worker.py) and handed back to the page, which only draws it. No Qt here
  (a test imports the package without PySide6), and the package is under mypy.
- **One snapshot**: a loader opens exactly one `svc.store.reading()` session, which is
  one read transaction of SQLite: what it shows is one consistent state of the
  database, never half of a sync round or of an import that landed meanwhile.
- **A fixed number of statements**: a loader reads each kind of record with one
  statement (joins, `IN` lists, grouped counts), whatever the number of interviews,
  contacts or photos; tests/screens/ counts the SQL statements of every loader on a
  visit with many of each. Never one query per row.
- **Plain, immutable data**: frozen dataclasses and tuples of plain values
  (screens/common.py has the shared ones: `VisitFacts`, `Person`, `ItemChoice`), never
  ORM records, which a page could change by mistake or which would load lazily on the
  UI thread.
- **Forms from memory**: a visit's forms are resolved by services/visit_forms.py and
  the catalogue (no SQL); progress figures come from the one progress function
  (forms/progress.py) over what services/progress.py reads, so that they agree with
  the visit list and the report.
- **Read only**: a screen never writes; edits go through the services, and their
  changes come back to the pages through the one change signal (store/changes.py).
- **A visit that is gone** raises `NotFound` with a French message, as the services do.
"""
