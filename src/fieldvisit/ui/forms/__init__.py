"""Forms rendered from their definitions: `FormView` and one editor per item type."""

from fieldvisit.ui.forms.form_view import FormView, ItemRow, SectionBox
from fieldvisit.ui.forms.item_widgets import ItemEditor, make_editor

__all__ = ["FormView", "ItemEditor", "ItemRow", "SectionBox", "make_editor"]
