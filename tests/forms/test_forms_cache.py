"""The validated-forms cache: used when files are unchanged, never trusted otherwise."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.forms import FormCatalogue

SHIPPED = len(list(shipped_forms_dir().glob("*.toml")))

FORM = """
id = "mini"
version = 1
title = "{title}"
kind = "checklist"

[[sections]]
id = "s"
title = "Section"

[[sections.items]]
id = "a"
label = "Question"
type = "yes_no_na"
"""


def test_cached_catalogue_equals_the_parsed_one(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "forms.json"
    parsed = FormCatalogue.load([shipped_forms_dir()])
    first = FormCatalogue.load([shipped_forms_dir()], cache_file=cache)
    assert cache.is_file()
    second = FormCatalogue.load([shipped_forms_dir()], cache_file=cache)
    assert list(second) == list(parsed) == list(first)
    # Conditions survive the cache: hidden items are the same with no answers given.
    for cached_form, parsed_form in zip(second, parsed, strict=True):
        hidden = [i.id for i in parsed_form.iter_items() if not parsed_form.is_visible(i, {})]
        assert hidden == [
            i.id for i in cached_form.iter_items() if not cached_form.is_visible(i, {})
        ]
        assert (
            hidden
            or parsed_form.kind == "diagnostic"
            or not any(i.visible_if for i in parsed_form.iter_items())
        )


def test_a_changed_file_is_validated_again(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    source = folder / "mini.v1.toml"
    source.write_text(FORM.format(title="Avant"), encoding="utf-8")
    cache = tmp_path / "forms.json"
    assert FormCatalogue.load([folder], cache_file=cache).get("mini", 1).title == "Avant"
    source.write_text(FORM.format(title="Après modification"), encoding="utf-8")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    reloaded = FormCatalogue.load([folder], cache_file=cache)
    assert reloaded.get("mini", 1).title == "Après modification"
    source.write_text(FORM.format(title="Cassé") + "\n[[sections.items]]\nid = 3\n")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    broken = FormCatalogue.load([folder], cache_file=cache)
    assert len(broken) == 0 and broken.problems


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "forms.json"
    cache.write_text("{not json", encoding="utf-8")
    assert len(FormCatalogue.load([shipped_forms_dir()], cache_file=cache)) == SHIPPED
    cache.write_text(json.dumps({"format": 1, "app": "x", "entries": 3}), encoding="utf-8")
    assert len(FormCatalogue.load([shipped_forms_dir()], cache_file=cache)) == SHIPPED
    data = json.loads(cache.read_text(encoding="utf-8"))
    for entry in data["entries"].values():
        entry["form"] = {"id": "garbage"}
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert len(FormCatalogue.load([shipped_forms_dir()], cache_file=cache)) == SHIPPED
