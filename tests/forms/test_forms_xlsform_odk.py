"""XLSForms as ODK and KoboToolbox users write them, checked by pyxform (ODK's own
converter) before ours reads them: a test workbook that pyxform refuses would prove
nothing about real forms. Every notice names its sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert as pyxform_convert

from fieldvisit.cli import main
from fieldvisit.forms import ItemType, check_paths, load_form

ODK_HEADER = [
    "type",  # A
    "name",  # B
    "label",  # C (English, the default language)
    "label::French (fr)",  # D
    "hint",  # E
    "hint::French (fr)",  # F
    "required",  # G
    "relevant",  # H
    "constraint",  # I
    "constraint_message",  # J
    "appearance",  # K
    "media::image",  # L
]
ODK_SURVEY: list[list[object]] = [
    ODK_HEADER,  # 1
    ["start", "start"],  # 2
    ["end", "end"],  # 3
    ["deviceid", "deviceid"],  # 4
    ["note", "intro", "Welcome", "Merci de remplir ce questionnaire sur place."],  # 5
    ["begin group", "identification", "Identification", "Identification"]
    + [None] * 6
    + ["field-list"],  # 6
    ["text", "enqueteur", "Interviewer", "Enquêteur", "Full name", "Nom complet", "yes"],  # 7
    [
        "date",
        "date_visite",
        "Date",
        "Date de la visite",
        None,
        None,
        "yes",
        None,
        ". <= today()",
        "No future date",
    ],  # 8
    ["select_one communes", "commune", "Town", "Commune", None, None, "yes"],  # 9
    ["end group"],  # 10
    [
        "begin group",
        "securite",
        "Security",
        "Sécurité",
        None,
        None,
        None,
        "${commune} != ''",
    ],  # 11
    ["select_one yn", "cameras", "Cameras?", "Caméras de vidéoprotection ?", None, None, "yes"],
    # 12
    [
        "integer",
        "nb_cameras",
        "How many?",
        "Combien de caméras ?",
        None,
        None,
        "yes",
        "${cameras} = 'yes'",
        ". > 0 and . < 500",
        "1 to 499",
    ],  # 13
    ["select_multiple problemes", "problemes", "Problems", "Problèmes constatés"],  # 14
    [
        "text",
        "autre_probleme",
        "Other problem",
        "Autre problème",
        None,
        None,
        None,
        "selected(${problemes}, 'autre')",
    ],  # 15
    ["note", "consigne_photo", "Take a photo", "Photographiez la place"]
    + [None] * 7
    + ["exemple.png"],  # 16
    ["image", "photo_place", "Photo", "Photo de la place"] + [None] * 6 + ["annotate"],  # 17
    ["end group"],  # 18
    [
        "begin repeat",
        "points_attention",
        "Points of attention",
        "Points d'attention",
        None,
        None,
        None,
        "${cameras} = 'no'",
    ],  # 19
    ["select_one categories", "categorie", "Category", "Catégorie", None, None, "yes"],  # 20
    ["text", "lieu", "Place", "Lieu (adresse ou repère)"],  # 21
    ["geopoint", "position", "Location", "Position"],  # 22
    ["image", "photo_point", "Photo", "Photo du point"],  # 23
    ["end repeat"],  # 24
    ["text", "commentaire", "Comment", "Commentaire"] + [None] * 6 + ["multiline"],  # 25
]
ODK_CHOICES: list[list[object]] = [
    ["list_name", "name", "label", "label::French (fr)", "media::image"],  # 1
    ["communes", "15187", "Mauriac", "Mauriac"],  # 2
    ["communes", "15014", "Aurillac", "Aurillac"],  # 3
    ["yn", "yes", "Yes", "Oui"],  # 4
    ["yn", "no", "No", "Non"],  # 5
    ["problemes", "eclairage", "Lighting", "Éclairage défaillant"],  # 6
    ["problemes", "depots", "Dumping", "Dépôts sauvages", "depot.jpg"],  # 7
    ["problemes", "autre", "Other", "Autre"],  # 8
    ["categories", "angle_mort", "Blind spot", "Angle mort"],  # 9
    ["categories", "eclairage", "Lighting", "Éclairage"],  # 10
]
ODK_SETTINGS: list[list[object]] = [
    ["form_title", "form_id", "version", "default_language"],
    ["Enquête sécurité", "enquete_securite", "2024031501", "English (en)"],
]


def convert(
    capsys: pytest.CaptureFixture[str], source: Path, output: Path, *extra: str
) -> tuple[int, str]:
    code = main(["forms", "import-xlsform", str(source), "-o", str(output), *extra])
    return code, capsys.readouterr().err


def notices_of(err: str, source: Path) -> list[str]:
    """The `FILE:sheet:row: reason` lines, without the file."""
    return [
        line.removeprefix(f"{source}:")
        for line in err.splitlines()
        if line.startswith(f"{source}:")
    ]


def assert_pyxform_accepts(source: Path) -> None:
    """ODK's converter reads the workbook as a valid XLSForm (it raises otherwise)."""
    result = pyxform_convert(xlsform=str(source), validate=False)
    assert "<h:head>" in result.xform


def test_an_odk_form_converts_in_french_with_its_groups_repeat_and_conditions(
    write_xlsform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_xlsform(ODK_SURVEY, ODK_CHOICES, ODK_SETTINGS, name="enquete.xlsx")
    assert_pyxform_accepts(source)
    output = tmp_path / "enquete-securite.v2.toml"
    code, err = convert(capsys, source, output)
    assert code == 0, err
    assert check_paths([output]) == []
    form = load_form(output)
    # ODK's yyyymmddrr version is beyond what visits can pin: the output's name says 2.
    assert (form.id, form.version, form.title) == ("enquete-securite", 2, "Enquête sécurité")
    assert form.description == "Merci de remplir ce questionnaire sur place."
    assert [(s.id, s.title, s.repeat, s.visible_if) for s in form.sections] == [
        ("identification", "Identification", False, None),
        ("securite", "Sécurité", False, None),
        ("points_attention", "Points d'attention", True, "cameras == 'non'"),
        ("enquete_securite", "Enquête sécurité", False, None),
    ]
    assert form.sections[1].description == "Photographiez la place"
    items = {item.id: item for section in form.sections for item in section.items}
    assert list(items) == [
        "enqueteur",
        "date_visite",
        "commune",
        "cameras",
        "nb_cameras",
        "problemes",
        "autre_probleme",
        "photo_place",
        "categorie",
        "lieu",
        "photo_point",
        "commentaire",
    ]
    enqueteur = items["enqueteur"]
    assert (enqueteur.label, enqueteur.help, enqueteur.required) == (
        "Enquêteur",
        "Nom complet",
        True,
    )
    assert items["commune"].choice_ids() == ("15187", "15014")
    assert items["cameras"].type == ItemType.yes_no_na
    assert items["cameras"].visible_if == "answered(commune)"
    nb = items["nb_cameras"]
    assert (nb.type, nb.required, nb.min, nb.max) == (ItemType.number, True, 1, 499)
    assert nb.visible_if == "answered(commune) and cameras == 'oui'"
    assert items["problemes"].choice_label("depots") == "Dépôts sauvages"
    assert items["autre_probleme"].visible_if == "answered(commune) and 'autre' in problemes"
    assert items["photo_place"].type == ItemType.photo
    assert items["categorie"].required is True
    assert items["commentaire"].type == ItemType.long_text
    assert "pas de libellés en français" not in err
    assert notices_of(err, source) == [
        "choices:7: média du libellé (« depot.jpg ») non repris : seul le texte l'est "
        "(colonne E « media::image »)",
        "settings:2: version « 2024031501 » : une version fieldvisit est un entier de 1 à "
        "1 000 000 ; version 2 mise, celle du nom du fichier converti (colonne C « version »)",
        "survey:2: métadonnée automatique « start » non reprise (colonne A « type »)",
        "survey:3: métadonnée automatique « end » non reprise (colonne A « type »)",
        "survey:4: métadonnée automatique « deviceid » non reprise (colonne A « type »)",
        "survey:8: contrainte « . <= today() » non reprise (colonne I « constraint »)",
        "survey:16: média du libellé (« exemple.png ») non repris : seul le texte l'est "
        "(colonne L « media::image »)",
        "survey:22: type position GPS (geopoint) non pris en charge : « position » non reprise "
        "(colonne A « type »)",
    ]
    # The written file lists them too, with their columns, for whoever edits it later.
    text = output.read_text(encoding="utf-8")
    assert (
        "#   survey:8 : contrainte « . <= today() » non reprise (colonne I « constraint »)" in text
    )


def test_pyxform_spellings_of_columns_and_settings(
    write_xlsform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Headers as older forms and other tools write them mean the same columns."""
    source = write_xlsform(
        [
            ["Type", "Name", "Label::French (fr)", "relevance", "bind::required", "jr:count"],
            ["select_one oui_non", "eclairage", "Éclairage public ?", None, "yes"],
            ["begin repeat", "lampadaires", "Lampadaires", "${eclairage} = 'oui'", None, "3"],
            ["text", "rue", "Rue", None, "true"],
            ["end repeat"],
            ["text", "remarque", "Remarque", "${eclairage} = 'non'"],
        ],
        [
            ["List name", "Name", "Label::French (fr)"],
            ["oui_non", "oui", "Oui"],
            ["oui_non", "non", "Non"],
        ],
        [["id_string", "form_title", "version"], ["eclairage_public", "Éclairage public", 3]],
        name="eclairage.xlsx",
    )
    assert_pyxform_accepts(source)
    output = tmp_path / "eclairage.toml"
    code, err = convert(capsys, source, output)
    assert code == 0, err
    form = load_form(output)
    assert (form.id, form.version, form.title) == ("eclairage-public", 3, "Éclairage public")
    assert form.item("eclairage").required is True
    assert form.item("remarque").visible_if == "eclairage == 'non'"
    repeat = next(form.iter_repeats())
    assert (repeat.visible_if, [i.required for i in repeat.items]) == ("eclairage == 'oui'", [True])
    assert notices_of(err, source) == [
        "survey:3: nombre de répétitions (repeat_count « 3 ») non repris : autant "
        "d'occurrences que voulu (colonne F « jr:count »)"
    ]


def test_rows_odk_would_refuse_are_named_not_guessed_silently(
    write_xlsform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A question without a name, KoboToolbox's own blocks, a version no name can give."""
    source = write_xlsform(
        [
            ["type", "name", "label", "kobo--score-choices"],  # 1
            ["text", None, "Adresse du site"],  # 2
            ["begin_score", "accueil", "Accueil en mairie", "notes"],  # 3
            ["score__row", "proprete", "Propreté"],  # 4
            ["end_score"],  # 5
            ["begin group", "g1", "Parcours"],  # 6
            ["text", "a", "A"],  # 7
            ["end group"],  # 8
            ["text", "b", "B"],  # 9
            ["begin group", "g2", "Parcours"],  # 10
            ["text", "c", "C"],  # 11
            ["end group"],  # 12
            ["begin group", "g3", "Parcours"],  # 13
            ["text", "d", "D"],  # 14
            ["end group"],  # 15
        ],
        [["list_name", "name", "label"], ["notes", "1", "Mauvais"], ["notes", "2", "Bon"]],
        [["form_title", "version"], ["Repérage", "vKx3fQ9a"]],
    )
    output = tmp_path / "reperage.toml"
    code, err = convert(capsys, source, output)
    assert code == 0, err
    form = load_form(output)
    assert form.version == 1
    assert form.sections[0].items[0].id == "adresse_du_site"
    assert [s.title for s in form.sections] == [
        "Repérage",
        "Parcours",
        "Repérage (suite)",
        "Parcours (suite)",
        "Parcours (suite 2)",
    ]
    assert notices_of(err, source) == [
        "settings:2: version « vKx3fQ9a » : une version fieldvisit est un entier de 1 à "
        "1 000 000 ; version 1 mise (pour en choisir une : -o NOM.v2.toml) "
        "(colonne B « version »)",
        "survey:2: question sans nom : identifiant « adresse_du_site » tiré de son libellé "
        "(colonne B « name »)",
        "survey:3: type grille de notation KoboToolbox (begin_score) non pris en charge : "
        "« accueil » non reprise (colonne A « type »)",
        "survey:4: type ligne de grille de notation KoboToolbox (score__row) non pris en charge "
        ": « proprete » non reprise (colonne A « type »)",
        "survey:5: type fin de grille de notation KoboToolbox (end_score) non pris en charge : "
        "ligne non reprise (colonne A « type »)",
    ]


def test_a_condition_citing_a_name_with_a_space(
    write_xlsform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`${nom commune}` cites the question named so, as the workbook wrote it."""
    source = write_xlsform(
        [
            ["type", "name", "label", "relevant"],
            ["text", "nom commune", "Commune"],
            ["text", "precision", "Précision", "${nom commune} != ''"],
        ]
    )
    output = tmp_path / "f.toml"
    code, err = convert(capsys, source, output)
    assert code == 0, err
    assert load_form(output).item("precision").visible_if == "answered(nom_commune)"
