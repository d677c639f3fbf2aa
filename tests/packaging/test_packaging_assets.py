"""Shipped assets are found through one helper, in a checkout as in a wheel."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import fieldvisit
from fieldvisit import assets
from fieldvisit.assets import ASSET_FOLDERS, DATA_DIR_IN_PACKAGE, asset_path, shipped_forms_dir

ROOT = Path(__file__).resolve().parents[2]


def pyproject() -> dict:  # type: ignore[type-arg]
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_every_kind_of_asset_is_found() -> None:
    from fieldvisit.ui.base.icons import ICON_NAMES

    for name in ICON_NAMES:
        assert asset_path("resources", "icons", f"{name}.svg").is_file(), name
    fonts = asset_path("resources", "fonts")
    assert {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"} <= {
        path.name for path in fonts.iterdir()
    }
    assert (fonts / "LICENSE-DejaVu.txt").is_file()  # the licence ships with the fonts
    communes = asset_path("resources", "communes", "communes.json.gz")
    assert gzip.decompress(communes.read_bytes()).startswith(b"{")
    assert asset_path("resources", "translations", "fieldvisit_fr.qm").is_file()  # `make`
    assert sorted(path.name for path in shipped_forms_dir().glob("*.toml")) == [
        f"{form}.v{version}.toml"
        for form in (
            "diagnostic-securite",
            "entretien-elu",
            "entretien-gendarmerie",
            "visite-centre-bourg",
        )
        for version in (1, 2, 3)
    ]


def test_asset_path_only_knows_the_asset_folders() -> None:
    with pytest.raises(ValueError, match="forms"):
        asset_path("src", "fieldvisit", "cli.py")
    with pytest.raises(ValueError):
        asset_path()


def test_the_wheel_maps_the_asset_folders_where_the_helper_looks() -> None:
    mapping = pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert mapping == {
        folder: f"fieldvisit/{DATA_DIR_IN_PACKAGE}/{folder}" for folder in ASSET_FOLDERS
    }


def test_an_installed_package_finds_its_assets_inside_itself(tmp_path: Path) -> None:
    """A wheel's layout, built by hand: the package with its _data/ (no checkout around)."""
    package = tmp_path / "site" / "fieldvisit"
    package.mkdir(parents=True)
    for module in ("__init__.py", "assets.py"):
        shutil.copy(Path(assets.__file__).with_name(module), package / module)
    (package / DATA_DIR_IN_PACKAGE / "forms").mkdir(parents=True)
    probe = (
        "from fieldvisit.assets import asset_path, shipped_forms_dir;"
        "print(shipped_forms_dir()); print(asset_path('resources', 'icons', 'quit.svg'))"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe],  # -S: no site-packages, no editable install
        env={"PYTHONPATH": str(tmp_path / "site")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    data = package / DATA_DIR_IN_PACKAGE
    assert result.stdout.splitlines() == [
        str(data / "forms"),
        str(data / "resources" / "icons" / "quit.svg"),
    ]


def test_a_checkout_finds_its_top_level_folders() -> None:
    package_dir = Path(fieldvisit.__file__).resolve().parent
    assert not (package_dir / DATA_DIR_IN_PACKAGE).exists(), "tests run on the editable install"
    assert shipped_forms_dir() == ROOT / "forms"
    assert asset_path("resources") == ROOT / "resources"
