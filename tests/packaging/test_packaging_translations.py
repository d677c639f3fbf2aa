"""Every build of the package carries the compiled French catalogues (hatch_build.py).

Before, only the Makefile compiled the .ts files: `pip install .` or a venv made by hand
gave an app in English. The builds run here on a copy of the sources without any .qm,
through the build backend as pip runs it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ("fieldvisit_fr.qm", "qt_complement_fr.qm")
SOURCES = ("pyproject.toml", "README.md", "hatch_build.py", "src", "forms", "resources")


@pytest.fixture
def fresh_checkout(tmp_path: Path) -> Path:
    """The sources as a clean clone has them: .ts catalogues, no compiled .qm."""
    tree = tmp_path / "checkout"
    tree.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, tree / name, ignore=shutil.ignore_patterns("*.qm", "__pycache__")
            )
        else:
            shutil.copy(source, tree / name)
    assert not list(tree.rglob("*.qm"))
    return tree


def _backend(tree: Path, hook: str, out: Path) -> str:
    code = f"import sys; from hatchling.build import {hook} as hook; print(hook(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)], cwd=tree, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_a_wheel_carries_the_compiled_catalogues(
    fresh_checkout: Path, tmp_path: Path, qapp
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dist"
    wheel = out / _backend(fresh_checkout, "build_wheel", out)
    extracted = tmp_path / "wheel"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(extracted)
    folder = "fieldvisit/_data/resources/translations"
    for catalogue in CATALOGUES:
        assert f"{folder}/{catalogue}" in names
    translator = QTranslator()
    assert translator.load(str(extracted / folder / "fieldvisit_fr.qm"))
    assert translator.translate("MainWindow", "&Quit") == "&Quitter"


def test_an_editable_install_compiles_them_in_the_checkout(
    fresh_checkout: Path, tmp_path: Path
) -> None:
    _backend(fresh_checkout, "build_editable", tmp_path / "dist")
    for catalogue in CATALOGUES:
        assert (fresh_checkout / "resources" / "translations" / catalogue).stat().st_size > 0


def test_a_broken_catalogue_stops_the_build(fresh_checkout: Path, tmp_path: Path) -> None:
    (fresh_checkout / "resources" / "translations" / "fieldvisit_fr.ts").write_text(
        "<TS><context>", encoding="utf-8"
    )
    code = "import sys; from hatchling.build import build_wheel; build_wheel(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "dist")],
        cwd=fresh_checkout,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "lrelease could not compile fieldvisit_fr.ts" in done.stderr
