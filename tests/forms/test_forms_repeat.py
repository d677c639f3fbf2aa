"""Repeatable groups in form definitions: what loads, what `forms check` refuses, and line by
line; their items are not single answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.cli import main
from fieldvisit.forms import FormCatalogue, FormError, load_form
from fieldvisit.forms.cache import ValidatedFormCache

WALK = """
[[sections]]
id = "parcours"
title = "Parcours"

[[sections.items]]
id = "angles_morts"
label = "Angles morts ?"
type = "yes_no_na"
required = true

[[sections]]
id = "points_attention"
title = "Points d'attention"
description = "Un point par lieu."
repeat = true
visible_if = "angles_morts == 'oui'"

[[sections.items]]
id = "categorie"
label = "Catégorie"
type = "single_choice"
required = true
choices = ["Éclairage", "Angle mort", "Dépôt sauvage"]

[[sections.items]]
id = "lieu"
label = "Lieu (adresse ou repère)"
type = "text"
confidential = true

[[sections.items]]
id = "lampadaires"
label = "Lampadaires hors service"
type = "number"
visible_if = "categorie == 'eclairage' and angles_morts == 'oui'"

[[sections]]
id = "synthese"
title = "Synthèse"

[[sections.items]]
id = "impression"
label = "Impression générale"
type = "long_text"
"""


def test_a_form_with_a_repeatable_group_loads(write_form) -> None:
    form = load_form(write_form(WALK))
    repeat = form.sections[1]
    assert repeat.repeat is True
    assert repeat.visible_if == "angles_morts == 'oui'"
    assert [s.id for s in form.iter_repeats()] == ["points_attention"]
    assert [s.repeat for s in form.sections] == [False, True, False]
    # The group's items are answered per occurrence: no single answer for them.
    assert [i.id for i in form.iter_items()] == ["angles_morts", "impression"]
    with pytest.raises(KeyError):
        form.item("categorie")
    assert [i.id for i in form.visible_items({"angles_morts": "oui"})] == [
        "angles_morts",
        "impression",
    ]
    assert [i.id for i in form.missing_required({})] == ["angles_morts"]
    # Their conditions compile like any other; confidentiality still counts.
    condition = form.compiled(repeat.items[2])
    assert condition is not None
    assert condition.evaluate({"categorie": "eclairage", "angles_morts": "oui"})
    assert form.confidential_item_ids() == frozenset({"lieu"})
    assert form.section_of("lieu").id == "points_attention"


def test_a_cached_form_keeps_its_repeatable_group_and_its_count(tmp_path: Path, write_form) -> None:
    path = write_form(WALK)
    cache_file = tmp_path / "cache.json"
    first = FormCatalogue.load([path.parent], cache_file=cache_file)
    assert first.problems == []
    cache = ValidatedFormCache(cache_file)
    cached = cache.get(path)
    assert cached is not None and cached == first.get("essai", 1)
    assert cached.sections[1].repeat is True
    outline = cache.outline(path)
    assert outline is not None and outline.item_count == 2  # single answers only


def _problems(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(FormError) as caught:
        load_form(path)
    return [(p.line, p.message) for p in caught.value.problems]


def test_conditions_across_a_repeatable_group_are_refused_at_their_line(
    write_form, find_line
) -> None:
    body = WALK.replace(
        'label = "Impression générale"',
        'label = "Impression générale"\nvisible_if = "answered(lieu)"',
    ).replace(
        'visible_if = "angles_morts == \'oui\'"\n\n[[sections.items]]\nid = "categorie"',
        'visible_if = "answered(categorie)"\n\n[[sections.items]]\nid = "categorie"',
    )
    path = write_form(body)
    assert _problems(path) == [
        (
            find_line(path, "answered(categorie)"),
            "section « points_attention » : visible_if cite « categorie », un élément de cette "
            "section répétable : la condition d'une section répétable ne porte que sur des "
            "éléments hors de la section",
        ),
        (
            find_line(path, "answered(lieu)"),
            "élément « impression » : visible_if cite « lieu », un élément de la section "
            "répétable « points_attention » (une réponse par occurrence) : seuls les éléments "
            "de cette même section peuvent le citer",
        ),
    ]


def test_an_item_of_one_repeatable_group_is_not_seen_from_another(write_form, find_line) -> None:
    path = write_form(
        WALK
        + """
[[sections]]
id = "cameras"
title = "Caméras existantes"
repeat = true

[[sections.items]]
id = "camera_etat"
label = "État"
type = "text"
visible_if = "categorie == 'eclairage'"
"""
    )
    assert _problems(path) == [
        (
            find_line(path, "visible_if = \"categorie == 'eclairage'\"", 1),
            "élément « camera_etat » : visible_if cite « categorie », un élément de la section "
            "répétable « points_attention » (une réponse par occurrence) : seuls les éléments "
            "de cette même section peuvent le citer",
        )
    ]


def test_section_conditions_themes_and_types_of_repeat(write_form, find_line) -> None:
    path = write_form(
        """
[[sections]]
id = "s1"
title = "Ordinaire"
visible_if = "answered(a)"

[[sections.items]]
id = "a"
label = "A"
type = "text"

[[sections]]
id = "s2"
title = "Répétée"
repeat = "oui"

[[sections.items]]
id = "b"
label = "B"
type = "text"

[[sections]]
id = "s3"
title = "Répétée vide"
repeat = true
visible_if = "a == 'x' and"
"""
    )
    assert _problems(path) == [
        (
            find_line(path, 'visible_if = "answered(a)"'),
            "section « s1 » : visible_if n'est permis sur une section que si elle est "
            "répétable (repeat = true) ; mettez la condition sur ses éléments",
        ),
        (
            find_line(path, 'repeat = "oui"'),
            "section « s2 » : « repeat » doit être true ou false (reçu « oui »)",
        ),
        (
            find_line(path, 'id = "s3"') - 1,
            "section « s3 » : section vide : ajoutez des [[sections.items]]",
        ),
        (
            find_line(path, "visible_if = \"a == 'x' and\""),
            "section « s3 » : visible_if invalide, colonne 13 : valeur attendue, trouvé la fin "
            "de la condition",
        ),
    ]


def test_a_repeatable_group_has_no_themes(tmp_path: Path, find_line) -> None:
    path = tmp_path / "diag.v1.toml"
    path.write_text(
        """\
id = "diag"
version = 1
title = "Diagnostic"
kind = "diagnostic"

[[sections]]
id = "s1"
title = "Points"
repeat = true

[[sections.items]]
id = "a"
label = "A"
type = "text"

[[sections.themes]]
id = "cambriolages"
label = "Cambriolages"
""",
        encoding="utf-8",
    )
    assert _problems(path) == [
        (
            find_line(path, "[[sections.themes]]"),
            "section « s1 » : une section répétable (repeat = true) ne peut pas porter de thèmes",
        )
    ]


def test_forms_check_names_file_and_line_of_a_repeat_problem(
    capsys: pytest.CaptureFixture[str], write_form, find_line
) -> None:
    good = write_form(WALK, name="bon.v1.toml")
    assert main(["forms", "check", str(good)]) == 0
    bad = write_form(
        WALK.replace("visible_if = \"angles_morts == 'oui'\"", 'visible_if = "answered(lieu)"'),
        name="mauvais.v1.toml",
    )
    capsys.readouterr()
    assert main(["forms", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    line = find_line(bad, "answered(lieu)")
    assert f"{bad}:{line}: section « points_attention » : visible_if cite « lieu »" in err
