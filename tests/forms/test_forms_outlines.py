"""Form outlines read from the validated-forms cache, without the pydantic models."""

from __future__ import annotations

import os
from pathlib import Path

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.forms import FormCatalogue
from fieldvisit.forms.cache import cached_outlines

FORM = """
id = "mini"
version = {version}
title = "Mini"
kind = "checklist"

[[sections]]
id = "s"
title = "Section"

[[sections.items]]
id = "a"
label = "Question"
type = "yes_no_na"
{more}
"""

MORE = """
[[sections.items]]
id = "b"
label = "Autre question"
type = "text"
"""


def test_outlines_give_the_item_counts_of_the_catalogue(tmp_path: Path) -> None:
    cache = tmp_path / "forms.json"
    assert cached_outlines([shipped_forms_dir()], cache) is None  # nothing cached yet
    catalogue = FormCatalogue.load([shipped_forms_dir()], cache_file=cache)
    outlines = cached_outlines([shipped_forms_dir()], cache)
    assert outlines is not None
    assert {key: o.item_count for key, o in outlines.items()} == {
        form.key: len(list(form.iter_items())) for form in catalogue
    }


def test_a_new_changed_or_broken_file_means_no_outlines(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    source = folder / "mini.v1.toml"
    source.write_text(FORM.format(version=1, more=""), encoding="utf-8")
    cache = tmp_path / "forms.json"
    FormCatalogue.load([folder], cache_file=cache)
    outlines = cached_outlines([folder], cache)
    assert outlines is not None and outlines[("mini", 1)].item_count == 1

    source.write_text(FORM.format(version=1, more=MORE), encoding="utf-8")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert cached_outlines([folder], cache) is None  # changed since it was validated
    FormCatalogue.load([folder], cache_file=cache)
    outlines = cached_outlines([folder], cache)
    assert outlines is not None and outlines[("mini", 1)].item_count == 2

    (folder / "mini.v2.toml").write_text(FORM.format(version=2, more=""), encoding="utf-8")
    assert cached_outlines([folder], cache) is None  # a file never validated
    (folder / "mini.v2.toml").write_text("id = 3\n", encoding="utf-8")
    FormCatalogue.load([folder], cache_file=cache)
    assert cached_outlines([folder], cache) is None  # broken: the catalogue says why


def test_a_damaged_cache_gives_no_outlines(tmp_path: Path) -> None:
    cache = tmp_path / "forms.json"
    cache.write_text("{not json", encoding="utf-8")
    assert cached_outlines([shipped_forms_dir()], cache) is None
