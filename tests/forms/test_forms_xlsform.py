"""`fieldvisit forms import-xlsform`: XLSForms shaped like KoboToolbox and ODK ones become
forms the app loads, with what could not be converted listed as FILE:sheet:row: reason."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest

from fieldvisit.cli import main
from fieldvisit.forms import FormDefinition, ItemType, check_paths, load_form

KOBO_HEADER = [
    "type",
    "name",
    "label::English (en)",
    "label::Français (fr)",
    "hint::English (en)",
    "hint::Français (fr)",
    "required",
    "relevant",
    "appearance",
    "constraint",
    "constraint_message::English (en)",
    "calculation",
    "choice_filter",
]


# Row numbers of the sheet are in the comments: notices must name them.
KOBO_SURVEY = [
    KOBO_HEADER,  # 1
    ["start", "start"],  # 2
    ["end", "end"],  # 3
    ["today", "today"],  # 4
    ["begin_group", "commune", "Town", "La commune", None, None, None, None, "field-list"],  # 5
    [
        "text",
        "nom_commune",
        "Town name",
        "Nom de la commune",
        "As written by INSEE",
        "Tel qu'écrit par l'INSEE",
        "true",
    ],  # 6
    [
        "integer",
        "habitants",
        "Population",
        "Nombre d'habitants",
        None,
        None,
        "true",
        None,
        None,
        ". >= 0 and . <= 200000",
        "Invalid",
    ],  # 7
    [
        "select_one yes_no",
        "police_municipale",
        "Municipal police?",
        "Police municipale ?",
        None,
        None,
        "yes",
    ],  # 8
    [
        "integer",
        "agents",
        "How many officers?",
        "Combien d'agents ?",
        None,
        None,
        None,
        "${police_municipale} = 'yes'",
        None,
        ". > 0",
    ],  # 9
    ["end_group"],  # 10
    [
        "begin_group",
        "constats",
        "Findings",
        "Constats",
        None,
        None,
        None,
        "${habitants} >= 1000",
        "field-list",
    ],  # 11
    ["select_multiple nuisances", "nuisances", "Nuisances", "Nuisances constatées"],  # 12
    [
        "text",
        "rodeos_lieux",
        "Where?",
        "Où ont lieu les rodéos ?",
        None,
        None,
        None,
        "selected(${nuisances}, 'rodeos')",
        "multiline",
    ],  # 13
    ["select_one etat or_other", "etat_bati", "State", "État du bâti"],  # 14
    [
        "calculate",
        "score",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "${habitants} div 1000",
    ],  # 15
    ["geopoint", "position", "Location", "Position de la mairie"],  # 16
    ["note", "consigne", "Take pictures", "Prenez des photos des façades"],  # 17
    [
        "image",
        "photo_facades",
        "Photo",
        "Photo des façades",
        None,
        None,
        None,
        "not(selected(${nuisances}, 'aucune'))",
    ],  # 18
    [
        "select_one quartier",
        "quartier",
        "District",
        "Quartier",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "commune=${nom_commune}",
    ],  # 19
    ["end_group"],  # 20
    [
        "begin_repeat",
        "points_attention",
        "Points of attention",
        "Points d'attention",
        None,
        None,
        None,
        "${police_municipale} = 'yes' or ${habitants} > 5000",
    ],  # 21
    ["select_one categorie", "categorie", "Category", "Catégorie", None, None, "true"],  # 22
    ["text", "lieu", "Where", "Lieu (adresse ou repère)"],  # 23
    [
        "integer",
        "gravite",
        "Severity",
        "Gravité (1 à 4)",
        None,
        None,
        None,
        "${categorie} = 'eclairage' or ${categorie} = 'angle_mort'",
        None,
        ". >= 1 and . <= 4",
    ],  # 24
    ["image", "photo_point", "Photo", "Photo du point"],  # 25
    ["end_repeat"],  # 26
    [
        "text",
        "commentaire",
        "Comment",
        "Commentaire général",
        None,
        None,
        None,
        "string-length(${lieu}) > 0",
    ],  # 27
]
KOBO_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Français (fr)"],
    ["yes_no", "yes", "Yes", "Oui"],
    ["yes_no", "no", "No", "Non"],
    ["nuisances", "rodeos", "Rodeos", "Rodéos urbains"],
    ["nuisances", "stupefiants", "Drugs", "Trafic de stupéfiants"],
    ["nuisances", "aucune", "None", "Aucune"],
    ["etat", "bon", "Good", "Bon"],
    ["etat", "degrade", "Damaged", "Dégradé"],
    ["quartier", "centre", "Centre", "Centre"],
    ["quartier", "gare", "Station", "Gare"],
    ["categorie", "eclairage", "Lighting", "Éclairage"],
    ["categorie", "angle_mort", "Blind spot", "Angle mort"],
    ["categorie", "depot", "Dumping", "Dépôt sauvage"],
]
KOBO_SETTINGS = [
    ["form_title", "form_id", "version", "default_language"],
    ["Diagnostic de centre-bourg", "diag_centre_bourg", "3", "English (en)"],
]


def convert(
    capsys: pytest.CaptureFixture[str], source: Path, output: Path, *extra: str
) -> tuple[int, str, str]:
    code = main(["forms", "import-xlsform", str(source), "-o", str(output), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def items_of(form: FormDefinition) -> dict[str, dict[str, object]]:
    """Each item's type, required, visible_if and choice ids, by id."""
    return {
        item.id: {
            "type": item.type,
            "required": item.required,
            "visible_if": item.visible_if,
            "choices": item.choice_ids(),
        }
        for section in form.sections
        for item in section.items
    }


@pytest.fixture
def kobo(write_xlsform, tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    source = write_xlsform(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS, name="kobo-diag.xlsx")
    output = tmp_path / "forms" / "diag-centre-bourg.v3.toml"
    output.parent.mkdir()
    code, out, err = convert(capsys, source, output, "--show-always")
    return source, output, code, out, err


def test_kobo_form_converts_and_passes_forms_check(kobo, capsys) -> None:  # type: ignore[no-untyped-def]
    _source, output, code, out, _err = kobo
    assert code == 0
    assert check_paths([output]) == []
    assert main(["forms", "check", str(output.parent)]) == 0
    assert "Formulaires valides." in capsys.readouterr().out
    form = load_form(output)
    assert (form.id, form.version, form.title, str(form.kind)) == (
        "diag-centre-bourg",
        3,
        "Diagnostic de centre-bourg",
        "checklist",
    )
    assert "Formulaire « Diagnostic de centre-bourg » (diag-centre-bourg, version 3)" in out
    assert f"écrit dans {output} : 4 section(s) dont 1 répétable(s), 15 élément(s)." in out


def test_kobo_items_types_choices_required_and_conditions(kobo) -> None:  # type: ignore[no-untyped-def]
    form = load_form(kobo[1])
    assert [(s.id, s.title, s.repeat) for s in form.sections] == [
        ("commune", "La commune", False),
        ("constats", "Constats", False),
        ("points_attention", "Points d'attention", True),
        ("diagnostic_de_centre_bourg", "Diagnostic de centre-bourg", False),
    ]
    in_group = "habitants >= 1000"
    assert items_of(form) == {
        "nom_commune": {"type": ItemType.text, "required": True, "visible_if": None, "choices": ()},
        "habitants": {"type": ItemType.number, "required": True, "visible_if": None, "choices": ()},
        "police_municipale": {
            "type": ItemType.yes_no_na,
            "required": True,
            "visible_if": None,
            "choices": (),
        },
        "agents": {
            "type": ItemType.number,
            "required": False,
            "visible_if": "police_municipale == 'oui'",
            "choices": (),
        },
        "nuisances": {
            "type": ItemType.multi_choice,
            "required": False,
            "visible_if": in_group,
            "choices": ("rodeos", "stupefiants", "aucune"),
        },
        "rodeos_lieux": {
            "type": ItemType.long_text,
            "required": False,
            "visible_if": f"{in_group} and 'rodeos' in nuisances",
            "choices": (),
        },
        "etat_bati": {
            "type": ItemType.single_choice,
            "required": False,
            "visible_if": in_group,
            "choices": ("bon", "degrade", "other"),
        },
        "etat_bati_other": {
            "type": ItemType.text,
            "required": False,
            "visible_if": f"{in_group} and etat_bati == 'other'",
            "choices": (),
        },
        "photo_facades": {
            "type": ItemType.photo,
            "required": False,
            "visible_if": f"{in_group} and not ('aucune' in nuisances)",
            "choices": (),
        },
        "quartier": {
            "type": ItemType.single_choice,
            "required": False,
            "visible_if": in_group,
            "choices": ("centre", "gare"),
        },
        "categorie": {
            "type": ItemType.single_choice,
            "required": True,
            "visible_if": None,
            "choices": ("eclairage", "angle_mort", "depot"),
        },
        "lieu": {"type": ItemType.text, "required": False, "visible_if": None, "choices": ()},
        "gravite": {
            "type": ItemType.number,
            "required": False,
            "visible_if": "categorie == 'eclairage' or categorie == 'angle_mort'",
            "choices": (),
        },
        "photo_point": {
            "type": ItemType.photo,
            "required": False,
            "visible_if": None,
            "choices": (),
        },
        "commentaire": {
            "type": ItemType.text,
            "required": False,
            "visible_if": None,
            "choices": (),
        },
    }
    # French labels and hints, bounds from the constraints, the note as a description.
    assert form.item("nom_commune").label == "Nom de la commune"
    assert form.item("nom_commune").help == "Tel qu'écrit par l'INSEE"
    assert form.item("etat_bati").choice_label("degrade") == "Dégradé"
    assert form.item("etat_bati").choice_label("other") == "Autre"
    assert form.item("etat_bati_other").label == "État du bâti : autre, précisez"
    assert (form.item("habitants").min, form.item("habitants").max) == (0, 200000)
    assert (form.item("agents").min, form.item("agents").max) == (1, None)  # `. > 0`, integer
    assert form.sections[1].description == "Prenez des photos des façades"
    repeat = form.sections[2]
    assert repeat.visible_if == "police_municipale == 'oui' or habitants > 5000"
    assert (repeat.items[2].min, repeat.items[2].max) == (1, 4)


def test_kobo_conditions_behave_as_in_the_xlsform(kobo) -> None:  # type: ignore[no-untyped-def]
    form = load_form(kobo[1])

    def shown(answers: dict[str, object]) -> set[str]:
        return {item.id for item in form.visible_items(answers)}

    assert "nuisances" not in shown({"habitants": 500})
    assert "agents" in shown({"police_municipale": "oui"})
    assert "agents" not in shown({"police_municipale": "non"})
    big = {"habitants": 2000}
    assert "rodeos_lieux" not in shown(big)
    assert "rodeos_lieux" in shown({**big, "nuisances": ["stupefiants", "rodeos"]})
    # XPath: not(selected(${x}, 'aucune')) holds while nothing is selected.
    assert "photo_facades" in shown(big)
    assert "photo_facades" not in shown({**big, "nuisances": ["aucune"]})
    assert "etat_bati_other" in shown({**big, "etat_bati": "other"})
    assert "etat_bati_other" not in shown({**big, "etat_bati": "bon"})


def test_kobo_rows_left_out_are_listed_with_file_sheet_and_row(kobo) -> None:  # type: ignore[no-untyped-def]
    source, output, _code, _out, err = kobo
    lines = [line for line in err.splitlines() if line.startswith(f"{source}:")]
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{source}:survey:{row}" for row in (2, 3, 4, 15, 16, 19, 27)
    ]
    reasons = dict(line.removeprefix(f"{source}:survey:").split(": ", 1) for line in lines)
    # Each reason ends with the column at fault, as the spreadsheet shows it.
    assert reasons["2"] == "métadonnée automatique « start » non reprise (colonne A « type »)"
    assert reasons["15"].startswith("calcul « score » (calculate) non repris")
    assert reasons["16"] == (
        "type position GPS (geopoint) non pris en charge : « position » non reprise "
        "(colonne A « type »)"
    )
    assert reasons["19"] == (
        "filtre de choix « commune=${nom_commune} » non repris : tous les choix sont proposés "
        "(colonne M « choice_filter »)"
    )
    assert reasons["27"] == (
        "condition (relevant) « string-length(${lieu}) > 0 » non reprise : elle cite ${lieu}, "
        "une question d'un groupe répétable (une réponse par occurrence) ; question toujours "
        "affichée (colonne H « relevant »)"
    )
    assert "7 ligne(s) non reprise(s) ou reprise(s) en partie" in err
    # The file says so too, for whoever edits it later; and reads like a shipped form.
    text = output.read_text(encoding="utf-8")
    assert "#   survey:16 : type position GPS (geopoint) non pris en charge" in text
    assert text.count("[[sections.items]]") == 15
    assert '  { id = "angle_mort", label = "Angle mort" },\n' in text
    assert tomllib.loads(text)["sections"][2]["repeat"] is True


def test_the_app_loads_a_converted_form_with_its_repeat(kobo, data_dir, communes) -> None:  # type: ignore[no-untyped-def]
    """Dropped into the user's forms folder, the form is offered and answered; the
    repeatable group's items have no single answer (refused), the report leaves it out."""
    from datetime import date

    from fieldvisit.core.errors import BadInput
    from fieldvisit.report.blank_form import render_blank_form
    from fieldvisit.report.model import build_report
    from fieldvisit.report.render import render_report
    from fieldvisit.services import Services, answers, visits

    data_dir.forms.mkdir(parents=True)
    (data_dir.forms / kobo[1].name).write_bytes(kobo[1].read_bytes())
    svc = Services.open(data_dir)
    svc.__dict__["communes"] = communes
    try:
        assert svc.forms.problems == []
        visit = visits.plan_visit(
            svc, "15187", date(2026, 3, 12), checklist_form="diag-centre-bourg"
        )
        answers.answer_item(svc, visit.id, "diag-centre-bourg", "habitants", 2000)
        with pytest.raises(BadInput, match="Élément « lieu » inconnu"):
            answers.answer_item(svc, visit.id, "diag-centre-bourg", "lieu", "Place du marché")
        report = build_report(svc, visit.id)
        titles = [section.title for section in report.checklist]
        assert "Constats" in titles and "Points d'attention" not in titles
        shape = svc.form_shape("diag-centre-bourg", 3)
        assert shape is not None and shape.item_count == 11  # single answers only
        pdf = io.BytesIO()
        render_report(report, pdf)
        assert "Points d'attention" not in _pdf_text(pdf.getvalue())
        blank = io.BytesIO()
        render_blank_form(svc.forms.get("diag-centre-bourg", 3), blank)
        text = _pdf_text(blank.getvalue())
        assert "Points d'attention Groupe répétable : remplissez ces questions pour chaque " in text
        assert "Lieu (adresse ou repère)" in text
    finally:
        svc.close()


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


ODK_SURVEY = [
    ["type", "name", "label", "hint", "required", "relevant", "default", "constraint"],  # 1
    ["begin group", "menage", "Ménage"],  # 2
    ["integer", "nb_personnes", "Nombre de personnes", None, "yes", None, None, ". >= 1"],  # 3
    ["select_one oui_non", "victime", "Victime d'une infraction ?", None, "yes"],  # 4
    ["begin group", "detail", "Détail de l'infraction", None, None, "${victime} = 1"],  # 5
    ["select_multiple infractions", "infractions", "Infractions subies"],  # 6
    [
        "date",
        "date_faits",
        "Date des faits",
        None,
        "${victime} = 1",
        "count-selected(${infractions}) > 0",
    ],  # 7
    [
        "text",
        "plainte",
        "Plainte déposée pour ${infractions} ?",
        None,
        None,
        "${date_faits} != '' and (${nb_personnes} > 2 or not(${victime} = 0))",
    ],  # 8
    ["end group"],  # 9
    ["text", "remarque", "Remarque", None, None, None, "sans objet"],  # 10
    ["select_one inconnue", "choix_perdu", "Liste perdue"],  # 11
    ["end group"],  # 12
    ["decimal", "budget", "Budget (k€)", None, None, "${nb_personnes} + 1 > 3"],  # 13
    ["barcode", "code", "Code"],  # 14
    ["text", "Q-1.b", "Nom bizarre", "Aide sur\ndeux lignes « citées »"],  # 15
]
ODK_CHOICES = [
    ["list name", "name", "label"],  # 1 (pyxform's old header spelling)
    ["oui_non", 1, "Oui"],  # 2
    ["oui_non", 0, "Non"],  # 3
    ["infractions", "vol", "Vol"],  # 4
    ["infractions", "cambriolage", "Cambriolage"],  # 5
    ["infractions", "degradation", None],  # 6
]


def test_odk_form_with_nested_groups_and_plain_labels(
    write_xlsform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_xlsform(ODK_SURVEY, ODK_CHOICES, name="enquete.xlsx")
    output = tmp_path / "enquete-menages.v2.toml"
    code, _out, err = convert(capsys, source, output, "--show-always")
    assert code == 0, err
    assert check_paths([output]) == []
    form = load_form(output)
    # No settings sheet: the id and the version come from the output's name.
    assert (form.id, form.version, form.title) == ("enquete-menages", 2, "enquete-menages")
    assert [(s.id, s.title) for s in form.sections] == [
        ("menage", "Ménage"),
        ("detail", "Ménage › Détail de l'infraction"),
        ("menage_2", "Ménage (suite)"),
        ("enquete_menages", "enquete-menages"),
    ]
    found = items_of(form)
    assert found["victime"]["type"] == ItemType.yes_no_na  # names 1/0, labels Oui/Non
    assert found["infractions"] == {
        "type": ItemType.multi_choice,
        "required": False,
        "visible_if": "victime == 'oui'",
        "choices": ("vol", "cambriolage", "degradation"),
    }
    assert found["date_faits"]["visible_if"] == "victime == 'oui' and answered(infractions)"
    assert found["date_faits"]["required"] is False  # conditional: left out, said so
    assert found["plainte"]["visible_if"] == (
        "victime == 'oui' and answered(date_faits) and (nb_personnes > 2 or not (victime == 'non'))"
    )
    assert found["budget"]["visible_if"] is None
    assert list(found) == [
        "nb_personnes",
        "victime",
        "infractions",
        "date_faits",
        "plainte",
        "remarque",
        "budget",
        "q_1_b",
    ]
    assert form.item("q_1_b").help == "Aide sur\ndeux lignes « citées »"
    assert form.item("infractions").choice_label("degradation") == "degradation"
    assert (form.item("nb_personnes").min, form.item("nb_personnes").max) == (1, None)
    lines = [line for line in err.splitlines() if line.startswith(f"{source}:")]
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{source}:choices:6",
        *(f"{source}:survey:{row}" for row in (7, 8, 10, 11, 13, 14)),
    ]
    assert lines[0].endswith(
        "choix « degradation » sans libellé : son nom sert de libellé (colonne C « label »)"
    )
    assert "required « ${victime} = 1 »" in lines[1]
    assert "le texte cite ${infractions}" in lines[2]
    assert "valeur par défaut « sans objet » non reprise" in lines[3]
    assert "liste « inconnue » absente de la feuille choices" in lines[4]
    assert "le calcul « + » n'a pas d'équivalent" in lines[5]
    assert "code-barres (barcode)" in lines[6]
    assert "pas de libellés en français" not in err  # a plain `label` column is taken as is


def test_english_only_labels_are_taken_and_said(
    write_xlsform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_xlsform(
        [
            ["type", "name", "label::English (en)", "label::Español (es)"],
            ["text", "town", "Town", "Pueblo"],
            ["select_one yn", "ok", "All right?", "¿Bien?"],
        ],
        [
            ["list_name", "name", "label::English (en)", "label::Español (es)"],
            ["yn", "yes", "Yes", "Sí"],
            ["yn", "no", "No", "No"],
            ["yn", "dk", "Don't know", "No sé"],
        ],
        [["form_title", "default_language"], ["Survey", "English (en)"]],
    )
    output = tmp_path / "survey.toml"
    code, _out, err = convert(capsys, source, output, "--kind", "interview")
    assert code == 0, err
    form = load_form(output)
    assert str(form.kind) == "interview"
    assert form.item("town").label == "Town"
    # "Don't know" is not « sans objet »: the list stays a choice.
    assert form.item("ok").type == ItemType.single_choice
    assert form.item("ok").choice_ids() == ("yes", "no", "dk")
    assert (
        "pas de libellés en français : ceux de la colonne « label::English (en) » sont repris"
        in err
    )


def test_force_replaces_a_form_and_strict_refuses_any_loss(
    write_xlsform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_xlsform(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)
    output = tmp_path / "diag.toml"
    output.write_text("# ancien formulaire, à garder tant que --force n'est pas donné\n")
    before = output.read_bytes()
    code, _out, err = convert(capsys, source, output, "--strict", "--force")
    assert code == 2
    assert "7 ligne(s) non reprise(s) ; avec --strict rien n'est écrit." in err
    assert f"{source}:survey:16: type position GPS" in err
    assert output.read_bytes() == before
    code, _out, _err = convert(capsys, source, output, "--force", "--show-always")
    assert code == 0
    assert load_form(output).id == "diag-centre-bourg"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diag.toml", "formulaire.xlsx"]


STRUCTURE = [
    ["type", "name", "label", "relevant", "repeat_count"],  # 1
    ["note", "intro", "Formulaire de repérage, à remplir sur place."],  # 2
    ["begin group", "quartier", "Quartier de la gare"],  # 3
    ["note", "vide", "Rien ne suit cette note dans son groupe."],  # 4
    ["end group"],  # 5
    ["begin group", "centre", "Centre-bourg"],  # 6
    ["select_multiple usages or_other", "usages", "Usages de la place"],  # 7
    ["begin repeat", "commerces", "Commerces", "selected(${usages}, 'marche')", "3"],  # 8
    ["text", "enseigne", "Enseigne"],  # 9
    ["begin group", "vitrine", "Vitrine", "${enseigne} != ''"],  # 10
    ["select_one etat", "etat_vitrine", "État de la vitrine"],  # 11
    ["end group"],  # 12
    ["begin repeat", "salaries", "Salariés"],  # 13
    ["integer", "age", "Âge"],  # 14
    ["end repeat"],  # 15
    ["end repeat"],  # 16
    ["text", "usages", "Même nom qu'avant"],  # 17
    ["end repeat"],  # 18: closes the group « centre »
    ["end group"],  # 19: nothing left to close
    ["begin group", "fin", "Fin"],  # 20
    ["text", "signataire", "Signataire"],  # 21
]
STRUCTURE_CHOICES = [
    ["list_name", "name", "label"],
    ["usages", "marche", "Marché"],
    ["usages", "parking", "Stationnement"],
    ["etat", "bon", "Bon"],
    ["etat", "mauvais", "Mauvais"],
]


def test_groups_repeats_and_notes_find_their_place(
    write_xlsform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_xlsform(STRUCTURE, STRUCTURE_CHOICES)
    output = tmp_path / "reperage.toml"
    code, _out, err = convert(capsys, source, output)
    assert code == 0, err
    assert check_paths([output]) == []
    form = load_form(output)
    assert form.description == "Formulaire de repérage, à remplir sur place."
    assert [(s.id, s.title, s.repeat, s.visible_if) for s in form.sections] == [
        ("centre", "Centre-bourg", False, None),
        ("commerces", "Centre-bourg › Commerces", True, "'marche' in usages"),
        ("centre_2", "Centre-bourg (suite)", False, None),
        ("fin", "Fin", False, None),
    ]
    found = items_of(form)
    assert found["usages"]["choices"] == ("marche", "parking", "other")
    assert found["usages_other"]["visible_if"] == "'other' in usages"
    # A group inside the repeat joins its items' conditions; the nested repeat is flattened.
    assert [i.id for i in form.sections[1].items] == ["enseigne", "etat_vitrine", "age"]
    assert found["etat_vitrine"]["visible_if"] == "answered(enseigne)"
    assert [i.id for i in form.sections[2].items] == ["usages_2"]
    notices = [line for line in err.splitlines() if line.startswith(f"{source}:")]
    type_column = " (colonne A « type »)"
    assert notices == [
        f"{source}:survey:4: note sans question après elle dans son groupe : non reprise",
        f"{source}:survey:8: nombre de répétitions (repeat_count « 3 ») non repris : autant "
        "d'occurrences que voulu (colonne E « repeat_count »)",
        f"{source}:survey:13: groupe répétable dans un groupe répétable : ses questions sont "
        "reprises dans le groupe répétable qui l'englobe (une fois par occurrence)" + type_column,
        f"{source}:survey:17: nom « usages » déjà pris ligne 7 (colonne B « name »)",
        f"{source}:survey:18: « end repeat » ferme le « begin group » de la ligne 6 : lu comme "
        "« end group »" + type_column,
        f"{source}:survey:19: « end group » sans « begin group » : ignoré" + type_column,
        f"{source}:survey:20: « begin group » jamais fermé (« end group » manquant)" + type_column,
    ]
