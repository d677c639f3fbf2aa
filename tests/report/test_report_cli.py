"""`fieldvisit report` and `fieldvisit forms print`, as scripts use them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "data"
    assert main(["--data-dir", str(folder), "demo"]) == 0
    return folder


@pytest.fixture(scope="module")
def demo_visits(demo_dir: Path) -> list[dict[str, str]]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--data-dir", str(demo_dir), "visits", "list", "--json"]) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def _done(visits: list[dict[str, str]]) -> dict[str, str]:
    return next(v for v in visits if v["status"] == "terminee")


def test_report_of_one_visit_internal_and_shareable(
    capsys, demo_dir, demo_visits, tmp_path, kit
) -> None:  # type: ignore[no-untyped-def]
    visit = _done(demo_visits)
    internal = tmp_path / "interne.pdf"
    code, _, err = run(
        capsys, "--data-dir", str(demo_dir), "report", visit["id"], "-o", str(internal)
    )
    assert code == 0, err
    assert "écrit" in err and str(internal) in err
    text = kit.pdf_text(internal)
    assert visit["commune"] in text and "DIFFUSION RESTREINTE" in text
    shareable = tmp_path / "partageable.pdf"
    code, _, err = run(
        capsys,
        "--data-dir",
        str(demo_dir),
        "report",
        visit["id"][:8],  # a unique prefix is enough
        "-o",
        str(shareable),
        "--shareable",
    )
    assert code == 0, err
    text = kit.pdf_text(shareable)
    assert "DIFFUSION RESTREINTE" not in text and "Version partageable" in text
    # No temporary file left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interne.pdf", "partageable.pdf"]


def test_report_bad_inputs_exit_2(capsys, demo_dir, demo_visits, tmp_path) -> None:  # type: ignore[no-untyped-def]
    visit = _done(demo_visits)
    data = ["--data-dir", str(demo_dir)]
    code, _, err = run(capsys, *data, "report", "0123456789abcdef", "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "Visite introuvable" in err
    code, _, err = run(capsys, *data, "report", "abc", "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "8 premiers caractères" in err
    code, _, err = run(
        capsys, *data, "report", visit["id"], "-o", str(tmp_path / "absent" / "x.pdf")
    )
    assert code == 2 and "n'existe pas" in err
    code, _, err = run(capsys, *data, "report", visit["id"], "-o", str(tmp_path))
    assert code == 2 and "est un dossier" in err
    code, _, err = run(capsys, *data, "report", "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "Indiquez la visite" in err
    code, _, err = run(capsys, *data, "report", visit["id"], "--all-completed", "-o", str(tmp_path))
    assert code == 2 and "pas les deux" in err
    code, _, err = run(capsys, *data, "report", visit["id"])  # -o is required
    assert code == 2 and "Indiquez où écrire avec -o" in err
    a_file = tmp_path / "fichier"
    a_file.write_bytes(b"x")
    code, _, err = run(capsys, *data, "report", visit["id"], "-o", str(a_file / "x.pdf"))
    assert code == 2 and f"{a_file} n'est pas un dossier" in err
    a_file.unlink()
    assert list(tmp_path.iterdir()) == []


def test_report_to_an_unwritable_place_exits_2(
    capsys, demo_dir, demo_visits, unwritable_dir
) -> None:  # type: ignore[no-untyped-def]
    visit = _done(demo_visits)
    data = ["--data-dir", str(demo_dir)]
    before = sorted(unwritable_dir.iterdir())
    code, out, err = run(capsys, *data, "report", visit["id"], "-o", str(unwritable_dir / "r.pdf"))
    assert code == 2 and out == ""
    assert f"Impossible d'écrire dans le dossier {unwritable_dir} (accès refusé)" in err
    code, _, err = run(
        capsys, *data, "report", "--all-completed", "-o", str(unwritable_dir / "rapports")
    )
    assert code == 2 and "Impossible de créer le dossier" in err and "accès refusé" in err
    code, _, err = run(
        capsys, *data, "forms", "print", "entretien-elu", "-o", str(unwritable_dir / "g.pdf")
    )
    assert code == 2 and "(accès refusé)" in err
    assert sorted(unwritable_dir.iterdir()) == before  # nothing left behind


def test_report_all_completed_writes_one_file_per_visit(
    capsys, demo_dir, demo_visits, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "rapports"
    code, _, err = run(
        capsys, "--data-dir", str(demo_dir), "report", "--all-completed", "-o", str(folder)
    )
    assert code == 0, err
    done = [v for v in demo_visits if v["status"] in ("terminee", "rapport_emis")]
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == len(done) >= 3
    for name in names:
        assert re.fullmatch(r"rapport-\d[\dAB]\d{3}-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.pdf", name), name
        assert f"Rapport écrit : {folder / name}" in err
        assert len(PdfReader(folder / name).pages) > 3
    assert any(name.startswith("rapport-12208-saint-affrique-") for name in names)
    shared = tmp_path / "partageables"
    code, _, err = run(
        capsys,
        "--data-dir",
        str(demo_dir),
        "report",
        "--all-completed",
        "--shareable",
        "-o",
        str(shared),
    )
    assert code == 0, err
    assert sorted(p.name for p in shared.iterdir()) == [
        name.replace(".pdf", "-partageable.pdf") for name in names
    ]
    not_a_folder = tmp_path / "file.pdf"
    not_a_folder.write_bytes(b"x")
    code, _, err = run(
        capsys, "--data-dir", str(demo_dir), "report", "--all-completed", "-o", str(not_a_folder)
    )
    assert code == 2 and "n'est pas un dossier" in err


def test_all_completed_on_an_empty_data_dir(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(
        capsys,
        "--data-dir",
        str(tmp_path / "data"),
        "report",
        "--all-completed",
        "-o",
        str(tmp_path / "out"),
    )
    assert code == 0 and "Aucune visite terminée" in err


@pytest.mark.parametrize(
    "form_id", sorted({p.name.split(".v")[0] for p in shipped_forms_dir().glob("*.toml")})
)
def test_forms_print_makes_a_blank_form_of_each_shipped_form(
    capsys, tmp_path, form_id, kit
) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.forms import FormCatalogue

    form = FormCatalogue.load([shipped_forms_dir()]).latest(form_id)
    target = tmp_path / f"{form_id}.pdf"
    code, _, err = run(
        capsys, "--data-dir", str(tmp_path / "data"), "forms", "print", form_id, "-o", str(target)
    )
    assert code == 0, err
    reader = PdfReader(target)
    text = kit.pdf_text(target)
    assert reader.metadata is not None and form.title in (reader.metadata.title or "")
    assert "grille vierge" in text and f"version {form.version}" in text
    for number, section in enumerate(form.sections, start=1):
        assert f"{number}. {kit.normalised(section.title)}" in text
        for item in section.items:
            assert kit.normalised(item.label) in text, item.id
        for theme in section.themes:
            assert kit.normalised(theme.label) in text
    assert "○ Oui ○ Non ○ Sans objet" in text or not any(
        i.type == "yes_no_na" for i in form.iter_items()
    )
    if any(i.type == "multi_choice" for i in form.iter_items()):
        assert "☐" in text
    if form.confidential_item_ids():
        assert "[CONFIDENTIEL]" in text and "DIFFUSION RESTREINTE UNE FOIS REMPLIE" in text
    if form.withheld_item_ids() - form.confidential_item_ids():  # the élu guide's attacks
        assert "[INTERNE]" in text and "réponse réservée aux services" in text
    if any(i.required for i in form.iter_items()):
        assert "*" in text
    if any(s.themes for s in form.sections):
        assert "4 très préoccupant" in text and "Constats :" in text
    pages = kit.page_texts(target)
    assert all(f"Page {n} / {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert next(e.title for e in reader.outline if not isinstance(e, list)) == form.title


def test_forms_print_conditions_in_words(capsys, tmp_path, kit) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "grille.pdf"
    code, _, _ = run(
        capsys,
        "--data-dir",
        str(tmp_path / "data"),
        "forms",
        "print",
        "visite-centre-bourg",
        "-o",
        str(target),
    )
    assert code == 0
    text = kit.pdf_text(target)
    assert "→ À remplir si 2.2 = « Oui »" in text
    assert "« Signes de trafic de stupéfiants » est coché en" in text


def test_forms_print_unknown_form_or_version_exits_2(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = ["--data-dir", str(tmp_path / "data")]
    code, _, err = run(capsys, *data, "forms", "print", "nope", "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "nope" in err
    code, _, err = run(
        capsys,
        *data,
        "forms",
        "print",
        "entretien-elu",
        "--version",
        "99",
        "-o",
        str(tmp_path / "x.pdf"),
    )
    assert code == 2 and "version 99" in err
    with pytest.raises(SystemExit) as exited:
        main([*data, "forms", "print", "entretien-elu", "--version", "deux", "-o", "x.pdf"])
    assert exited.value.code == 2
    assert "numéro de version attendu" in capsys.readouterr().err
    code, _, err = run(capsys, *data, "forms", "print", "entretien-elu")
    assert code == 2 and "Indiquez le fichier PDF à écrire avec -o" in err
    code, _, err = run(capsys, *data, "forms", "print", "entretien-elu", "-o", str(tmp_path))
    assert code == 2 and "est un dossier" in err
    assert list(tmp_path.glob("*.pdf")) == []


def test_report_with_a_logo_and_a_bad_logo(capsys, demo_dir, demo_visits, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    visit = _done(demo_visits)
    logo = tmp_path / "logo.jpg"
    Image.new("RGB", (300, 120), (0, 0, 145)).save(logo)
    target = tmp_path / "avec-logo.pdf"
    data = ["--data-dir", str(demo_dir), "report", visit["id"]]
    code, _, err = run(capsys, *data, "--logo", str(logo), "-o", str(target))
    assert code == 0, err
    assert [i.image.size for i in PdfReader(target).pages[0].images if i.image] == [(300, 120)]
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_bytes(b"\x89PNG\r\n\x1a\n tronque")
    code, _, err = run(capsys, *data, "--logo", str(not_an_image), "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and f"Le fichier {not_an_image} n'est pas une image lisible" in err
    assert not (tmp_path / "x.pdf").exists()
