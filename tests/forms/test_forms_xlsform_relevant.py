"""XLSForm `relevant` into `visible_if`: what translates (and means the same), what does not."""

from __future__ import annotations

import pytest

from fieldvisit.forms import ItemType, compile_expression
from fieldvisit.forms.xlsform.relevant import Target, Untranslatable, translate_relevant

TARGETS = {
    t.name: t
    for t in (
        Target("pm", "pm", ItemType.yes_no_na, {"yes": "oui", "no": "non"}),
        Target("statut", "statut", ItemType.single_choice, {"1": "1", "A b": "a_b"}),
        Target("problemes", "problemes", ItemType.multi_choice, {"drogue": "drogue"}),
        Target("nb", "nb", ItemType.number),
        Target("nom", "nom", ItemType.text),
        Target("quand", "quand", ItemType.date),
        Target("depuis", "depuis", ItemType.date),
        Target("photo", "photo", ItemType.photo),
    )
}


def lookup(name: str) -> Target:
    try:
        return TARGETS[name]
    except KeyError:
        raise Untranslatable(f"inconnu {name}") from None


@pytest.mark.parametrize(
    ("relevant", "visible_if"),
    [
        ("${pm} = 'yes'", "pm == 'oui'"),
        ('${pm}="no"', "pm == 'non'"),
        ("'yes' = ${pm}", "pm == 'oui'"),
        ("${pm} != 'yes'", "not (pm == 'oui')"),
        ("selected(${pm}, 'yes')", "pm == 'oui'"),
        ("${statut} = 1", "statut == '1'"),
        ("${statut} = 'A b'", "statut == 'a_b'"),
        ("selected(${problemes}, 'drogue')", "'drogue' in problemes"),
        ("not(selected(${problemes}, 'drogue'))", "not ('drogue' in problemes)"),
        ("${problemes} = 'drogue'", "problemes == ['drogue']"),
        ("${nb} >= 3", "nb >= 3"),
        ("${nb} > '2.5'", "nb > 2.5"),
        ("3 < ${nb}", "nb > 3"),
        ("${nb} <= -1", "nb <= -1"),
        ("${nb} != 0", "not (nb == 0)"),
        ("${nom} = 'L''Isle'", None),  # XPath has no escape: two strings, not understood
        ('${nom} = "L\'Isle"', "nom == 'L\\'Isle'"),
        ("${quand} > '2024-01-01'", "quand > '2024-01-01'"),
        ("${quand} >= ${depuis}", "quand >= depuis"),
        ("${nom} != ''", "answered(nom)"),
        ("${photo} = ''", "not answered(photo)"),
        ("${nom}", "answered(nom)"),
        ("count-selected(${problemes}) > 0", "answered(problemes)"),
        ("count-selected(${problemes}) = 0", "not answered(problemes)"),
        ("string-length(${nom}) >= 1", "answered(nom)"),
        ("true()", "true"),
        (
            "${pm} = 'yes' and (${nb} > 2 or ${nom} != '')",
            "pm == 'oui' and (nb > 2 or answered(nom))",
        ),
        (
            "(${pm} = 'yes' and ${nb} > 2) or not(${nom} = '')",
            "pm == 'oui' and nb > 2 or not (not answered(nom))",
        ),
        ("${pm} = 'yes' or ${pm} = 'no' and ${nb} < 4", "pm == 'oui' or pm == 'non' and nb < 4"),
    ],
)
def test_translations(relevant: str, visible_if: str | None) -> None:
    if visible_if is None:
        with pytest.raises(Untranslatable):
            translate_relevant(relevant, lookup)
        return
    condition = translate_relevant(relevant, lookup)
    assert condition.text == visible_if
    compile_expression(condition.text)  # our parser accepts what was written


def test_not_equal_keeps_the_xpath_meaning_for_unanswered_questions() -> None:
    """In XPath an empty answer is != 'yes': the question shows. Our `!=` would hide it."""
    condition = translate_relevant("${pm} != 'yes'", lookup)
    expression = compile_expression(condition.text)
    assert expression.evaluate({}) is True
    assert expression.evaluate({"pm": "non"}) is True
    assert expression.evaluate({"pm": "oui"}) is False


@pytest.mark.parametrize(
    ("relevant", "reason"),
    [
        ("${nb} + 1 > 3", "le calcul « + » n'a pas d'équivalent"),
        ("${nb} div 2 = 1", "le calcul « div » n'a pas d'équivalent"),
        ("${quand} > today()", "la fonction « today() » n'a pas d'équivalent"),
        ("jr:choice-name(${statut}, '${statut}') = 'x'", "la fonction « jr:choice-name() »"),
        (". > 3", "« . » (la réponse de la question elle-même) n'a pas d'équivalent"),
        ("/data/nb > 3", "les chemins XPath (« / ») n'ont pas d'équivalent"),
        ("${inconnue} = 'a'", "inconnu inconnue"),
        ("${pm} = 'peut-être'", "« peut-être » n'est pas un choix de ${pm}"),
        ("${statut} > 1", "« > » sur les choix de ${statut}"),
        ("${nb} = 'beaucoup'", "${nb} est un nombre, comparé à « beaucoup »"),
        ("selected(${nb}, '1')", "selected(…) sur ${nb}, qui n'est pas à choix"),
        ("${nb} = ${nom}", "comparaison de ${nb} et ${nom}, de natures différentes"),
        ("${photo} = 'x'", "${photo} (photo) ne se compare qu'à ''"),
        ("count-selected(${problemes}) > 2", "seule la comparaison à 0 l'est"),
        ("1 = 1", "seules les comparaisons d'une question ${…} à une valeur le sont"),
        ("'oui'", "une valeur seule n'est pas une condition"),
        ("${pm} = 'yes' and", "non compris"),
        ("(${pm} = 'yes'", "« ) » attendu"),
        ("${nb} = 1 = 1", "comparaisons enchaînées"),
        ("${pm} = 'yes' AND ${nb} > 1", "« AND » non compris"),
        ("", "condition vide"),
        ("${nb} > 1 # commentaire", "caractère « # » non compris"),
    ],
)
def test_untranslatable_conditions_say_why(relevant: str, reason: str) -> None:
    with pytest.raises(Untranslatable) as caught:
        translate_relevant(relevant, lookup)
    assert reason in caught.value.reason
