"""Bad input to `fieldvisit forms import-xlsform`: exit 2, a French message naming what is
wrong, and nothing written (no output, no temporary file left behind)."""

from __future__ import annotations

import errno
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldvisit.cli import main
from fieldvisit.forms import load_form

SURVEY = [["type", "name", "label"], ["text", "commune", "Commune"]]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["forms", "import-xlsform", *args])
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    return folder


def assert_nothing_written(folder: Path, *kept: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(kept)


def _text_file(path: Path) -> Path:
    path.write_text("type;name;label\ntext;commune;Commune\n", encoding="utf-8")
    return path


def _old_excel(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


def _other_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def _truncated(write_xlsform: Callable[..., Path]) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        whole = write_xlsform(SURVEY, name="entier.xlsx").read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
        return path

    return make


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_text_file, "n'est pas un classeur Excel (.xlsx) : donnez le fichier XLSForm"),
        (
            _old_excel,
            "est un classeur Excel 97-2003 (.xls) ou un classeur protégé par un mot de passe, "
            "qui ne sont pas lus : enregistrez-le au format .xlsx, sans mot de passe",
        ),
        (_other_zip, "n'est pas un classeur .xlsx lisible"),
        ("truncated", "n'est pas un classeur .xlsx lisible"),
    ],
    ids=["texte", "xls", "zip-ods", "tronque"],
)
def test_a_file_that_is_not_a_workbook(
    capsys, write_xlsform, tmp_path: Path, out_dir: Path, make, message: str
) -> None:  # type: ignore[no-untyped-def]
    maker = _truncated(write_xlsform) if make == "truncated" else make
    source = maker(tmp_path / "formulaire.xlsx")
    code, err = run(capsys, str(source), "-o", str(out_dir / "f.toml"))
    assert code == 2
    assert err.startswith(f"fieldvisit : {source} ")
    assert message in err
    assert_nothing_written(out_dir)


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        (
            {"survey": None, "choices": [["list_name", "name", "label"]]},
            "pas de feuille « survey », celle des questions d'un XLSForm (feuilles trouvées : "
            "« choices »)",
        ),
        ({"survey": []}, ":survey: la feuille est vide, aucune question à convertir."),
        ({"survey": [["type", "name", "label"]]}, ":survey: la feuille est vide"),
        (
            {"survey": [[None], ["name", "label"], ["commune", "Commune"]]},
            ":survey:2: colonne « type » absente (en-têtes trouvés : label, name).",
        ),
        (
            {"survey": [["type", "name", "hint"], ["text", "commune", "Aide"]]},
            ":survey:1: aucune colonne de libellés (« label » ou « label::Français (fr) »).",
        ),
        (
            {
                "survey": [
                    ["type", "name", "label"],
                    ["start", "start"],
                    ["geopoint", "gps", "Position"],
                ]
            },
            " : aucune question convertible ; rien n'est écrit.",
        ),
        (
            {
                "survey": [["type", "name", "label"], ["select_one yn", "ok", "Conforme ?"]],
                "choices": [["list", "name", "label"], ["yn", "yes", "Oui"]],
            },
            ":choices:1: colonne « list_name » absente (en-têtes trouvés : label, list, name) : "
            "aucune liste de choix ne peut être lue.",
        ),
    ],
    ids=[
        "sans-survey",
        "survey-vide",
        "en-tete-seul",
        "sans-type",
        "sans-label",
        "rien",
        "choices-sans-list-name",
    ],
)
def test_a_workbook_without_a_usable_survey(
    capsys, write_xlsform, out_dir: Path, sheets: dict, message: str
) -> None:  # type: ignore[no-untyped-def]
    source = write_xlsform(sheets["survey"], sheets.get("choices"))
    code, err = run(capsys, str(source), "-o", str(out_dir / "f.toml"))
    assert code == 2
    assert f"fieldvisit : {source}" in err
    assert message in err
    assert_nothing_written(out_dir)


def test_nothing_convertible_still_lists_each_row(capsys, write_xlsform, out_dir: Path) -> None:  # type: ignore[no-untyped-def]
    source = write_xlsform(
        [["type", "name", "label"], ["start", "start"], ["geopoint", "gps", "Position"]]
    )
    _code, err = run(capsys, str(source), "-o", str(out_dir / "f.toml"))
    assert (
        f"\n{source}:survey:2: métadonnée automatique « start » non reprise (colonne A « type »)\n"
        in err
    )
    assert f"\n{source}:survey:3: type position GPS (geopoint) non pris en charge" in err


def test_a_relevant_with_no_equivalent_writes_nothing_unless_show_always(
    capsys, write_xlsform, out_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """Dropping a condition would show a question the XLSForm hides: refused by default,
    converted (the question always shown) only when asked."""
    source = write_xlsform(
        [
            ["type", "name", "label", "relevant", "calculation"],  # 1
            ["integer", "agents", "Nombre d'agents"],  # 2
            ["calculate", "ratio", None, None, "${agents} div 1000"],  # 3
            ["text", "renfort", "Renfort demandé", "${agents} * 2 > 10"],  # 4
            ["begin group", "bilan", "Bilan", "today() > ${date}"],  # 5
            ["text", "synthese", "Synthèse"],  # 6
            ["end group"],  # 7
        ]
    )
    target = out_dir / "effectifs.toml"
    code, err = run(capsys, str(source), "-o", str(target))
    assert code == 2
    assert err.startswith(f"fieldvisit : {source}:survey:3: calcul « ratio » (calculate)")
    assert (
        f"\n{source}:survey:4: condition (relevant) « ${{agents}} * 2 > 10 » non reprise : le "
        "calcul « * » n'a pas d'équivalent ; question toujours affichée (colonne D « relevant »)\n"
        in err
    )
    assert f"\n{source}:survey:5: condition (relevant) du groupe « today() > ${{date}} »" in err
    assert err.endswith(
        f"\n{source} : 2 condition(s) (relevant) sans équivalent ; rien n'est écrit. Réécrivez-"
        "les dans le classeur avec ce que fieldvisit comprend (${x} comparé à une valeur, "
        "selected(), and, or, not(), count-selected() ou string-length() comparés à 0), ou "
        "ajoutez --show-always pour convertir quand même, ces questions toujours affichées.\n"
    )
    assert_nothing_written(out_dir)
    assert main(["forms", "import-xlsform", str(source), "-o", str(target), "--show-always"]) == 0
    form = load_form(target)
    assert [item.visible_if for item in form.iter_items()] == [None, None, None]


def test_missing_source_and_a_folder_as_source(capsys, tmp_path: Path, out_dir: Path) -> None:  # type: ignore[no-untyped-def]
    code, err = run(capsys, str(tmp_path / "absent.xlsx"), "-o", str(out_dir / "f.toml"))
    assert (code, err) == (2, f"fieldvisit : {tmp_path / 'absent.xlsx'} : fichier introuvable.\n")
    code, err = run(capsys, str(tmp_path), "-o", str(out_dir / "f.toml"))
    assert (code, err) == (
        2,
        f"fieldvisit : {tmp_path} est un dossier : donnez un fichier .xlsx.\n",
    )
    assert_nothing_written(out_dir)


def test_an_existing_output_is_never_overwritten_without_force(
    capsys, write_xlsform, out_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    source = write_xlsform(SURVEY)
    target = out_dir / "visite.v1.toml"
    target.write_text("# le formulaire de quelqu'un d'autre\n", encoding="utf-8")
    before = target.read_bytes()
    code, err = run(capsys, str(source), "-o", str(target))
    assert code == 2
    assert err == (
        f"fieldvisit : {target} existe déjà : rien n'est écrasé. Choisissez un autre nom ou "
        "ajoutez --force pour le remplacer.\n"
    )
    assert target.read_bytes() == before
    assert_nothing_written(out_dir, "visite.v1.toml")


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("absent/f.toml", "Le dossier {out}/absent n'existe pas : créez-le ou choisissez"),
        ("fichier.txt/f.toml", "{out}/fichier.txt n'est pas un dossier"),
        ("dossier.toml", "{out}/dossier.toml est un dossier : donnez un nom de fichier .toml."),
        ("f.txt", "{out}/f.txt : le formulaire converti doit porter l'extension .toml"),
    ],
    ids=["dossier-absent", "fichier-comme-dossier", "dossier", "extension"],
)
def test_an_output_that_cannot_be_written(
    capsys, write_xlsform, out_dir: Path, output: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    (out_dir / "fichier.txt").write_text("x", encoding="utf-8")
    (out_dir / "dossier.toml").mkdir()
    source = write_xlsform(SURVEY)
    code, err = run(capsys, str(source), "-o", str(out_dir / output), "--force")
    assert code == 2
    assert message.format(out=out_dir) in err
    assert_nothing_written(out_dir, "fichier.txt", "dossier.toml")
    assert list((out_dir / "dossier.toml").iterdir()) == []


class FailingReplace:
    """os.replace that fails like a full disk at the final rename; counts its calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.real = os.replace

    def __call__(self, src: str | Path, dst: str | Path) -> None:
        self.calls += 1
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))


def test_a_failed_write_leaves_neither_the_form_nor_a_temporary_file(
    capsys, write_xlsform, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    source = write_xlsform(SURVEY)
    target = out_dir / "f.toml"
    failing = FailingReplace()
    monkeypatch.setattr("fieldvisit.core.files.os.replace", failing)
    code, err = run(capsys, str(source), "-o", str(target))
    assert failing.calls == 1
    assert code == 2
    assert f"Impossible d'écrire {target} (disque plein) : choisissez un autre emplacement." in err
    assert_nothing_written(out_dir)


def test_a_huge_sheet_is_refused(capsys, tmp_path: Path, out_dir: Path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("survey")
    sheet.append(["type", "name", "label"])
    for n in range(20_001):
        sheet.append(["text", f"q{n}", f"Question {n}"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = tmp_path / "enorme.xlsx"
    source.write_bytes(buffer.getvalue())
    code, err = run(capsys, str(source), "-o", str(out_dir / "f.toml"))
    assert code == 2
    assert f"{source}:survey: plus de 20000 lignes" in err
    assert_nothing_written(out_dir)


def _rewrite_part(source: Path, target: Path, part: str, change: Callable[[str], str]) -> None:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            copy.writestr(info, data)


def test_xml_entities_in_a_workbook_are_refused_not_expanded(
    capsys, write_xlsform, tmp_path: Path, out_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """A « billion laughs » survey sheet: defusedxml makes openpyxl refuse the entities."""
    clean = write_xlsform(SURVEY, name="propre.xlsx")
    laughs = '<!DOCTYPE r [<!ENTITY a "hahahahaha">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8)
    )
    source = tmp_path / "rires.xlsx"

    def add_entities(xml: str) -> str:
        assert not xml.startswith("<?xml")  # openpyxl writes none: the DOCTYPE goes first
        return f"{laughs}]>{xml.replace('Commune', '&i;')}"

    _rewrite_part(clean, source, "xl/worksheets/sheet1.xml", add_entities)
    code, err = run(capsys, str(source), "-o", str(out_dir / "f.toml"))
    assert code == 2
    assert err == (
        f"fieldvisit : {source} n'est pas un classeur .xlsx lisible (il déclare des entités "
        "XML, refusées : elles peuvent saturer la mémoire) : ouvrez-le dans un tableur et "
        "enregistrez-le au format .xlsx.\n"
    )
    assert_nothing_written(out_dir)


def test_a_workbook_that_would_unzip_to_more_than_100_mb_is_refused(
    capsys, write_xlsform, tmp_path: Path, out_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    clean = write_xlsform(SURVEY, name="propre.xlsx")
    source = tmp_path / "bombe.xlsx"
    with (
        zipfile.ZipFile(clean) as original,
        zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in original.infolist():
            copy.writestr(info.filename, original.read(info))
        with copy.open("xl/media/zeros.bin", "w") as zeros:
            for _ in range(101):
                zeros.write(bytes(1_000_000))
    assert source.stat().st_size < 1_000_000
    code, err = run(capsys, str(source), "-o", str(out_dir / "f.toml"))
    assert code == 2
    assert f"{source} : décompressé, ce classeur dépasse 100 Mo" in err
    assert_nothing_written(out_dir)
