"""The command line, as scripts use it: output, exit codes, messages on stderr."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fieldvisit.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path) -> str:
    return str(tmp_path / "data")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded demo data dir shared by the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("demo") / "data"
    assert main(["--data-dir", str(folder), "demo"]) == 0
    return folder


@pytest.mark.parametrize("query", ["st flour", "Saint-Flour", "SAINT FLOUR", "15100", "15187"])
def test_communes_search_lists_saint_flour_first(capsys, query: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "communes", "search", query)
    assert code == 0
    assert out.splitlines()[0].startswith("15187\tSaint-Flour\t15 Cantal")


def test_communes_search_json_and_no_match(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "communes", "search", "st flour", "--json", "--limit", "3")
    assert code == 0
    first = json.loads(out)[0]
    assert (first["code"], first["nom"], first["departement"]) == ("15187", "Saint-Flour", "15")
    code, _, err = run(capsys, "communes", "search", "zzzzqqq")
    assert code == 1 and "Aucune commune" in err


def test_forms_check_accepts_the_shipped_forms(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "forms", "check")
    assert (code, err) == (0, "")
    assert "Formulaires valides" in out


def test_forms_check_reports_file_and_line(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.toml"
    broken.write_text(
        'id = "x"\nversion = 1\ntitle = "X"\nkind = "checklist"\n\n[[sections]]\n'
        'id = "s"\ntitle = "S"\n\n[[sections.items]]\nid = "a"\nlabel = "A"\n'
        'type = "oui_non"\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "forms", "check", str(broken))
    assert code == 2
    assert f"{broken}:13:" in err
    assert "oui_non" in err


def test_demo_seeds_five_visits_in_different_communes_once(capsys, demo_dir: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--data-dir", str(demo_dir), "visits", "list", "--json")
    visits = json.loads(out)
    assert code == 0
    assert len(visits) >= 5
    assert len({v["commune_code"] for v in visits}) >= 5
    assert {"terminee", "en_cours", "planifiee", "rapport_emis"} <= {v["status"] for v in visits}
    assert all(v["answered"] > 10 for v in visits if v["status"] != "planifiee")
    code, _, err = run(capsys, "--data-dir", str(demo_dir), "demo")
    assert code == 0 and "0 visite(s)" in err
    _, out, _ = run(capsys, "--data-dir", str(demo_dir), "visits", "list", "--json")
    assert len(json.loads(out)) == len(visits)


def test_demo_visits_have_interviews_ratings_actions_and_a_photo(demo_dir: Path) -> None:
    from fieldvisit.paths import DataDir
    from fieldvisit.services import Services, actions, attachments, diagnostic, interviews, visits

    svc = Services.open(DataDir(demo_dir))
    try:
        done = [v for v in visits.list_visits(svc) if v.status == "terminee"]
        assert done
        for row in done:
            assert len(interviews.list_interviews(svc, row.id)) == 2
            assert len(diagnostic.theme_ratings(svc, row.id)) >= 10
            assert len(actions.list_recommendations(svc, row.id)) >= 3
            [photo] = attachments.list_attachments(svc, row.id)
            assert photo.media_type == "image/jpeg"
            assert attachments.attachment_path(svc, photo).is_file()
    finally:
        svc.close()


def test_visits_list_on_an_empty_data_dir(capsys, data: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--data-dir", data, "visits", "list")
    assert code == 0 and "Aucune visite" in out
    code, out, _ = run(capsys, "--data-dir", data, "visits", "list", "--json")
    assert json.loads(out) == []


def test_export_import_round_trip_between_data_dirs(capsys, demo_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = run(capsys, "--data-dir", str(demo_dir), "visits", "list", "--json")
    source = json.loads(out)[0]
    archive = tmp_path / "visite.zip"
    code, _, err = run(
        capsys, "--data-dir", str(demo_dir), "visits", "export", source["id"], "-o", str(archive)
    )
    assert code == 0 and archive.is_file(), err
    target = str(tmp_path / "laptop2")
    for _ in range(2):
        code, _, err = run(capsys, "--data-dir", target, "visits", "import", str(archive))
        assert code == 0, err
    _, out, _ = run(capsys, "--data-dir", target, "visits", "list", "--json")
    [imported] = json.loads(out)
    assert imported == source


def test_bad_inputs_exit_2_with_a_message(capsys, data: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "--data-dir", data, "visits", "export", "nope", "-o", "x.zip")
    assert code == 2 and "Introuvable" in err
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    code, _, err = run(capsys, "--data-dir", data, "visits", "import", str(junk))
    assert code == 2 and "Rien n'a été importé" in err
    code, _, err = run(capsys, "--data-dir", data, "visits", "import", str(tmp_path / "absent"))
    assert code == 2 and "introuvable" in err
    with pytest.raises(SystemExit) as exited:
        main(["visits", "explode"])
    assert exited.value.code == 2


def test_a_corrupt_database_exits_2_and_is_left_untouched(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "fieldvisit.sqlite3"
    db.write_bytes(b"garbage" * 100)
    code, _, err = run(capsys, "--data-dir", str(folder), "visits", "list")
    assert code == 2
    assert "n'est pas une base de données SQLite" in err
    assert db.read_bytes() == b"garbage" * 100


def test_an_unwritable_data_dir_exits_2(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "--data-dir", str(blocker / "sub"), "visits", "list")
    assert code == 2 and "n'est pas utilisable" in err


def test_installed_entry_point_and_environment_data_dir(tmp_path: Path) -> None:
    exe = shutil.which("fieldvisit", path=str(Path(sys.executable).parent))
    assert exe is not None
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("fieldvisit ")
    env_dir = tmp_path / "from-env"
    result = subprocess.run(
        [sys.executable, "-m", "fieldvisit", "visits", "list"],
        capture_output=True,
        text=True,
        # A bare environment has no keyring: the data dir is encrypted by a passphrase.
        env={
            "FIELDVISIT_DATA_DIR": str(env_dir),
            "PATH": "/usr/bin:/bin",
            "FIELDVISIT_PASSPHRASE": "phrase de passe du script",
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (env_dir / "fieldvisit.sqlite3").is_file()
