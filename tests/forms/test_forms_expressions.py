"""visible_if expressions: grammar, semantics and refusal of anything eval-like."""

from __future__ import annotations

import pytest

from fieldvisit.forms import ExpressionError, compile_expression


def check(text: str, **answers: object) -> bool:
    return compile_expression(text).evaluate(answers)


def test_comparisons() -> None:
    assert check("pm == 'oui'", pm="oui")
    assert check('pm == "oui"', pm="oui")
    assert not check("pm == 'oui'", pm="non")
    assert check("pm != 'oui'", pm="non")
    assert check("nb >= 3", nb=3)
    assert check("nb > 2.5", nb=3)
    assert not check("nb < 3", nb=3)
    assert check("nb <= -1", nb=-2)
    assert check("nb == 3", nb=3.0)
    assert check("photo == true", photo=True)
    assert check("date_visite >= '2024-01-01'", date_visite="2024-06-30")


def test_values_of_different_kinds_never_match() -> None:
    assert not check("nb == '3'", nb=3)
    assert check("nb != '3'", nb=3)
    assert not check("nb > 'a'", nb=3)
    assert not check("flag == 1", flag=True)


def test_precedence_not_and_or() -> None:
    # and binds tighter than or; not tighter than and.
    text = "a == 'x' or b == 'y' and c == 'z'"
    assert check(text, a="x", b="n", c="n")
    assert not check(text, a="n", b="y", c="n")
    assert check("(a == 'x' or b == 'y') and c == 'z'", a="x", c="z")
    assert not check("(a == 'x' or b == 'y') and c == 'z'", a="x", c="n")
    assert check("not a == 'x' and b == 'y'", a="n", b="y")
    assert not check("not (a == 'x' and b == 'y')", a="x", b="y")
    assert check("not not a == 'x'", a="x")


def test_in_operator() -> None:
    assert check("'drogue' in problemes", problemes=["bruit", "drogue"])
    assert not check("'drogue' in problemes", problemes=["bruit"])
    assert check("statut in ['a', 'b']", statut="b")
    assert not check("statut in ['a', 'b']", statut="c")
    assert check("statut not in ['a', 'b']", statut="c")
    # A multi-choice answer "in" a list: any selected choice matches.
    assert check("problemes in ['drogue', 'rodeos']", problemes=["bruit", "rodeos"])
    assert not check("problemes in ['drogue', 'rodeos']", problemes=["bruit"])
    assert check("nb in [1, 2, 3]", nb=2)


def test_answered() -> None:
    assert check("answered(x)", x="texte")
    assert check("answered(x)", x=0)
    assert check("answered(x)", x=["a"])
    for empty in (None, "", "  ", [], False):
        assert not check("answered(x)", x=empty)
    assert not check("answered(x)")
    assert check("not answered(x)")


def test_unanswered_items_make_every_comparison_false() -> None:
    for text in (
        "x == 'oui'",
        "x != 'oui'",
        "x < 3",
        "x >= 3",
        "x in ['a']",
        "x not in ['a']",
        "'a' in x",
    ):
        assert not check(text), text
        assert not check(text, x=None), text
        assert not check(text, x=""), text
    assert check("not (x == 'oui')")


def test_references() -> None:
    expression = compile_expression("a == 'x' and (answered(b) or 'c' in liste_c)")
    assert expression.references == frozenset({"a", "b", "liste_c"})
    assert expression.source == "a == 'x' and (answered(b) or 'c' in liste_c)"


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("__import__('os')", 1, "identifiant invalide « __import__ »"),
        ("a.__class__ == 'x'", 2, "« . » n'est pas permis"),
        ("os.system('ls')", 3, "« . » n'est pas permis"),
        ("open('f') == 'x'", 1, "fonction inconnue « open »"),
        ("eval('1') == 1", 1, "fonction inconnue « eval »"),
        ("x[0] == 'a'", 2, "« [ » inattendu"),
        ("a == 'x'; b", 9, "caractère inattendu « ; »"),
        ("lambda: 1", 7, "caractère inattendu « : »"),
        ("a + 1 == 2", 3, "caractère inattendu « + »"),
        ("a = 'x'", 3, "écrivez « == »"),
        ("a == True", 6, "« True » inconnu"),
        ("Pm == 'oui'", 1, "identifiant invalide « Pm »"),
        ("a", 1, "une condition est attendue"),
        ("a and b == 'x'", 1, "une condition est attendue"),
        ("a == 'x' and", 13, "la fin de la condition"),
        ("(a == 'x'", 10, "« ) » attendu"),
        ("a == 'x", 6, "texte non fermé"),
        ("1 < a < 3", 7, "comparaisons enchaînées"),
        ("'x' in 'xyz'", 8, "il faut une liste"),
        ("(a == 'x') == true", 2, "on ne compare pas une condition"),
        ("answered('a')", 10, "answered(…) attend un identifiant"),
        ("a in [b]", 7, "une liste ne contient que des textes ou des nombres"),
        ("", 1, "condition vide"),
        ("a == 3x", 6, "nombre mal écrit"),
    ],
)
def test_rejected_expressions(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    assert fragment in caught.value.message
    assert caught.value.column == column
    assert str(caught.value) == f"colonne {column} : {caught.value.message}"


def test_evaluation_never_calls_answers() -> None:
    class Trap:
        def __eq__(self, other: object) -> bool:
            raise AssertionError("answer objects are not trusted")

        __hash__ = object.__hash__

    assert not check("x == 'a'", x=Trap())
