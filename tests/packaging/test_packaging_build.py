"""packaging/build_support.py: what the PyInstaller spec puts in (and leaves out of) the bundle.

The bundle itself is checked by packaging/smoke_test.sh (`make package-check`).
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def build_support() -> ModuleType:
    """The spec's helper module, loaded from its file (packaging/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "build_support", ROOT / "packaging" / "build_support.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_version_and_windows_version_info(build_support: ModuleType, tmp_path: Path) -> None:
    version = build_support.read_version(ROOT / "src" / "fieldvisit" / "__init__.py")
    assert version.count(".") == 2
    assert build_support.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert build_support.version_tuple("1.12.3rc1") == (1, 12, 3, 0)

    info = build_support.write_version_info("1.12.3", tmp_path / "version_info.txt")
    text = info.read_text(encoding="utf-8")
    tree = ast.parse(text, mode="eval")  # PyInstaller evaluates it as one expression
    assert isinstance(tree.body, ast.Call) and tree.body.func.id == "VSVersionInfo"  # type: ignore[attr-defined]
    assert "filevers=(1, 12, 3, 0)" in text
    assert "StringStruct('ProductVersion', '1.12.3')" in text
    assert "StringStruct('OriginalFilename', 'fieldvisit.exe')" in text


def test_icons_for_every_platform(build_support: ModuleType, tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    icons = build_support.make_icons(ROOT / "resources" / "icons" / "fieldvisit.svg", tmp_path)
    with Image.open(icons["ico"]) as ico:
        assert ico.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(icons["icns"]) as icns:
        assert icns.format == "ICNS"
    with Image.open(icons["png"]) as png:
        assert png.size == (256, 256)
        assert png.getpixel((128, 128))[3] == 255  # drawn, not an empty transparent square


def test_assets_ship_compiled_and_with_their_licences(build_support: ModuleType) -> None:
    pairs = build_support.shipped_assets(ROOT)  # `make` compiled the translations
    shipped = {(Path(source).name, folder) for source, folder in pairs}
    data = "fieldvisit/_data"
    assert ("fieldvisit_fr.qm", f"{data}/resources/translations") in shipped
    assert ("LICENSE-DejaVu.txt", f"{data}/resources/fonts") in shipped
    assert ("DejaVuSans.ttf", f"{data}/resources/fonts") in shipped
    assert ("communes.json.gz", f"{data}/resources/communes") in shipped
    assert ("SOURCE.md", f"{data}/resources/communes") in shipped
    assert ("visite-centre-bourg.v1.toml", f"{data}/forms") in shipped
    assert ("fieldvisit.svg", f"{data}/resources/icons") in shipped
    assert not any(name.endswith(".ts") for name, _ in shipped)


def test_uncompiled_translations_stop_the_build(build_support: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "resources" / "translations").mkdir(parents=True)
    (tmp_path / "resources" / "translations" / "fieldvisit_fr.ts").write_text("<TS/>")
    (tmp_path / "forms").mkdir()
    with pytest.raises(SystemExit, match="make all"):
        build_support.shipped_assets(tmp_path)


def test_migration_scripts_ship_as_files(build_support: ModuleType) -> None:
    package = ROOT / "src" / "fieldvisit"
    shipped = {
        (Path(source).name, folder) for source, folder in build_support.migration_scripts(package)
    }
    assert ("env.py", "fieldvisit/store/migrations") in shipped
    assert ("script.py.mako", "fieldvisit/store/migrations") in shipped
    assert ("0001_initial_schema.py", "fieldvisit/store/migrations/versions") in shipped
    assert not any(name.endswith(".pyc") for name, _ in shipped)


def test_only_french_qt_catalogues_and_used_plugins_are_kept(build_support: ModuleType) -> None:
    unused = ("imageformats/qpdf", "sqldrivers/")
    kept = [
        dest
        for dest in (
            "PySide6/Qt/translations/qtbase_fr.qm",
            "PySide6/Qt/translations/qtbase_de.qm",
            "PySide6/Qt/translations/qtbase_zh_CN.qm",
            "PySide6/translations/qt_fr.qm",  # Windows wheels have no Qt/ level
            "PySide6/Qt/plugins/imageformats/libqpdf.so",
            "PySide6/plugins/imageformats/qpdf.dll",
            "PySide6/Qt/plugins/imageformats/libqjpeg.so",
            "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
            "PySide6/Qt/plugins/platforms/libqxcb.so",
            "fieldvisit/_data/resources/translations/fieldvisit_fr.qm",
        )
        if build_support.keep_entry(dest, unused)
    ]
    assert kept == [
        "PySide6/Qt/translations/qtbase_fr.qm",
        "PySide6/translations/qt_fr.qm",
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "fieldvisit/_data/resources/translations/fieldvisit_fr.qm",
    ]
    assert build_support.plugin_unused("platformthemes/libqgtk3.so", ("platformthemes/qgtk3",))
    assert not build_support.plugin_unused(
        "platformthemes/libqxdgdesktopportal.so", ("platformthemes/qgtk3",)
    )


def test_host_libraries_are_only_top_level_system_copies(build_support: ModuleType) -> None:
    host = build_support.is_host_library
    assert host("libcups.so.2")
    assert host("libfontconfig.so.1")
    assert host("libstdc++.so.6")
    assert not host("libxcb-cursor.so.0")  # often missing on a desktop: stays bundled
    assert not host("libpython3.11.so.1.0")
    assert not host("libssl.so.3")
    assert not host("PySide6/Qt/lib/libicudata.so.73")
    assert not host("pillow.libs/libfreetype-57f805ba.so.6.20.6")
