"""`visible_if` conditions: a tiny, safe expression language over a form's answers.

Nothing here calls `eval`, `compile` or `ast`: text is tokenised and parsed by hand
into a small tree of nodes that can only read answers and compare plain values.

Grammar (lowest precedence first)::

    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := operand [ ("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") operand ]
    operand    := IDENT | STRING | NUMBER | "true" | "false" | "[" literals "]"
                | "answered" "(" IDENT ")" | "(" condition ")"

- Identifiers are item ids of the same form: `[a-z][a-z0-9_]*`.
- Strings in single or double quotes (`\\` escapes the next character); numbers such as
  `3`, `-2` or `2.5`; `true` / `false` (photo items hold `true` once a photo is linked).
- A whole condition, and each side of `and` / `or` / `not`, must be a test: a
  comparison, `answered(x)`, `true` or `false`. A bare item id (`visible_if = "x"`) is
  rejected: write `x == 'oui'` or `answered(x)`.

Semantics:

- An unanswered item (missing, None, "", blank text, empty list, `false`) reads as
  None, and **every comparison involving None is false, `!=` and `not in` included**:
  "unanswered" never matches anything. So `x != 'oui'` is false while `x` is
  unanswered, whereas `not (x == 'oui')` is true. Say what you mean with
  `answered(x)`.
- `==` / `!=` compare numbers with numbers (2 == 2.0), strings with strings, booleans
  with booleans; values of different kinds are never equal (and `!=` is then true).
- `<`, `<=`, `>`, `>=` compare numbers with numbers or strings with strings (ISO dates
  compare correctly as strings); other pairs give false.
- `a in b`: `b` must be a list (a multi-choice answer or a `[...]` literal). When `a`
  is a single value: true if it is one of `b`'s elements (`'drogue' in problemes`,
  `statut in ['a', 'b']`). When `a` is itself a list (a multi-choice answer): true if
  any of its elements is in `b` (`problemes in ['drogue', 'rodeos']`).
- `answered(x)` is true when `x` has an answer in the sense above.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "Expression",
    "ExpressionError",
    "LiteralTest",
    "compile_expression",
    "is_answered",
]

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
FUNCTIONS = frozenset({"answered"})
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")


class ExpressionError(ValueError):
    """A condition that cannot be compiled; `column` is 1-based within the text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"colonne {self.column} : {self.message}"


def is_answered(value: object) -> bool:
    """The single definition of "has an answer", shared with forms and services."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | tuple | set | frozenset):
        return len(value) > 0
    return True


# --- tokens ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "ident", "keyword", "string", "number", "op", "end"
    text: str
    column: int
    value: object = None


_SINGLE_CHAR_OPS = "()[],"


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    length = len(text)
    while pos < length:
        char = text[pos]
        column = pos + 1
        if char.isspace():
            pos += 1
        elif char in "'\"":
            value, pos = _read_string(text, pos)
            tokens.append(_Token("string", text[column - 1 : pos], column, value))
        elif char.isdigit() or (char == "-" and pos + 1 < length and text[pos + 1].isdigit()):
            end = pos + 1
            while end < length and (text[end].isdigit() or text[end] == "."):
                end += 1
            raw = text[pos:end]
            try:
                number: int | float = float(raw) if "." in raw else int(raw)
            except ValueError:
                raise ExpressionError(f"nombre mal écrit « {raw} »", column) from None
            if end < length and (text[end].isalpha() or text[end] == "_"):
                raise ExpressionError(f"nombre mal écrit « {raw}{text[end]} »", column)
            tokens.append(_Token("number", raw, column, number))
            pos = end
        elif char.isalpha() or char == "_":
            end = pos
            while end < length and (text[end].isalnum() or text[end] == "_"):
                end += 1
            word = text[pos:end]
            tokens.append(_word_token(word, column))
            pos = end
        elif text.startswith(COMPARISONS, pos):
            op = next(o for o in COMPARISONS if text.startswith(o, pos))
            tokens.append(_Token("op", op, column))
            pos += len(op)
        elif char in _SINGLE_CHAR_OPS:
            tokens.append(_Token("op", char, column))
            pos += 1
        elif char == "=":
            raise ExpressionError("« = » seul n'est pas une comparaison : écrivez « == »", column)
        elif char == ".":
            raise ExpressionError("« . » n'est pas permis (pas d'accès aux attributs)", column)
        else:
            raise ExpressionError(f"caractère inattendu « {char} »", column)
    tokens.append(_Token("end", "", length + 1))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    pos = start + 1
    chars: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            chars.append(text[pos + 1])
            pos += 2
        elif char == quote:
            return "".join(chars), pos + 1
        else:
            chars.append(char)
            pos += 1
    raise ExpressionError(f"texte non fermé : il manque le guillemet {quote} final", start + 1)


def _word_token(word: str, column: int) -> _Token:
    if word in KEYWORDS:
        return _Token("keyword", word, column)
    if word in {"True", "False", "None", "AND", "OR", "NOT"}:
        raise ExpressionError(
            f"« {word} » inconnu : les mots-clés s'écrivent en minuscules "
            "(true, false, and, or, not ; pas de None : utilisez answered(…))",
            column,
        )
    if not (word[0].isascii() and word[0].islower()) or not all(
        c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in word
    ):
        raise ExpressionError(
            f"identifiant invalide « {word} » : un identifiant d'élément commence par une "
            "lettre minuscule et ne contient que des minuscules, chiffres et « _ »",
            column,
        )
    return _Token("ident", word, column)


# --- nodes ----------------------------------------------------------------------------

_Answers = Mapping[str, object]


class _Node:
    column: int
    is_test = False  # may stand as a condition
    is_value = True  # may stand as a comparison operand

    def evaluate(self, answers: _Answers) -> object:
        raise NotImplementedError

    def children(self) -> tuple[_Node, ...]:
        return ()


@dataclass(frozen=True)
class _Literal(_Node):
    value: object
    column: int

    def __post_init__(self) -> None:
        if isinstance(self.value, bool):
            object.__setattr__(self, "is_test", True)

    def evaluate(self, answers: _Answers) -> object:
        return self.value


@dataclass(frozen=True)
class _ListLiteral(_Node):
    items: tuple[_Literal, ...]
    column: int

    def evaluate(self, answers: _Answers) -> object:
        return [item.value for item in self.items]

    def children(self) -> tuple[_Node, ...]:
        return self.items


@dataclass(frozen=True)
class _ItemRef(_Node):
    item_id: str
    column: int

    def evaluate(self, answers: _Answers) -> object:
        value = answers.get(self.item_id)
        if not is_answered(value):
            return None
        if isinstance(value, tuple | set | frozenset):
            return list(value)
        return value


@dataclass(frozen=True)
class _Answered(_Node):
    item_id: str
    column: int
    is_test = True
    is_value = False

    def evaluate(self, answers: _Answers) -> object:
        return is_answered(answers.get(self.item_id))


@dataclass(frozen=True)
class _Not(_Node):
    operand: _Node
    column: int
    is_test = True
    is_value = False

    def evaluate(self, answers: _Answers) -> object:
        return not self.operand.evaluate(answers)

    def children(self) -> tuple[_Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class _Logical(_Node):
    op: str  # "and" | "or"
    operands: tuple[_Node, ...]
    column: int
    is_test = True
    is_value = False

    def evaluate(self, answers: _Answers) -> object:
        if self.op == "and":
            return all(o.evaluate(answers) for o in self.operands)
        return any(o.evaluate(answers) for o in self.operands)

    def children(self) -> tuple[_Node, ...]:
        return self.operands


@dataclass(frozen=True)
class _Comparison(_Node):
    op: str
    left: _Node
    right: _Node
    column: int
    is_test = True
    is_value = False

    def evaluate(self, answers: _Answers) -> object:
        left = self.left.evaluate(answers)
        right = self.right.evaluate(answers)
        if left is None or right is None:
            return False
        if self.op in ("in", "not in"):
            found = _contains(right, left)
            return found if self.op == "in" else not found
        if self.op in ("==", "!="):
            equal = _same_kind(left, right) and left == right
            return equal if self.op == "==" else not equal
        if not _orderable(left, right):
            return False
        a, b = left, right
        if self.op == "<":
            return a < b  # type: ignore[operator]
        if self.op == "<=":
            return a <= b  # type: ignore[operator]
        if self.op == ">":
            return a > b  # type: ignore[operator]
        return a >= b  # type: ignore[operator]

    def children(self) -> tuple[_Node, ...]:
        return (self.left, self.right)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "other"


def _same_kind(a: object, b: object) -> bool:
    return _kind(a) == _kind(b)


def _orderable(a: object, b: object) -> bool:
    return _same_kind(a, b) and _kind(a) in ("number", "string")


def _contains(container: object, needle: object) -> bool:
    if not isinstance(container, list):
        return False
    needles = needle if isinstance(needle, list) else [needle]
    return any(_same_kind(n, e) and n == e for n in needles for e in container)


# --- parser ---------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.pos]

    def advance(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.current
        return token.kind == kind and (text is None or token.text == text)

    def expect(self, kind: str, text: str, what: str) -> _Token:
        if not self.at(kind, text):
            raise ExpressionError(f"{what} attendu, trouvé {_describe(self.current)}", self._col())
        return self.advance()

    def _col(self) -> int:
        return self.current.column

    def parse(self) -> _Node:
        if self.at("end"):
            raise ExpressionError("condition vide", 1)
        node = self.parse_or()
        if not self.at("end"):
            raise ExpressionError(
                f"{_describe(self.current)} inattendu ; and, or ou une fin de condition attendu",
                self._col(),
            )
        return self.require_test(node)

    def require_test(self, node: _Node) -> _Node:
        if not node.is_test:
            raise ExpressionError(
                "une condition est attendue ici (par ex. « x == 'oui' » ou « answered(x) »), "
                "pas une simple valeur",
                node.column,
            )
        return node

    def parse_or(self) -> _Node:
        operands = [self.parse_and()]
        while self.at("keyword", "or"):
            self.advance()
            operands.append(self.parse_and())
        if len(operands) == 1:
            return operands[0]
        return _Logical("or", tuple(self.require_test(o) for o in operands), operands[0].column)

    def parse_and(self) -> _Node:
        operands = [self.parse_not()]
        while self.at("keyword", "and"):
            self.advance()
            operands.append(self.parse_not())
        if len(operands) == 1:
            return operands[0]
        return _Logical("and", tuple(self.require_test(o) for o in operands), operands[0].column)

    def parse_not(self) -> _Node:
        if self.at("keyword", "not"):
            token = self.advance()
            return _Not(self.require_test(self.parse_not()), token.column)
        return self.parse_comparison()

    def parse_comparison(self) -> _Node:
        left = self.parse_operand()
        token = self.current
        if (token.kind == "op" and token.text in COMPARISONS) or self.at("keyword", "in"):
            op = self.advance().text
        elif self.at("keyword", "not") and self.tokens[self.pos + 1].text == "in":
            self.pos += 2
            op = "not in"
        else:
            return left
        right = self.parse_operand()
        for side in (left, right):
            if not side.is_value:
                raise ExpressionError(
                    "on ne compare pas une condition : comparez un élément à une valeur",
                    side.column,
                )
        nxt = self.current
        if (nxt.kind == "op" and nxt.text in COMPARISONS) or self.at("keyword", "in"):
            raise ExpressionError(
                "comparaisons enchaînées non permises : reliez-les par and", nxt.column
            )
        if op in ("in", "not in") and isinstance(right, _Literal):
            raise ExpressionError(
                f"après « {op} » il faut une liste [...] ou un élément à choix multiples",
                right.column,
            )
        return _Comparison(op, left, right, left.column)

    def parse_operand(self) -> _Node:
        token = self.current
        if token.kind == "string" or token.kind == "number":
            self.advance()
            return _Literal(token.value, token.column)
        if token.kind == "keyword" and token.text in ("true", "false"):
            self.advance()
            return _Literal(token.text == "true", token.column)
        if token.kind == "ident":
            self.advance()
            if self.at("op", "("):
                return self.parse_call(token)
            return _ItemRef(token.text, token.column)
        if self.at("op", "["):
            return self.parse_list()
        if self.at("op", "("):
            self.advance()
            inner = self.parse_or()
            self.expect("op", ")", "« ) »")
            return inner
        raise ExpressionError(f"valeur attendue, trouvé {_describe(token)}", token.column)

    def parse_call(self, name: _Token) -> _Node:
        if name.text not in FUNCTIONS:
            raise ExpressionError(
                f"fonction inconnue « {name.text} » (seule answered(…) existe)", name.column
            )
        self.advance()  # "("
        arg = self.current
        if arg.kind != "ident":
            raise ExpressionError(
                f"answered(…) attend un identifiant d'élément, trouvé {_describe(arg)}",
                arg.column,
            )
        self.advance()
        self.expect("op", ")", "« ) »")
        return _Answered(arg.text, name.column)

    def parse_list(self) -> _Node:
        start = self.advance()  # "["
        items: list[_Literal] = []
        while not self.at("op", "]"):
            token = self.current
            if token.kind not in ("string", "number") and token.text not in ("true", "false"):
                raise ExpressionError(
                    f"une liste ne contient que des textes ou des nombres, trouvé "
                    f"{_describe(token)}",
                    token.column,
                )
            item = self.parse_operand()
            assert isinstance(item, _Literal)
            items.append(item)
            if not self.at("op", "]"):
                self.expect("op", ",", "« , » ou « ] »")
        self.advance()  # "]"
        if not items:
            raise ExpressionError("liste vide", start.column)
        return _ListLiteral(tuple(items), start.column)


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "la fin de la condition"
    return f"« {token.text} »"


# --- public ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LiteralTest:
    """`item op literal` found in a condition, for checks against the item's type."""

    item_id: str
    value: object
    column: int


@dataclass(frozen=True)
class Expression:
    """A compiled condition; immutable and safe to share between threads."""

    source: str
    _root: _Node = field(repr=False, compare=False)
    references: frozenset[str] = field(compare=False)

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        return bool(self._root.evaluate(answers))

    def literal_tests(self) -> Iterator[LiteralTest]:
        """Each comparison between an item and literal value(s), e.g. `statut == 'x'`."""
        for node in _walk(self._root):
            if not isinstance(node, _Comparison):
                continue
            pairs = ((node.left, node.right), (node.right, node.left))
            for ref, other in pairs:
                if not isinstance(ref, _ItemRef):
                    continue
                literals = other.items if isinstance(other, _ListLiteral) else (other,)
                for literal in literals:
                    if isinstance(literal, _Literal):
                        yield LiteralTest(ref.item_id, literal.value, literal.column)


def _walk(node: _Node) -> Iterator[_Node]:
    yield node
    for child in node.children():
        yield from _walk(child)


# Memoised: forms repeat the same conditions (the shipped ones: 66 conditions, 24 texts),
# and an Expression is immutable; the list's first page compiles every form's at start.
@lru_cache(maxsize=4096)
def compile_expression(text: str) -> Expression:
    """Parse `text`; raise ExpressionError (French message, 1-based column) if invalid."""
    root = _Parser(text).parse()
    references = frozenset(
        node.item_id for node in _walk(root) if isinstance(node, _ItemRef | _Answered)
    )
    return Expression(text, root, references)
