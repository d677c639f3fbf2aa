"""Rules about a form as a whole, beyond what each field's type says.

Runs on the raw data of a TOML file (so a file with a type error elsewhere still gets
every other problem reported) and on validated definitions alike. Each issue names the
location of the key at fault so the loader can point at its line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from fieldvisit.forms.bindings import bind_issue
from fieldvisit.forms.enums import CHOICE_TYPES, YES_NO_NA_VALUES, FormKind, ItemType, slugify
from fieldvisit.forms.expressions import Expression, ExpressionError, compile_expression
from fieldvisit.forms.subjects import Loc, child, subject

Issue = tuple[Loc, str]

_ITEM_TYPES = {t.value for t in ItemType}
_NUMBER_ONLY_KEYS = ("min", "max", "unit")


def _seq(value: object) -> Sequence[object]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return value
    return ()


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _type_of(raw_item: Mapping[str, object]) -> str | None:
    value = raw_item.get("type")
    return str(value) if isinstance(value, str) else None


def _choice_ids(raw_item: object) -> list[str | None]:
    ids: list[str | None] = []
    for choice in _seq(child(raw_item, "choices")):
        if isinstance(choice, str):
            ids.append(slugify(choice))
        else:
            ids.append(_str(child(choice, "id")))
    return ids


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def _suggest(word: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


class _Checker:
    def __init__(self, data: Mapping[str, object]) -> None:
        self.data = data
        self.issues: list[Issue] = []
        # item id -> (loc, raw item), first occurrence only; all_items keeps duplicates
        self.items: dict[str, tuple[Loc, Mapping[str, object]]] = {}
        self.all_items: list[tuple[str, Loc, Mapping[str, object]]] = []
        self.expressions: dict[str, Expression] = {}
        # item id -> index of its repeatable section (None: answered once per visit)
        self.repeat_of: dict[str, int | None] = {}

    def add(self, loc: Loc, message: str) -> None:
        self.issues.append((loc, f"{subject(self.data, loc)} : {message}"))

    def run(self) -> list[Issue]:
        sections = _seq(self.data.get("sections"))
        if "sections" in self.data and not sections:
            self.add(("sections",), "aucune section ; ajoutez au moins un bloc [[sections]]")
        self.check_sections(sections)
        self.check_themes(sections)
        bound: dict[object, str] = {}  # field -> the first item bound to it
        for item_id, loc, raw in self.all_items:
            self.check_item(item_id, loc, raw)
            self.check_visible_if(item_id, loc, raw)
            self.check_sharing(item_id, loc, raw)
            self.check_bind(item_id, loc, raw, bound)
        for i, section in enumerate(sections):
            if isinstance(section, Mapping):
                self.check_section_condition(i, section)
        self.check_cycles()
        return self.issues

    def check_sections(self, sections: Sequence[object]) -> None:
        seen: set[str] = set()
        for i, section in enumerate(sections):
            section_id = _str(child(section, "id"))
            if section_id is not None:
                if section_id in seen:
                    self.add(("sections", i, "id"), "identifiant de section déjà utilisé")
                seen.add(section_id)
            items = _seq(child(section, "items"))
            if not items and not _seq(child(section, "themes")):
                self.add(("sections", i), "section vide : ajoutez des [[sections.items]]")
            for j, item in enumerate(items):
                item_id = _str(child(item, "id"))
                if item_id is None or not isinstance(item, Mapping):
                    continue
                loc: Loc = ("sections", i, "items", j)
                self.all_items.append((item_id, loc, item))
                if item_id in self.items:
                    first = self.items[item_id][0]
                    where = subject(self.data, first[:2])
                    self.add((*loc, "id"), f"identifiant déjà utilisé (dans la {where})")
                else:
                    self.items[item_id] = (loc, item)
                    self.repeat_of[item_id] = i if child(section, "repeat") is True else None

    def check_themes(self, sections: Sequence[object]) -> None:
        is_diagnostic = self.data.get("kind") == FormKind.diagnostic
        seen: set[str] = set()
        for i, section in enumerate(sections):
            themes = _seq(child(section, "themes"))
            if themes and not is_diagnostic and self.data.get("kind") in set(FormKind):
                self.add(
                    ("sections", i, "themes"),
                    "des thèmes ([[sections.themes]]) ne sont permis que dans un formulaire "
                    "de nature « diagnostic »",
                )
            for j, theme in enumerate(themes):
                theme_id = _str(child(theme, "id"))
                if theme_id is None:
                    continue
                loc: Loc = ("sections", i, "themes", j, "id")
                if theme_id in seen:
                    self.add(loc, "identifiant de thème déjà utilisé")
                elif theme_id in self.items:
                    self.add(loc, "identifiant déjà pris par un élément du formulaire")
                seen.add(theme_id)
        if is_diagnostic and not seen:
            self.add(
                ("kind",),
                "un formulaire « diagnostic » doit définir des thèmes ([[sections.themes]])",
            )

    def check_item(self, item_id: str, loc: Loc, raw: Mapping[str, object]) -> None:
        item_type = _type_of(raw)
        if item_type not in _ITEM_TYPES:
            return  # reported by the schema
        choices = _seq(raw.get("choices"))
        if item_type in CHOICE_TYPES:
            if not choices:
                self.add(
                    (*loc, "type"),
                    f'type {item_type} sans choix : ajoutez choices = [{{ id = "…", '
                    'label = "…" }, …]',
                )
            seen: set[str] = set()
            for k, choice_id in enumerate(_choice_ids(raw)):
                if choice_id is None:
                    continue
                if choice_id in seen:
                    self.add((*loc, "choices", k), f"choix « {choice_id} » en double")
                seen.add(choice_id)
        elif choices:
            self.add(
                (*loc, "choices"),
                f"des choix n'ont de sens que pour single_choice ou multi_choice, pas {item_type}",
            )
        if "scale" in raw and item_type != ItemType.rating:
            self.add((*loc, "scale"), f"scale ne s'applique qu'au type rating, pas {item_type}")
        for key in _NUMBER_ONLY_KEYS:
            if key in raw and item_type != ItemType.number:
                self.add((*loc, key), f"{key} ne s'applique qu'au type number, pas {item_type}")
        if "concern_if" in raw:
            concern = raw.get("concern_if")
            if item_type != ItemType.yes_no_na:
                self.add(
                    (*loc, "concern_if"),
                    f"concern_if ne s'applique qu'au type yes_no_na, pas {item_type}",
                )
            elif concern not in ("oui", "non"):
                self.add(
                    (*loc, "concern_if"),
                    f"concern_if vaut {_literal(concern)} : indiquez 'oui' ou 'non', la "
                    "réponse qui signale un problème",
                )
        low, high = raw.get("min"), raw.get("max")
        if (
            isinstance(low, int | float)
            and isinstance(high, int | float)
            and not isinstance(low, bool)
            and not isinstance(high, bool)
            and low > high
        ):
            self.add((*loc, "max"), f"max ({high}) est inférieur à min ({low})")

    def check_bind(
        self, item_id: str, loc: Loc, raw: Mapping[str, object], bound: dict[object, str]
    ) -> None:
        if "bind" not in raw:
            return
        field = raw.get("bind")
        message = bind_issue(field, _type_of(raw), self.data.get("kind"))
        if message is None and self.repeat_of.get(item_id) is not None:
            message = "un élément d'un groupe répétable ne peut pas être lié (bind) à un champ"
        if message is None and isinstance(field, str) and field in bound:
            message = f"« {field} » est déjà lié à l'élément « {bound[field]} » : une seule fois"
        if message is not None:
            self.add((*loc, "bind"), message)
        elif isinstance(field, str):
            bound[field] = item_id

    def check_visible_if(self, item_id: str, loc: Loc, raw: Mapping[str, object]) -> None:
        expression = self.condition_of(raw, loc, item_id)
        if expression is None:
            return
        key_loc: Loc = (*loc, "visible_if")
        own_repeat = self.repeat_of.get(item_id) if self.items[item_id][0] == loc else None
        for ref in sorted(expression.references):
            if ref != item_id and ref in self.items:
                self.check_repeat_reference(key_loc, ref, own_repeat)
        if self.items[item_id][0] == loc:
            self.expressions[item_id] = expression
        self.check_literal_tests(key_loc, expression)

    def check_sharing(self, item_id: str, loc: Loc, raw: Mapping[str, object]) -> None:
        """A shared item shown only after some answer of a withheld one would tell that
        answer by being in the shareable report (« Une plainte a-t-elle été déposée ? »
        is there only if the élus were attacked)."""
        if _withheld(raw) or self.items[item_id][0] != loc:
            return
        expression = self.expressions.get(item_id)
        if expression is None:
            return
        own_repeat = self.repeat_of.get(item_id)
        for ref in sorted(expression.references):
            target = self.items.get(ref)
            if self.repeat_of.get(ref) not in (None, own_repeat):
                continue  # refused already: another repeatable group's item
            if ref != item_id and target is not None and _withheld(target[1]):
                self.add(
                    (*loc, "visible_if"),
                    f"visible_if cite « {ref} », absent du rapport partageable : cet élément "
                    "y trahirait sa réponse ; marquez-le aussi shareable = false (ou "
                    "confidential = true)",
                )

    def check_section_condition(self, index: int, raw: Mapping[str, object]) -> None:
        """A section's own `visible_if`: only repeatable groups have one."""
        loc: Loc = ("sections", index)
        if raw.get("repeat") is True:
            if _seq(raw.get("themes")):
                self.add(
                    (*loc, "themes"),
                    "une section répétable (repeat = true) ne peut pas porter de thèmes",
                )
        elif "visible_if" in raw:
            self.add(
                (*loc, "visible_if"),
                "visible_if n'est permis sur une section que si elle est répétable "
                "(repeat = true) ; mettez la condition sur ses éléments",
            )
            return
        expression = self.condition_of(raw, loc)
        if expression is None:
            return
        key_loc: Loc = (*loc, "visible_if")
        for ref in sorted(expression.references):
            if ref not in self.items:
                continue
            if self.repeat_of.get(ref) == index:
                self.add(
                    key_loc,
                    f"visible_if cite « {ref} », un élément de cette section répétable : la "
                    "condition d'une section répétable ne porte que sur des éléments hors "
                    "de la section",
                )
            else:
                self.check_repeat_reference(key_loc, ref, None)
        self.check_literal_tests(key_loc, expression)

    def condition_of(
        self, raw: Mapping[str, object], loc: Loc, item_id: str | None = None
    ) -> Expression | None:
        """The compiled `visible_if` of an item (`item_id`) or a section; None if it has
        none or it does not compile (reported). Unknown and self references are reported."""
        text = raw.get("visible_if")
        if not isinstance(text, str):
            return None
        key_loc: Loc = (*loc, "visible_if")
        try:
            expression = compile_expression(text)
        except ExpressionError as exc:
            self.add(key_loc, f"visible_if invalide, colonne {exc.column} : {exc.message}")
            return None
        known = list(self.items)
        for ref in sorted(expression.references):
            if ref == item_id:
                self.add(key_loc, "visible_if ne peut pas dépendre de l'élément lui-même")
            elif ref not in self.items:
                self.add(
                    key_loc,
                    f"visible_if cite « {ref} », qui n'est pas un élément de ce formulaire"
                    + _suggest(ref, known),
                )
        return expression

    def check_repeat_reference(self, key_loc: Loc, ref: str, own_repeat: int | None) -> None:
        """An item of a repeatable group is seen only from its own group."""
        ref_repeat = self.repeat_of.get(ref)
        if ref_repeat is None or ref_repeat == own_repeat:
            return
        group = subject(self.data, ("sections", ref_repeat)).replace(
            "section", "section répétable", 1
        )
        self.add(
            key_loc,
            f"visible_if cite « {ref} », un élément de la {group} (une réponse par "
            "occurrence) : seuls les éléments de cette même section peuvent le citer",
        )

    def check_literal_tests(self, key_loc: Loc, expression: Expression) -> None:
        for test in expression.literal_tests():
            target = self.items.get(test.item_id)
            if target is None:
                continue
            problem = _impossible_value(target[1], test.value)
            if problem:
                self.add(
                    key_loc,
                    f"visible_if (colonne {test.column}) compare « {test.item_id} » à "
                    f"{_literal(test.value)} : {problem}",
                )

    def check_cycles(self) -> None:
        graph = {
            item_id: sorted(r for r in expr.references if r in self.items and r != item_id)
            for item_id, expr in self.expressions.items()
        }
        for component in _strongly_connected(graph):
            if len(component) < 2:
                continue
            start = min(component, key=list(self.items).index)
            path = _loop_within(start, component, graph)
            loc = self.items[path[0]][0]
            self.add(
                (*loc, "visible_if"),
                "visible_if forme un cycle : " + " → ".join([*path, path[0]]),
            )


def _withheld(raw_item: Mapping[str, object]) -> bool:
    return raw_item.get("confidential") is True or raw_item.get("shareable") is False


def _strongly_connected(graph: Mapping[str, list[str]]) -> list[set[str]]:
    """Tarjan's algorithm; forms are small, recursion depth stays low."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            components.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return components


def _loop_within(start: str, component: set[str], graph: Mapping[str, list[str]]) -> list[str]:
    """A simple cycle inside a strongly connected component, as a list of item ids."""
    path = [start]
    node = start
    while True:
        node = next(n for n in graph[node] if n in component)
        if node in path:
            return path[path.index(node) :]
        path.append(node)


def _impossible_value(raw_item: Mapping[str, object], value: object) -> str | None:
    """Why `value` can never be an answer of this item, or None if it can."""
    item_type = _type_of(raw_item)
    if item_type in CHOICE_TYPES:
        ids = [c for c in _choice_ids(raw_item) if c]
        if value not in ids:
            return "ce n'est pas un de ses choix (" + ", ".join(ids) + ")"
    elif item_type == ItemType.yes_no_na:
        if value not in YES_NO_NA_VALUES:
            return "les réponses possibles sont 'oui', 'non' et 'na'"
    elif item_type in (ItemType.number, ItemType.rating):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "cet élément attend un nombre"
    elif item_type == ItemType.photo:
        if not isinstance(value, bool):
            return "un élément photo se teste avec true ou false"
    elif item_type in (ItemType.text, ItemType.long_text, ItemType.date) and not isinstance(
        value, str
    ):
        return "cet élément attend un texte"
    return None


def find_semantic_issues(data: Mapping[str, object]) -> list[Issue]:
    """Every whole-form problem of `data` (raw TOML data or a dumped definition)."""
    return _Checker(data).run()
