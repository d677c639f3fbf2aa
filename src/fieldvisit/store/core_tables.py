"""Core descriptions (no ORM) of the columns the visit list reads at start-up.

A cold start paints the visit list before anything imports `sqlalchemy.orm` and the
mapped models (store/models.py: about 100 ms of imports, benchmarks/bench_ui_start.py),
so services/listing.py queries these light `table()` clauses instead. They describe
columns of the models' tables only; a test keeps them equal to the models.
"""

from __future__ import annotations

from sqlalchemy import Date, Integer, String, column, table

VISITS = table(
    "visits",
    column("id", String),
    column("commune_code", String),
    column("commune_name", String),
    column("departement", String),
    column("visit_date", Date),
    column("visit_type", String),
    column("status", String),
    column("author", String),
    column("checklist_form_id", String),
    column("checklist_form_version", Integer),
    column("diagnostic_form_id", String),
    column("diagnostic_form_version", Integer),
    column("deleted_at", String),
    column("summary", String),
)

#: A visit's participants (an item bound to "visit.participants" counts them).
PARTICIPANTS = table(
    "visit_participants",
    column("visit_id", String),
    column("contact_id", String),
    column("deleted_at", String),
)

#: What the progress of a visit reads of its answers (value is JSON text there).
ANSWERS = table(
    "answers",
    column("visit_id", String),
    column("form_id", String),
    column("item_id", String),
    column("value", String),
    column("deleted_at", String),
)

#: The photos linked to items (a photo answers a photo item).
ATTACHMENTS = table(
    "attachments",
    column("visit_id", String),
    column("form_id", String),
    column("item_id", String),
    column("media_type", String),
    column("deleted_at", String),
)

#: The rated themes of the diagnostic.
THEME_RATINGS = table(
    "theme_ratings",
    column("visit_id", String),
    column("theme_id", String),
    column("level", Integer),
    column("deleted_at", String),
)
