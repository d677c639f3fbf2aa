"""`concern_if` (which yes/no answer is a concern) and `shareable = false` (an item left
out of the shareable report besides confidential ones): schema, `forms check`, shipped
forms."""

from __future__ import annotations

import pytest

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.cli import main
from fieldvisit.forms import FormCatalogue, FormError, load_form

SECTION = """
[[sections]]
id = "elus"
title = "Atteintes aux élus"
"""


def messages(path) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(FormError) as caught:
        load_form(path)
    return [(p.line, p.message) for p in caught.value.problems]


def test_concern_if_is_read_and_withheld_items_are_listed(write_form) -> None:  # type: ignore[no-untyped-def]
    path = write_form(
        SECTION
        + """
        [[sections.items]]
        id = "atteintes"
        label = "Les élus ont-ils subi des menaces ?"
        type = "yes_no_na"
        concern_if = "oui"
        shareable = false

        [[sections.items]]
        id = "attentes"
        label = "Attentes"
        type = "long_text"
        """
    )
    form = load_form(path)
    assert form.item("atteintes").concern_if == "oui"
    assert form.item("attentes").concern_if is None
    assert form.withheld_item_ids() == {"atteintes"}
    assert form.confidential_item_ids() == frozenset()
    assert [s.id for s in form.withheld_sections()] == ["elus"]


def test_concern_if_only_on_yes_no_items_and_only_oui_or_non(write_form, find_line) -> None:  # type: ignore[no-untyped-def]
    path = write_form(
        SECTION
        + """
        [[sections.items]]
        id = "atteintes"
        label = "Menaces ?"
        type = "yes_no_na"
        concern_if = "yes"

        [[sections.items]]
        id = "attentes"
        label = "Attentes"
        type = "text"
        concern_if = "oui"
        """
    )
    assert messages(path) == [
        (
            find_line(path, 'concern_if = "yes"'),
            "élément « atteintes » : concern_if vaut 'yes' : indiquez 'oui' ou 'non', la "
            "réponse qui signale un problème",
        ),
        (
            find_line(path, 'concern_if = "oui"'),
            "élément « attentes » : concern_if ne s'applique qu'au type yes_no_na, pas text",
        ),
    ]


def test_a_shared_item_shown_by_a_withheld_answer_is_refused(write_form, find_line) -> None:  # type: ignore[no-untyped-def]
    # « Une plainte a-t-elle été déposée ? » in the shareable report would tell that the
    # élus were attacked, the answer left out.
    path = write_form(
        SECTION
        + """
        [[sections.items]]
        id = "atteintes"
        label = "Menaces ?"
        type = "yes_no_na"
        shareable = false

        [[sections.items]]
        id = "plainte"
        label = "Une plainte a-t-elle été déposée ?"
        type = "yes_no_na"
        visible_if = "atteintes == 'oui'"

        [[sections.items]]
        id = "faits"
        label = "Faits"
        type = "long_text"
        confidential = true
        visible_if = "atteintes == 'oui'"

        [[sections.items]]
        id = "suites"
        label = "Suites"
        type = "text"
        visible_if = "answered(faits)"
        """
    )
    message = (
        "visible_if cite « {ref} », absent du rapport partageable : cet élément y trahirait "
        "sa réponse ; marquez-le aussi shareable = false (ou confidential = true)"
    )
    assert messages(path) == [
        (
            find_line(path, "visible_if = \"atteintes == 'oui'\""),
            "élément « plainte » : " + message.format(ref="atteintes"),
        ),
        (
            find_line(path, 'visible_if = "answered(faits)"'),
            "élément « suites » : " + message.format(ref="faits"),
        ),
    ]


def test_forms_check_refuses_a_bad_concern_if_with_exit_2(write_form, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_form(
        SECTION
        + """
        [[sections.items]]
        id = "atteintes"
        label = "Menaces ?"
        type = "yes_no_na"
        concern_if = "peut-être"
        """
    )
    assert main(["forms", "check", str(path)]) == 2
    assert "concern_if vaut 'peut-être'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def shipped() -> FormCatalogue:
    return FormCatalogue.load([shipped_forms_dir()])


def test_shipped_yes_no_questions_that_read_as_concerns_declare_it(shipped) -> None:  # type: ignore[no-untyped-def]
    walk = shipped.latest("visite-centre-bourg")
    assert walk.item("depots_sauvages").concern_if == "oui"  # « Des dépôts sauvages… ? »
    assert walk.item("angles_morts").concern_if == "oui"
    assert walk.item("ecoles_abords_securises").concern_if == "non"  # « …sécurisés ? »
    assert walk.item("video_existante").concern_if is None  # neither answer is a concern
    declared = [
        item
        for form_id in ("visite-centre-bourg", "diagnostic-securite", "entretien-elu")
        for item in shipped.latest(form_id).iter_items()
        if item.concern_if
    ]
    assert len(declared) >= 15
    # Visits pinned to version 1 keep it, without the new keys.
    assert shipped.get("visite-centre-bourg", 1).item("depots_sauvages").concern_if is None


def test_shipped_guides_keep_the_revealing_answers_out_of_the_shareable_report(shipped) -> None:  # type: ignore[no-untyped-def]
    elu = shipped.latest("entretien-elu")
    assert {"atteintes_elus", "plainte_deposee", "atteintes_elus_details"} <= (
        elu.withheld_item_ids()
    )
    assert not elu.item("atteintes_elus").confidential  # not the gendarmerie's secret
    gendarmerie = shipped.latest("entretien-gendarmerie")
    assert {"patrouilles_remarques", "enquetes_en_cours"} <= gendarmerie.withheld_item_ids()
    assert shipped.get("entretien-elu", 1).withheld_item_ids() == {"atteintes_elus_details"}
