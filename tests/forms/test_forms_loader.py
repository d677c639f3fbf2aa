"""Broken form files give `file:line: message`, with every problem and the right line."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.core.errors import BadInput
from fieldvisit.forms import FormError, FormProblem, ItemType, load_form


def problems_of(path: Path) -> list[FormProblem]:
    with pytest.raises(FormError) as caught:
        load_form(path)
    assert str(caught.value) == "\n".join(str(p) for p in caught.value.problems)
    return caught.value.problems


def only_problem(path: Path) -> FormProblem:
    problems = problems_of(path)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_problem_prints_as_file_line_message(tmp_path: Path) -> None:
    problem = FormProblem(tmp_path / "x.toml", 42, "élément « a » : oups")
    assert str(problem) == f"{tmp_path / 'x.toml'}:42: élément « a » : oups"


def test_form_error_is_bad_input(write_form) -> None:
    with pytest.raises(BadInput):
        load_form(write_form("titre = 1\n"))


def test_valid_minimal_form(write_form) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "etat"
        label = "État"
        type = "single_choice"
        choices = ["Très dégradé", "Correct"]
        """
    )
    form = load_form(path)
    assert form.item("etat").choice_ids() == ("tres_degrade", "correct")
    assert form.item("etat").type is ItemType.single_choice


def test_toml_syntax_error_gives_line_and_column(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "a"
        label = "A"
        type = yes_no_na
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, "type = yes_no_na")
    assert problem.message.startswith("erreur de syntaxe TOML, colonne 8 : valeur invalide")


def test_toml_unclosed_header(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]
        id = "s1"
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, "[[sections]")
    assert "« ]] » attendu" in problem.message


def test_unknown_type(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "eclairage_public"
        title = "Éclairage"

        [[sections.items]]
        id = "eclairage"
        label = "Éclairage suffisant ?"
        type = "oui_non"
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, 'type = "oui_non"')
    assert problem.message.startswith(
        "élément « eclairage » : type « oui_non » inconnu (types possibles : yes_no_na, "
    )
    assert str(problem).startswith(f"{path}:{problem.line}: élément « eclairage » : type")


def test_missing_label_points_at_the_item_header(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "a"
        label = "A"
        type = "text"

        [[sections.items]]
        id = "b"
        type = "text"
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, "[[sections.items]]", occurrence=2)
    assert problem.message == "élément « b » : clé obligatoire « label » manquante"


def test_unknown_key_typo_is_reported_with_a_suggestion(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "a"
        label = "A"
        type = "text"
        requried = true
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, "requried")
    assert problem.message == (
        "élément « a » : clé inconnue « requried » (vouliez-vous dire « required » ?)"
    )


def test_unknown_top_level_key(write_form, find_line) -> None:
    path = write_form(
        """
        titel = "Coquille"

        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "a"
        label = "A"
        type = "text"
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, "titel")
    assert problem.message == "formulaire : clé inconnue « titel » (vouliez-vous dire « title » ?)"


def test_duplicate_item_id_points_at_the_second_id(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section 1"

        [[sections.items]]
        id = "eclairage"
        label = "A"
        type = "text"

        [[sections]]
        id = "s2"
        title = "Section 2"

        [[sections.items]]
        id = "eclairage"
        label = "B"
        type = "text"
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, 'id = "eclairage"', occurrence=2)
    assert problem.message == (
        "élément « eclairage » : identifiant déjà utilisé (dans la section « s1 »)"
    )


def test_duplicate_section_and_choice_ids(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section 1"

        [[sections.items]]
        id = "statut"
        label = "Statut"
        type = "single_choice"
        choices = [
          { id = "a", label = "A" },
          { id = "a", label = "A bis" },
        ]

        [[sections]]
        id = "s1"
        title = "Section 1 bis"

        [[sections.items]]
        id = "autre"
        label = "Autre"
        type = "text"
        """
    )
    problems = problems_of(path)
    assert [(p.line, p.message) for p in problems] == [
        (find_line(path, "A bis"), "élément « statut », choix n° 2 : choix « a » en double"),
        (find_line(path, 'id = "s1"', 2), "section « s1 » : identifiant de section déjà utilisé"),
    ]


def test_bad_visible_if_syntax_points_at_its_line_with_a_column(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "pm"
        label = "Police municipale ?"
        type = "yes_no_na"

        [[sections.items]]
        id = "nb"
        label = "Nombre d'agents"
        type = "number"
        visible_if = "pm = 'oui'"
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, "visible_if")
    assert problem.message == (
        "élément « nb » : visible_if invalide, colonne 4 : « = » seul n'est pas une "
        "comparaison : écrivez « == »"
    )


def test_visible_if_unknown_reference_and_self_reference(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "police"
        label = "Police municipale ?"
        type = "yes_no_na"
        visible_if = "answered(police)"

        [[sections.items]]
        id = "nb"
        label = "Nombre d'agents"
        type = "number"
        visible_if = "polic == 'oui'"
        """
    )
    problems = problems_of(path)
    assert [(p.line, p.message) for p in problems] == [
        (
            find_line(path, "answered(police)"),
            "élément « police » : visible_if ne peut pas dépendre de l'élément lui-même",
        ),
        (
            find_line(path, "polic =="),
            "élément « nb » : visible_if cite « polic », qui n'est pas un élément de ce "
            "formulaire (vouliez-vous dire « police » ?)",
        ),
    ]


def test_visible_if_cycle(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "a"
        label = "A"
        type = "text"
        visible_if = "answered(b)"

        [[sections.items]]
        id = "b"
        label = "B"
        type = "text"
        visible_if = "answered(a)"
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, "answered(b)")
    assert problem.message == "élément « a » : visible_if forme un cycle : a → b → a"


def test_visible_if_compares_to_a_value_that_cannot_be_answered(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "pm"
        label = "Police municipale ?"
        type = "yes_no_na"

        [[sections.items]]
        id = "statut"
        label = "Statut"
        type = "single_choice"
        choices = [{ id = "signee", label = "Signée" }, { id = "absente", label = "Absente" }]

        [[sections.items]]
        id = "suite"
        label = "Suite"
        type = "text"
        visible_if = "pm == 'Oui' or statut in ['signee', 'signe']"
        """
    )
    problems = problems_of(path)
    line = find_line(path, "visible_if")
    assert [(p.line, p.message) for p in problems] == [
        (
            line,
            "élément « suite » : visible_if (colonne 7) compare « pm » à 'Oui' : les réponses "
            "possibles sont 'oui', 'non' et 'na'",
        ),
        (
            line,
            "élément « suite » : visible_if (colonne 37) compare « statut » à 'signe' : ce "
            "n'est pas un de ses choix (signee, absente)",
        ),
    ]


def test_choice_type_without_choices_and_choices_on_text(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "statut"
        label = "Statut"
        type = "multi_choice"

        [[sections.items]]
        id = "remarque"
        label = "Remarque"
        type = "text"
        choices = ["Un", "Deux"]
        """
    )
    problems = problems_of(path)
    assert [p.line for p in problems] == [
        find_line(path, 'type = "multi_choice"'),
        find_line(path, 'choices = ["Un"'),
    ]
    assert problems[0].message.startswith("élément « statut » : type multi_choice sans choix")
    assert problems[1].message == (
        "élément « remarque » : des choix n'ont de sens que pour single_choice ou "
        "multi_choice, pas text"
    )


def test_rating_scale_and_number_bounds(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "note"
        label = "Note"
        type = "rating"
        scale = 1

        [[sections.items]]
        id = "nb"
        label = "Nombre"
        type = "number"
        min = 10
        max = 5

        [[sections.items]]
        id = "texte"
        label = "Texte"
        type = "text"
        scale = 4
        """
    )
    problems = problems_of(path)
    assert [(p.line, p.message) for p in problems] == [
        (find_line(path, "scale = 1"), "élément « note » : « scale » doit être ≥ 2 (reçu 1)"),
        (find_line(path, "max = 5"), "élément « nb » : max (5) est inférieur à min (10)"),
        (
            find_line(path, "scale = 4"),
            "élément « texte » : scale ne s'applique qu'au type rating, pas text",
        ),
    ]


def test_diagnostic_needs_themes_and_themes_need_a_diagnostic(
    write_form, find_line, tmp_path
) -> None:
    body = """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "a"
        label = "A"
        type = "text"
        """
    diagnostic = write_form(
        'id = "diag"\nversion = 1\ntitle = "Diagnostic"\nkind = "diagnostic"\n' + body,
        header=False,
        name="diag.v1.toml",
    )
    problem = only_problem(diagnostic)
    assert problem.line == find_line(diagnostic, "kind =")
    assert "doit définir des thèmes" in problem.message

    checklist = write_form(body + '\n[[sections.themes]]\nid = "t"\nlabel = "Thème"\n')
    problem = only_problem(checklist)
    assert problem.line == find_line(checklist, "[[sections.themes]]")
    assert problem.message.startswith("section « s1 » : des thèmes ([[sections.themes]])")


def test_top_level_errors(write_form, find_line) -> None:
    path = write_form(
        """
        version = 0
        title = ""
        kind = "enquete"
        sections = []
        """,
        header=False,
    )
    messages = {(p.line, p.message) for p in problems_of(path)}
    assert messages == {
        (1, "formulaire : clé obligatoire « id » manquante"),
        (find_line(path, "version"), "formulaire : « version » doit être ≥ 1 (reçu 0)"),
        (find_line(path, "title"), "formulaire : « title » ne doit pas être vide"),
        (
            find_line(path, "kind"),
            "formulaire : nature (kind) « enquete » inconnue (possibles : checklist, "
            "interview, diagnostic)",
        ),
        (
            find_line(path, "sections"),
            "formulaire : aucune section ; ajoutez au moins un bloc [[sections]]",
        ),
    }


def test_every_problem_of_a_file_is_reported_in_line_order(write_form) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "a"
        label = "A"
        type = "oui_non"

        [[sections.items]]
        id = "b"
        type = "text"
        requried = true

        [[sections.items]]
        id = "c"
        label = "C"
        type = "text"
        visible_if = "answered(z)"

        [[sections.items]]
        id = "Mauvais Id"
        label = "D"
        type = "date"
        """
    )
    problems = problems_of(path)
    assert len(problems) == 5
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert "identifiant « Mauvais Id » invalide" in problems[-1].message


def test_wrong_value_types(write_form, find_line) -> None:
    path = write_form(
        """
        [[sections]]
        id = "s1"
        title = "Section"

        [[sections.items]]
        id = "a"
        label = "A"
        type = "text"
        required = "oui"
        """
    )
    problem = only_problem(path)
    assert problem.line == find_line(path, "required")
    assert problem.message == "élément « a » : « required » doit être true ou false (reçu « oui »)"


def test_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "absent.toml"
    problem = only_problem(missing)
    assert (problem.path, problem.line) == (missing, 0)
    assert problem.message.startswith("lecture impossible")

    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('id = "x"\ntitle = "Éclairage"\n'.encode("latin-1"))
    problem = only_problem(latin1)
    assert problem.line == 2
    assert "UTF-8" in problem.message


def test_line_mapping_survives_multiline_strings_and_arrays_of_tables(
    write_form, find_line
) -> None:
    path = write_form(
        '''
        description = """
        Un texte qui contient [[sections]] et type = "faux"
        sur plusieurs lignes.
        """

        [[sections]]
        id = "s1"
        title = 'Section [1]'  # commentaire avec [[sections.items]]

        [[sections.items]]
        id = "statut"
        label = "Statut"
        type = "single_choice"

        [[sections.items.choices]]
        id = "a"
        label = "A"

        [[sections.items.choices]]
        id = "B"
        label = "B"

        [[sections.items]]
        "id" = "note"
        label = """Note
        sur deux lignes"""
        type = "rating"
        scale = 11
        '''
    )
    problems = problems_of(path)
    assert [(p.line, p.message) for p in problems] == [
        (
            find_line(path, 'id = "B"'),
            "élément « statut », choix n° 2 : identifiant « B » invalide (minuscules sans "
            "accent, chiffres, « _ » et « - »)",
        ),
        (find_line(path, "scale = 11"), "élément « note » : « scale » doit être ≤ 10 (reçu 11)"),
    ]
