"""The catalogue keeps valid forms, reports broken ones and never raises for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.core.errors import NotFound
from fieldvisit.forms import FormCatalogue, FormKind, check_paths


def form_text(form_id: str, version: int, title: str, kind: str = "checklist") -> str:
    return f"""\
id = "{form_id}"
version = {version}
title = "{title}"
kind = "{kind}"

[[sections]]
id = "s1"
title = "Section"

[[sections.items]]
id = "a"
label = "A"
type = "text"
"""


@pytest.fixture
def forms_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "visite.v1.toml").write_text(form_text("visite", 1, "Visite"), encoding="utf-8")
    (folder / "visite.v2.toml").write_text(form_text("visite", 2, "Visite"), encoding="utf-8")
    (folder / "elu.v1.toml").write_text(form_text("elu", 1, "Élus", "interview"), encoding="utf-8")
    (folder / "autre.v1.toml").write_text(
        form_text("autre", 1, "Adjoints", "interview"), encoding="utf-8"
    )
    (folder / "notes.txt").write_text("pas un formulaire", encoding="utf-8")
    return folder


def test_loads_every_toml_of_the_folders(forms_dir: Path) -> None:
    catalogue = FormCatalogue.load([forms_dir])
    assert catalogue.problems == []
    assert [f.key for f in catalogue] == [("autre", 1), ("elu", 1), ("visite", 1), ("visite", 2)]
    assert catalogue.get("visite", 1).version == 1
    assert catalogue.latest("visite").version == 2
    assert ("elu", 1) in catalogue


def test_latest_of_kind_is_sorted_by_title_ignoring_accents(forms_dir: Path) -> None:
    catalogue = FormCatalogue.load([forms_dir])
    assert [f.id for f in catalogue.latest_of_kind(FormKind.interview)] == ["autre", "elu"]
    assert [f.key for f in catalogue.latest_of_kind(FormKind.checklist)] == [("visite", 2)]
    assert catalogue.latest_of_kind(FormKind.diagnostic) == []


def test_unknown_form_raises_not_found_in_french(forms_dir: Path) -> None:
    catalogue = FormCatalogue.load([forms_dir])
    with pytest.raises(NotFound, match="« visite » version 9 est introuvable"):
        catalogue.get("visite", 9)
    with pytest.raises(NotFound, match="Aucun formulaire « rien »"):
        catalogue.latest("rien")


def test_broken_file_is_reported_and_valid_forms_are_kept(forms_dir: Path) -> None:
    broken = forms_dir / "casse.v1.toml"
    broken.write_text(form_text("casse", 1, "Cassé").replace('"text"', '"texte"'), "utf-8")
    catalogue = FormCatalogue.load([forms_dir])
    assert len(catalogue) == 4
    assert [str(p) for p in catalogue.problems] == [
        f"{broken}:13: élément « a » : type « texte » inconnu (types possibles : yes_no_na, "
        "single_choice, multi_choice, text, long_text, number, date, rating, photo) ; "
        "vouliez-vous dire « text » ?"
    ]


def test_duplicate_id_and_version_is_a_problem(forms_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "user-forms"
    other.mkdir()
    copy = other / "copie.toml"
    copy.write_text(form_text("visite", 2, "Visite modifiée"), encoding="utf-8")
    catalogue = FormCatalogue.load([forms_dir, other])
    assert catalogue.get("visite", 2).title == "Visite"
    assert [(p.path, p.line) for p in catalogue.problems] == [(copy, 2)]
    assert catalogue.problems[0].message == (
        f"le formulaire « visite » version 2 est déjà défini dans {forms_dir / 'visite.v2.toml'}"
        " ; ce fichier est ignoré (changez la version)"
    )


def test_missing_folder_is_skipped_by_load_but_reported_by_check(tmp_path: Path) -> None:
    absent = tmp_path / "absent"
    assert FormCatalogue.load([absent]).problems == []
    problems = check_paths([absent])
    assert [str(p) for p in problems] == [f"{absent}:0: fichier ou dossier introuvable"]


def test_check_paths_accepts_files_and_folders(forms_dir: Path, tmp_path: Path) -> None:
    assert check_paths([forms_dir]) == []
    single = tmp_path / "seul.toml"
    single.write_text("id = ", encoding="utf-8")
    problems = check_paths([forms_dir / "elu.v1.toml", single])
    assert [(p.path, p.line) for p in problems] == [(single, 1)]
    assert problems[0].message.startswith("erreur de syntaxe TOML")


def test_shipped_forms_pass_check(tmp_path: Path) -> None:
    from fieldvisit.assets import shipped_forms_dir

    assert [str(p) for p in check_paths([shipped_forms_dir()])] == []
