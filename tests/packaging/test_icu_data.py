"""packaging/icu_data.py: the ICU data of the Linux bundle, trimmed to fr, en and root.

The trimmed library is loaded by the venv's own Qt (LD_LIBRARY_PATH comes before the
RUNPATH of PySide6's libicuuc) and must serve what the app needs in French: the same
checks as the bundle's `--smoke-test` (fieldvisit.ui.shell.smoke.french_text_problems).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import PySide6
import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_LIB = Path(PySide6.__file__).parent / "Qt" / "lib"
ICU_DATA = sorted(QT_LIB.glob("libicudata.so.*"))


@pytest.fixture(scope="module")
def icu_data() -> ModuleType:
    spec = importlib.util.spec_from_file_location("icu_data", ROOT / "packaging" / "icu_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["icu_data"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def wheel_icu() -> Path:
    # The Linux PySide6 wheel ships its ICU: if it stops, the spec must be rethought.
    assert len(ICU_DATA) == 1, f"expected one libicudata in {QT_LIB}: {ICU_DATA}"
    return ICU_DATA[0]


def french_checks(library_dir: Path) -> dict[str, object]:
    """Run the smoke test's French checks in a Qt that loads libicudata from library_dir."""
    probe = (
        "import json, pathlib\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from fieldvisit.ui.shell.smoke import french_text_problems\n"
        "app = QApplication([])\n"
        "summary, problems = french_text_problems()\n"
        "maps = pathlib.Path('/proc/self/maps').read_text()\n"
        "icu = sorted({line.split()[-1] for line in maps.splitlines() if 'libicudata' in line})\n"
        "print(json.dumps({'summary': summary, 'problems': problems, 'icu': icu}))\n"
    )
    env = {**os.environ, "LD_LIBRARY_PATH": str(library_dir), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_rewriting_the_whole_package_gives_back_the_wheels_bytes(
    icu_data: ModuleType, wheel_icu: Path
) -> None:
    # The writer lays out a package exactly as ICU's own tools built the wheel's one.
    content = wheel_icu.read_bytes()
    symbol = icu_data.find_data_symbol(content)
    assert symbol.name.startswith("icudt") and symbol.name.endswith("_dat")
    original = content[symbol.offset : symbol.offset + symbol.size]
    package = icu_data.read_package(original)
    assert len(package.items) > 3000
    assert package.prefix == symbol.name.replace("_dat", "l/")  # "icudt73l/"
    assert icu_data.write_package(package) == original


def test_what_is_kept(icu_data: ModuleType) -> None:
    kept = icu_data.item_kept
    for name in (
        "root.res",
        "fr.res",
        "fr_FR.res",
        "fr_CA.res",
        "en.res",
        "en_GB.res",
        "pool.res",
        "coll/root.res",
        "coll/fr.res",
        "coll/ucadata.icu",
        "zone/fr.res",
        "zone/pool.res",
        "metaZones.res",
        "zoneinfo64.res",
        "supplementalData.res",
        "likelySubtags.res",
        "nfkc.nrm",
        "cnvalias.icu",
        "ibm-5348_P100-1997.cnv",  # windows-1252
        "brkitr/word.brk",
        "brkitr/fr.res",
    ):
        assert kept(name), name
    for name in (
        "de.res",
        "zh_Hant_TW.res",
        "coll/zh.res",
        "coll/de__PHONEBOOK.res",
        "zone/ja.res",
        "lang/ar.res",
        "yue.res",
        "translit/root.res",
        "brkitr/cjdict.dict",
        "brkitr/thaidict.dict",
        "gb18030.cnv",
        "ibm-1390_P110-2003.cnv",
    ):
        assert not kept(name), name


def test_trimmed_library_serves_french_to_qt(
    icu_data: ModuleType, wheel_icu: Path, tmp_path: Path
) -> None:
    trimmed = icu_data.trim_library(wheel_icu, tmp_path)
    assert trimmed.name == wheel_icu.name  # same soname, found by Qt's libicuuc
    assert trimmed.stat().st_size < wheel_icu.stat().st_size / 5
    symbol, package = icu_data.read_library(trimmed)
    assert symbol.name == icu_data.find_data_symbol(wheel_icu.read_bytes()).name
    assert {"coll/fr.res", "zone/fr.res", "fr.res"} <= set(package.names())

    result = french_checks(tmp_path)
    assert result["icu"] == [str(trimmed)]  # the trimmed data, not the wheel's
    assert result["problems"] == []
    assert "heure normale d’Europe centrale" in str(result["summary"])


def test_the_checks_notice_missing_icu_data(
    icu_data: ModuleType, wheel_icu: Path, tmp_path: Path
) -> None:
    # Without collation and time-zone data the app would sort Étain after Zuydcoote:
    # the smoke test must say so, not pass.
    symbol, package = icu_data.read_library(wheel_icu)
    crippled = icu_data.Package(
        package.header,
        package.prefix,
        [item for item in package.items if not item[0].startswith(("coll/", "zone/"))],
    )
    icu_data.build_library(
        symbol.name, wheel_icu.name, icu_data.write_package(crippled), tmp_path / wheel_icu.name
    )
    problems = french_checks(tmp_path)["problems"]
    assert isinstance(problems, list)
    assert any(problem.startswith("tri français incorrect") for problem in problems)
    assert any(problem.startswith("fuseau Europe/Paris") for problem in problems)


def test_the_spec_swaps_in_the_trimmed_library(
    icu_data: ModuleType, wheel_icu: Path, tmp_path: Path
) -> None:
    qt_lib = "PySide6/Qt/lib"
    binaries = [
        (f"{qt_lib}/libQt6Core.so.6", str(QT_LIB / "libQt6Core.so.6"), "BINARY"),
        (f"{qt_lib}/{wheel_icu.name}", str(wheel_icu), "BINARY"),
    ]
    swapped = icu_data.with_trimmed_icu(binaries, tmp_path / "icu")
    assert swapped[0] == binaries[0]
    assert swapped[1] == (binaries[1][0], str(tmp_path / "icu" / wheel_icu.name), "BINARY")
    with pytest.raises(SystemExit, match="no libicudata"):
        icu_data.with_trimmed_icu(binaries[:1], tmp_path / "icu")
