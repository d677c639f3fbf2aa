"""scripts/build_communes.py on a tiny hand-made package shaped like Etalab's."""

from __future__ import annotations

import gzip
import importlib.util
import json
import tarfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from fieldvisit.reference import CommuneIndex

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_communes.py"


@pytest.fixture(scope="module")
def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_communes", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def commune(code: str, nom: str, departement: str, region: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "nom": nom,
        "typeLiaison": 0,
        "zone": "metro",
        "departement": departement,
        "region": region,
        "type": "commune-actuelle",
        **extra,
    }


COMMUNES = [
    commune("15187", "Saint-Flour", "15", "84", codesPostaux=["15100"], population=6391),
    commune("15100", "Laveissenet", "15", "84", codesPostaux=["15300"], population=137),
    commune("2A004", "Ajaccio", "2A", "94", codesPostaux=["20090", "20000"], population=76320),
    commune("74010", "Annecy", "74", "84", codesPostaux=["74000"], population=132117),
    commune("74010", "Annecy", "74", "84", type="commune-deleguee", chefLieu="74010"),
    commune("74011", "Annecy-le-Vieux", "74", "84", type="commune-deleguee", chefLieu="74010"),
    commune("74268", "Seynod", "74", "84", type="commune-associee", chefLieu="74010"),
    commune("13055", "Marseille", "13", "93", codesPostaux=["13001"], population=886040),
    commune(
        "13201",
        "Marseille 1er Arrondissement",
        "13",
        "93",
        type="arrondissement-municipal",
        commune="13055",
        codesPostaux=["13001"],
        population=37599,
    ),
    commune("98412", "Archipel des Kerguelen", "984", "984", zone="com"),
]
EPCI = [
    {
        "code": "200066660",
        "nom": "CC de Saint-Flour",
        "type": "CC",
        "membres": [{"code": "15187"}, {"code": "15100"}],
    },
    {"code": "200066793", "nom": "CA du Grand Annecy", "membres": [{"code": "74010"}]},
    {
        "code": "200054807",
        "nom": "Métropole d'Aix-Marseille-Provence",
        "membres": [{"code": "13055"}],
    },
    {"code": "242010056", "nom": "CA du Pays Ajaccien", "membres": [{"code": "2A004"}]},
    {"code": "999999999", "nom": "EPCI sans commune ici", "membres": [{"code": "01001"}]},
]
DEPARTEMENTS = [
    {"code": "15", "region": "84", "nom": "Cantal"},
    {"code": "2A", "region": "94", "nom": "Corse-du-Sud"},
    {"code": "74", "region": "84", "nom": "Haute-Savoie"},
    {"code": "13", "region": "93", "nom": "Bouches-du-Rhône"},
    {"code": "984", "region": "984", "nom": "Terres australes et antarctiques françaises"},
]
REGIONS = [
    {"code": "84", "nom": "Auvergne-Rhône-Alpes"},
    {"code": "94", "nom": "Corse"},
    {"code": "93", "nom": "Provence-Alpes-Côte d'Azur"},
    {"code": "984", "nom": "Terres australes et antarctiques françaises"},
]
README = """# @etalab/decoupage-administratif

| Année | Version du package | NPM |
|-------|--------------------|-----|
| 2031  | 9.9.9              | `npm install @etalab/decoupage-administratif@9.9.9` |
| 2030  | 9.0.0              | `npm install @etalab/decoupage-administratif@9.0.0` |
"""


def write_package(root: Path, communes: list[dict[str, Any]] = COMMUNES) -> Path:
    """An unpacked package: package.json, README.md and data/*.json."""
    (root / "data").mkdir(parents=True)
    package = {"name": "@etalab/decoupage-administratif", "version": "9.9.9", "license": "MIT"}
    files = {
        "package.json": package,
        "data/communes.json": communes,
        "data/epci.json": EPCI,
        "data/departements.json": DEPARTEMENTS,
        "data/regions.json": REGIONS,
    }
    for name, content in files.items():
        (root / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    (root / "README.md").write_text(README, encoding="utf-8")
    return root


def write_tarball(package_dir: Path, tarball: Path) -> Path:
    """The same package as `npm pack` would ship it: everything under package/."""
    with tarfile.open(tarball, "w:gz") as archive:
        for path in sorted(package_dir.rglob("*")):
            archive.add(path, arcname="package/" + path.relative_to(package_dir).as_posix())
    return tarball


def read_document(path: Path) -> dict[str, Any]:
    return json.loads(gzip.decompress(path.read_bytes()))


def test_build_writes_the_expected_file(build_script: ModuleType, tmp_path: Path) -> None:
    output = tmp_path / "out" / "communes.json.gz"
    build_script.build(write_package(tmp_path / "pkg"), output)

    document = read_document(output)
    assert document["format"] == 1
    assert document["source"] == {
        "package": "@etalab/decoupage-administratif",
        "version": "9.9.9",
        "millesime": "2031",
    }
    assert document["types"] == [
        "commune-actuelle",
        "arrondissement-municipal",
        "commune-deleguee",
        "commune-associee",
    ]
    assert document["epci"] == {
        "200054807": "Métropole d'Aix-Marseille-Provence",
        "200066660": "CC de Saint-Flour",
        "200066793": "CA du Grand Annecy",
        "242010056": "CA du Pays Ajaccien",
    }
    columns = document["columns"]
    # Rank order: current communes by population (unknown last), then by type.
    assert list(zip(columns["code"], columns["nom"], strict=True)) == [
        ("13055", "Marseille"),
        ("74010", "Annecy"),
        ("2A004", "Ajaccio"),
        ("15187", "Saint-Flour"),
        ("15100", "Laveissenet"),
        ("98412", "Archipel des Kerguelen"),
        ("13201", "Marseille 1er Arrondissement"),
        ("74010", "Annecy"),
        ("74011", "Annecy-le-Vieux"),
        ("74268", "Seynod"),
    ]
    assert columns["type"] == [0, 0, 0, 0, 0, 0, 1, 2, 2, 3]
    assert columns["codes_postaux"][2] == "20000 20090"  # sorted
    assert columns["codes_postaux"][5] == ""
    assert columns["population"][5] is None
    assert columns["epci"][5] is None
    # Déléguées, associées and arrondissements: their parent, and its EPCI.
    assert columns["chef_lieu"] == [None] * 6 + ["13055", "74010", "74010", "74010"]
    assert columns["epci"][6:] == ["200054807", "200066793", "200066793", "200066793"]

    source_md = (output.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert "`@etalab/decoupage-administratif` version 9.9.9" in source_md
    assert "millésime: 2031" in source_md
    assert "| commune-actuelle | 6 |" in source_md
    assert "python scripts/build_communes.py" in source_md


def test_same_input_gives_the_same_bytes(build_script: ModuleType, tmp_path: Path) -> None:
    package_dir = write_package(tmp_path / "pkg")
    from_dir = tmp_path / "a" / "communes.json.gz"
    from_tarball = tmp_path / "b" / "communes.json.gz"
    build_script.build(package_dir, from_dir)
    build_script.build(write_tarball(package_dir, tmp_path / "pkg.tgz"), from_tarball)
    again = from_dir.read_bytes()
    build_script.build(package_dir, from_dir)

    assert from_dir.read_bytes() == again == from_tarball.read_bytes()
    assert again[4:8] == b"\0\0\0\0"  # no gzip timestamp
    assert (from_dir.parent / "SOURCE.md").read_bytes() == (
        from_tarball.parent / "SOURCE.md"
    ).read_bytes()


def test_a_directory_holding_package_is_accepted(build_script: ModuleType, tmp_path: Path) -> None:
    write_package(tmp_path / "unpacked" / "package")
    output = tmp_path / "communes.json.gz"
    build_script.build(tmp_path / "unpacked", output)
    assert len(read_document(output)["columns"]["code"]) == len(COMMUNES)


def test_the_built_file_is_searchable(build_script: ModuleType, tmp_path: Path) -> None:
    output = tmp_path / "communes.json.gz"
    build_script.build(write_package(tmp_path / "pkg"), output)
    index = CommuneIndex.load(output)

    assert len(index) == len(COMMUNES)
    assert [c.code for c in index.search("15100")] == ["15187", "15100"]
    assert [(c.code, c.type) for c in index.search("annecy")] == [
        ("74010", "commune-actuelle"),
        ("74010", "commune-deleguee"),
        ("74011", "commune-deleguee"),
    ]
    ajaccio = index.get("2a004")
    assert ajaccio is not None
    assert ajaccio.codes_postaux == ("20000", "20090")
    assert (ajaccio.departement_nom, ajaccio.region_nom) == ("Corse-du-Sud", "Corse")
    assert ajaccio.epci_nom == "CA du Pays Ajaccien"
    seynod = index.search("seynod")[0]
    assert (seynod.chef_lieu, seynod.epci_nom) == ("74010", "CA du Grand Annecy")
    assert seynod.label == "Seynod (74, commune associée)"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "commune-fantome"}, "type inattendu"),
        ({"code": "1518"}, "code INSEE invalide"),
        ({"departement": "99"}, "département 99 inconnu"),
        ({"codesPostaux": ["151"]}, "code postal invalide"),
        ({"type": "commune-deleguee", "chefLieu": "00000"}, "rattachement 00000 inconnue"),
    ],
)
def test_unexpected_data_stops_the_build(
    build_script: ModuleType, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    communes = [*COMMUNES[1:], {**COMMUNES[0], **change}]
    with pytest.raises(build_script.BuildError, match=message):
        build_script.build(write_package(tmp_path / "pkg", communes), tmp_path / "out.json.gz")
    assert not (tmp_path / "out.json.gz").exists()


def test_missing_data_file(build_script: ModuleType, tmp_path: Path) -> None:
    package_dir = write_package(tmp_path / "pkg")
    (package_dir / "data" / "epci.json").unlink()
    with pytest.raises(build_script.BuildError, match=r"data/epci\.json"):
        build_script.build(package_dir, tmp_path / "out.json.gz")


def test_main_without_source_runs_npm_pack(
    build_script: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package_dir = write_package(tmp_path / "pkg")
    asked: list[str] = []

    def fake_npm_pack(spec: str, directory: Path) -> Path:
        asked.append(spec)
        return write_tarball(package_dir, directory / "etalab-decoupage-administratif-9.9.9.tgz")

    output = tmp_path / "communes.json.gz"
    status = build_script.main(
        ["--output", str(output), "--package", "@etalab/decoupage-administratif@9.9.9"],
        run_npm=fake_npm_pack,
    )
    assert status == 0
    assert asked == ["@etalab/decoupage-administratif@9.9.9"]
    assert "10 entrées" in capsys.readouterr().out
    assert output.exists()


def test_main_reports_a_bad_source_in_french(
    build_script: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = build_script.main([str(tmp_path / "absent.tgz"), "--output", str(tmp_path / "o")])
    assert status == 1
    assert "Source introuvable" in capsys.readouterr().err
