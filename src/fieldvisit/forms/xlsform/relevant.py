"""XLSForm `relevant` (XPath) into `visible_if`, for the part our conditions can say.

Understood: `${x} = 'a'`, `!=`, `<`, `<=`, `>`, `>=` against a text or a number,
`${x} = ''` / `!= ''` (unanswered / answered), `selected(${x}, 'a')`, `and`, `or`,
`not(…)`, parentheses, `true()`, `false()`, a bare `${x}` (answered), and
`count-selected(${x})` or `string-length(${x})` compared with 0. Anything else
(arithmetic, other functions, paths, `.`) raises Untranslatable with a French reason.

The translation knows the cited questions (`Target`): choice names become our choice
ids ('yes' → 'oui' for a list made yes_no_na), number literals stay numbers. XPath
semantics are kept where ours differ: in XPath an empty answer is `!=` to anything,
whereas our `!=` is false when unanswered, so `${x} != 'a'` becomes `not (x == 'a')`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from fieldvisit.forms.enums import CHOICE_TYPES, ItemType


class Untranslatable(Exception):
    """A condition (or a part of it) with no `visible_if` equivalent; `reason` is French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """What a condition needs to know of a question it cites."""

    name: str  # as in the XLSForm
    item_id: str
    type: ItemType
    # choice name -> choice id (not compared: a target is known by its question)
    values: Mapping[str, str] = field(default_factory=dict, compare=False)
    repeat: str | None = None  # id of its repeatable group; None for a single answer


@dataclass(frozen=True)
class Condition:
    """A `visible_if` text, the questions it cites, and how tightly it binds."""

    text: str
    targets: frozenset[Target]
    precedence: int  # 0: an `or`, 1: an `and`, 2: a single test


def all_of(conditions: Iterable[Condition | None]) -> Condition | None:
    """Every condition at once (`and`), None when there is none."""
    parts = [c for c in conditions if c is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return Condition(
        " and ".join(f"({p.text})" if p.precedence == 0 else p.text for p in parts),
        frozenset().union(*(p.targets for p in parts)),
        1,
    )


def when_chosen(target: Target, choice_id: str) -> Condition:
    """The condition « this choice is selected » (for the « autre, précisez » question)."""
    if target.type == ItemType.multi_choice:
        return Condition(f"{_quote(choice_id)} in {target.item_id}", frozenset({target}), 2)
    return Condition(f"{target.item_id} == {_quote(choice_id)}", frozenset({target}), 2)


# --- tokens ---------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{\s*(?P<refname>[^}]*?)\s*\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<op>!=|<=|>=|=|<|>|\(|\)|,|-|\+|\*|\||//?|\.\.|\.|\[|\]|@)
  | (?P<name>[A-Za-z_][A-Za-z0-9_.:-]*)
    """,
    re.VERBOSE,
)
_ARITHMETIC = {"+", "-", "*", "div", "mod"}
_PATH = {"/", "//", "..", ".", "[", "]", "@", "|"}


@dataclass(frozen=True)
class _Token:
    kind: str  # ref, string, number, op, name, end
    text: str
    value: object = None


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise Untranslatable(f"caractère « {text[pos]} » non compris")
        pos = match.end()
        kind = match.lastgroup
        if kind == "space":
            continue
        if kind == "refname":  # lastgroup is the inner group of a reference
            kind = "ref"
        if kind == "ref":
            tokens.append(_Token("ref", match.group(), match.group("refname")))
        elif kind == "string":
            tokens.append(_Token("string", match.group(), match.group()[1:-1]))
        elif kind == "number":
            raw = match.group()
            tokens.append(_Token("number", raw, float(raw) if "." in raw else int(raw)))
        else:
            tokens.append(_Token(str(kind), match.group()))
    tokens.append(_Token("end", ""))
    return tokens


# --- syntax tree ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    name: str


@dataclass(frozen=True)
class _Literal:
    value: str | int | float


@dataclass(frozen=True)
class _Bool:
    value: bool


@dataclass(frozen=True)
class _Compare:
    op: str
    left: _Node
    right: _Node


@dataclass(frozen=True)
class _Logic:
    op: str  # and | or
    parts: tuple[_Node, ...]


@dataclass(frozen=True)
class _Not:
    operand: _Node


@dataclass(frozen=True)
class _Selected:
    ref: str
    value: str


@dataclass(frozen=True)
class _Count:
    function: str  # count-selected | string-length
    ref: str


_Node = _Ref | _Literal | _Bool | _Compare | _Logic | _Not | _Selected | _Count
_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_FLIPPED = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        if self.current.text != text:
            raise Untranslatable(f"« {text} » attendu, trouvé {_describe(self.current)}")
        self.take()

    def parse(self) -> _Node:
        if self.current.kind == "end":
            raise Untranslatable("condition vide")
        node = self.parse_logic("or")
        if self.current.kind != "end":
            raise Untranslatable(f"{_describe(self.current)} non compris à cet endroit")
        return node

    def parse_logic(self, op: str) -> _Node:
        parts = [self.parse_logic("and") if op == "or" else self.parse_comparison()]
        while self.current.kind == "name" and self.current.text == op:
            self.take()
            parts.append(self.parse_logic("and") if op == "or" else self.parse_comparison())
        return parts[0] if len(parts) == 1 else _Logic(op, tuple(parts))

    def parse_comparison(self) -> _Node:
        left = self.parse_operand()
        if self.current.kind == "op" and self.current.text in _COMPARISONS:
            op = self.take().text
            right = self.parse_operand()
            if self.current.kind == "op" and self.current.text in _COMPARISONS:
                raise Untranslatable("comparaisons enchaînées")
            return _Compare(op, left, right)
        return left

    def parse_operand(self) -> _Node:
        token = self.take()
        node: _Node
        if token.kind == "ref":
            node = _Ref(str(token.value))
        elif token.kind == "string":
            node = _Literal(str(token.value))
        elif token.kind == "number":
            assert isinstance(token.value, int | float)
            node = _Literal(token.value)
        elif token.kind == "op" and token.text == "-" and self.current.kind == "number":
            value = self.take().value
            assert isinstance(value, int | float)
            node = _Literal(-value)
        elif token.kind == "op" and token.text == "(":
            node = self.parse_logic("or")
            self.expect(")")
        elif token.kind == "name" and self.current.text == "(":
            node = self.parse_call(token.text)
        else:
            raise _unsupported(token)
        following = self.current
        if following.text in _ARITHMETIC or following.text in _PATH:
            raise _unsupported(following)
        return node

    def parse_call(self, name: str) -> _Node:
        self.expect("(")
        if name in ("true", "false"):
            self.expect(")")
            return _Bool(name == "true")
        if name == "not":
            inner = self.parse_logic("or")
            self.expect(")")
            return _Not(inner)
        if name == "selected":
            ref = self.take()
            if ref.kind != "ref":
                raise Untranslatable("selected(…) attend une question ${…} en premier")
            self.expect(",")
            value = self.take()
            if value.kind not in ("string", "number"):
                raise Untranslatable("selected(…) attend une valeur entre guillemets en second")
            self.expect(")")
            return _Selected(str(ref.value), _choice_name(value.value))
        if name in ("count-selected", "string-length"):
            ref = self.take()
            if ref.kind != "ref":
                raise Untranslatable(f"{name}(…) attend une question ${{…}}")
            self.expect(")")
            return _Count(name, str(ref.value))
        raise Untranslatable(f"la fonction « {name}() » n'a pas d'équivalent")


def _describe(token: _Token) -> str:
    return "la fin de la condition" if token.kind == "end" else f"« {token.text} »"


def _unsupported(token: _Token) -> Untranslatable:
    if token.text in _ARITHMETIC:
        return Untranslatable(f"le calcul « {token.text} » n'a pas d'équivalent")
    if token.text == ".":
        return Untranslatable("« . » (la réponse de la question elle-même) n'a pas d'équivalent")
    if token.text in _PATH:
        return Untranslatable(f"les chemins XPath (« {token.text} ») n'ont pas d'équivalent")
    if token.kind == "name":
        return Untranslatable(f"« {token.text} » non compris (seuls and, or, not(…) le sont)")
    return Untranslatable(f"{_describe(token)} non compris à cet endroit")


def _choice_name(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- emission -------------------------------------------------------------------------

_TEXT_TYPES = frozenset({ItemType.text, ItemType.long_text, ItemType.date})
_NUMBER_TYPES = frozenset({ItemType.number, ItemType.rating})
_HAS_VALUES = CHOICE_TYPES | {ItemType.yes_no_na}


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _number(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else repr(value)


class _Emitter:
    def __init__(self, lookup: Callable[[str], Target]) -> None:
        self.lookup = lookup

    def emit(self, node: _Node) -> Condition:
        if isinstance(node, _Logic):
            parts = [self.emit(p) for p in node.parts]
            if node.op == "and":
                result = all_of(parts)
                assert result is not None
                return result
            return Condition(
                " or ".join(p.text for p in parts),
                frozenset().union(*(p.targets for p in parts)),
                0,
            )
        if isinstance(node, _Not):
            inner = self.emit(node.operand)
            return Condition(f"not ({inner.text})", inner.targets, 2)
        if isinstance(node, _Bool):
            return Condition("true" if node.value else "false", frozenset(), 2)
        if isinstance(node, _Ref):
            target = self.lookup(node.name)
            return self.answered(target, True)
        if isinstance(node, _Selected):
            return self.selected(self.lookup(node.ref), node.value)
        if isinstance(node, _Compare):
            return self.compare(node)
        if isinstance(node, _Count):
            raise Untranslatable(f"{node.function}(…) seul : comparez-le à 0")
        raise Untranslatable("une valeur seule n'est pas une condition")

    def answered(self, target: Target, yes: bool) -> Condition:
        text = f"answered({target.item_id})"
        return Condition(text if yes else f"not {text}", frozenset({target}), 2)

    def selected(self, target: Target, name: str) -> Condition:
        if target.type not in _HAS_VALUES:
            raise Untranslatable(f"selected(…) sur ${{{target.name}}}, qui n'est pas à choix")
        return when_chosen(target, self.choice_id(target, name))

    def choice_id(self, target: Target, name: str) -> str:
        choice_id = target.values.get(name)
        if choice_id is None:
            raise Untranslatable(f"« {name} » n'est pas un choix de ${{{target.name}}}")
        return choice_id

    def compare(self, node: _Compare) -> Condition:
        op, left, right = node.op, node.left, node.right
        if isinstance(left, _Literal) and not isinstance(right, _Literal):
            op, left, right = _FLIPPED[op], right, left
        if isinstance(left, _Count) and isinstance(right, _Literal):
            return self.count(left, op, right.value)
        if isinstance(left, _Ref) and isinstance(right, _Literal):
            return self.against_value(self.lookup(left.name), op, right.value)
        if isinstance(left, _Ref) and isinstance(right, _Ref):
            return self.between(self.lookup(left.name), op, self.lookup(right.name))
        raise Untranslatable("seules les comparaisons d'une question ${…} à une valeur le sont")

    def against_value(self, target: Target, op: str, value: str | int | float) -> Condition:
        if value == "":
            if op not in ("=", "!="):
                raise Untranslatable(f"« {op} '' » n'a pas de sens")
            return self.answered(target, op == "!=")
        x = target.item_id
        if target.type in _HAS_VALUES:
            if op not in ("=", "!="):
                raise Untranslatable(f"« {op} » sur les choix de ${{{target.name}}}")
            choice = _quote(self.choice_id(target, _choice_name(value)))
            many = target.type == ItemType.multi_choice
            equal = f"{x} == [{choice}]" if many else f"{x} == {choice}"
            return self.equality(equal, op, target)
        if target.type in _NUMBER_TYPES:
            number = _as_number(value)
            if number is None:
                raise Untranslatable(f"${{{target.name}}} est un nombre, comparé à « {value} »")
            return self.ordered(x, op, _number(number), target)
        if target.type in _TEXT_TYPES:
            text = _number(value) if isinstance(value, int | float) else value
            return self.ordered(x, op, _quote(text), target)
        raise Untranslatable(f"${{{target.name}}} (photo) ne se compare qu'à ''")

    def between(self, a: Target, op: str, b: Target) -> Condition:
        same = (a.type in _NUMBER_TYPES and b.type in _NUMBER_TYPES) or (
            a.type in _TEXT_TYPES and b.type in _TEXT_TYPES
        )
        if not same:
            raise Untranslatable(
                f"comparaison de ${{{a.name}}} et ${{{b.name}}}, de natures différentes"
            )
        condition = self.ordered(a.item_id, op, b.item_id, a)
        return Condition(condition.text, condition.targets | {b}, 2)

    def ordered(self, left: str, op: str, right: str, target: Target) -> Condition:
        if op in ("=", "!="):
            return self.equality(f"{left} == {right}", op, target)
        return Condition(f"{left} {op} {right}", frozenset({target}), 2)

    def equality(self, equal: str, op: str, target: Target) -> Condition:
        text = equal if op == "=" else f"not ({equal})"
        return Condition(text, frozenset({target}), 2)

    def count(self, node: _Count, op: str, value: str | int | float) -> Condition:
        target = self.lookup(node.ref)
        number = _as_number(value)
        some = {(">", 0), (">=", 1), ("!=", 0)}
        none = {("=", 0), ("<", 1), ("<=", 0)}
        if number is not None and (op, number) in some:
            return self.answered(target, True)
        if number is not None and (op, number) in none:
            return self.answered(target, False)
        raise Untranslatable(f"{node.function}(…) {op} {value} : seule la comparaison à 0 l'est")


def _as_number(value: str | int | float) -> int | float | None:
    if isinstance(value, int | float):
        return value
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return None


def translate_relevant(text: str, lookup: Callable[[str], Target]) -> Condition:
    """`visible_if` for the XLSForm condition `text`; Untranslatable if it has none.

    `lookup(name)` gives the question `${name}` cites, or raises Untranslatable."""
    return _Emitter(lookup).emit(_Parser(text).parse())
