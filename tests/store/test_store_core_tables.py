"""The light Core tables of the start-up path name real columns of the models."""

from __future__ import annotations

import pytest
from sqlalchemy.sql.expression import TableClause

from fieldvisit.store.core_tables import ANSWERS, ATTACHMENTS, THEME_RATINGS, VISITS
from fieldvisit.store.models import Base


@pytest.mark.parametrize(
    "light", [VISITS, ANSWERS, ATTACHMENTS, THEME_RATINGS], ids=lambda t: t.name
)
def test_core_table_columns_are_columns_of_the_model(light: TableClause) -> None:
    mapped = Base.metadata.tables[light.name]
    for column in light.columns:
        assert column.name in mapped.columns, f"{light.name}.{column.name} is not in the model"
        model_type = mapped.columns[column.name].type
        # Same Python type, through the model's own types (e.g. dates stored as text).
        light_python = column.type.python_type
        assert issubclass(light_python, model_type.python_type) or column.name in (
            "value",  # JSON text in the model: only tested for NULL here
            "deleted_at",  # an aware datetime in the model: only tested for NULL here
        ), column.name
