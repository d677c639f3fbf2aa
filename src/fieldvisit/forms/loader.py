"""Read one TOML form definition and report every problem as `file:line: message`."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from fieldvisit.core.errors import BadInput
from fieldvisit.forms.enums import FormKind, ItemType
from fieldvisit.forms.schema import (
    SKIP_FORM_RULES,
    Choice,
    FormDefinition,
    FormItem,
    Section,
    Theme,
)
from fieldvisit.forms.semantics import find_semantic_issues
from fieldvisit.forms.source_map import SourceMap
from fieldvisit.forms.subjects import Loc, field_name, subject


@dataclass(frozen=True, order=True)
class FormProblem:
    """One thing wrong in a form file; line 0 when it concerns the file as a whole."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class FormError(BadInput):
    """A form file that cannot be used; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class LoadedForm:
    """What reading one file gave: a definition, or the problems that prevent it."""

    path: Path
    definition: FormDefinition | None
    problems: list[FormProblem]
    text: str | None

    @cached_property
    def source_map(self) -> SourceMap | None:
        """Where each key stands in the file; built only when a line number is needed
        (scanning is most of the cost of loading a valid form)."""
        return SourceMap(self.text) if self.text is not None else None


def load_form(path: Path) -> FormDefinition:
    """The form defined in `path`; FormError listing every problem if it is not valid."""
    loaded = read_form(path)
    if loaded.definition is None:
        raise FormError(loaded.problems)
    return loaded.definition


def read_form(path: Path) -> LoadedForm:
    """Like load_form but never raises: the caller decides what to do with problems."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return LoadedForm(
            path, None, [FormProblem(path, 0, f"lecture impossible : {reason}")], None
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = "le fichier n'est pas encodé en UTF-8 ; enregistrez-le en UTF-8"
        return LoadedForm(path, None, [FormProblem(path, line, message)], None)
    return parse_form(text, path)


def parse_form(text: str, path: Path) -> LoadedForm:
    """Validate the TOML `text` of a form; `path` is only used in problems."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return LoadedForm(path, None, [_syntax_problem(exc, text, path)], None)
    issues: list[tuple[Loc, str]] = []
    definition: FormDefinition | None = None
    try:
        definition = FormDefinition.model_validate(raw, context={SKIP_FORM_RULES: True})
    except ValidationError as exc:
        issues.extend((tuple(e["loc"]), _translate(e, raw)) for e in exc.errors())
    issues.extend(find_semantic_issues(raw))
    loaded = LoadedForm(path, definition, [], text)
    if issues:
        source_map = loaded.source_map
        assert source_map is not None
        # In line order; on one line, in the order found. The same problem only once.
        found = [FormProblem(path, source_map.line_of(loc), message) for loc, message in issues]
        loaded.problems = sorted(dict.fromkeys(found), key=lambda p: p.line)
        loaded.definition = None
    return loaded


# --- TOML syntax errors ---------------------------------------------------------------

_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_SYNTAX_MESSAGES = {
    "Invalid value": 'valeur invalide (attendu : "texte", nombre, true/false, [liste] '
    "ou { table })",
    "Unterminated string": "texte non fermé : il manque un guillemet",
    "Expected ']]' at the end of an array declaration": "« ]] » attendu à la fin de l'en-tête",
    "Expected ']' at the end of a table declaration": "« ] » attendu à la fin de l'en-tête",
    "Cannot overwrite a value": "clé ou table définie deux fois",
    "Expected '=' after a key in a key/value pair": "« = » attendu après le nom de la clé",
    "Invalid statement": "ligne incompréhensible (attendu : clé = valeur, [table] ou [[tableau]])",
    "Expected newline or end of document after a statement": "fin de ligne attendue après "
    "la valeur",
    "Invalid initial character for a key part": "caractère invalide au début d'un nom de clé",
    "Unescaped '\\' in a string": "« \\ » non échappé dans un texte (écrivez \\\\ ou "
    "utilisez des guillemets simples)",
    "Illegal character": "caractère interdit",
}


def _syntax_problem(exc: tomllib.TOMLDecodeError, text: str, path: Path) -> FormProblem:
    raw_message = str(exc).splitlines()[0]
    match = _POSITION.search(raw_message)
    detail = raw_message[: match.start()] if match else raw_message
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    if match and match.group(1):
        line, column = int(match.group(1)), int(match.group(2))
    if line is None:  # "at end of document"
        line = max(1, len(text.splitlines()))
    french = next((fr for en, fr in _SYNTAX_MESSAGES.items() if detail.startswith(en)), None)
    if detail.startswith("Cannot declare"):
        french = "table déclarée deux fois"
    where = f", colonne {column}" if column else ""
    return FormProblem(path, line, f"erreur de syntaxe TOML{where} : {french or detail}")


# --- schema errors --------------------------------------------------------------------


def _model_at(loc: Loc) -> type[BaseModel]:
    """The model whose fields are under `loc` (used to suggest a key for a typo)."""
    names = [part for part in loc if isinstance(part, str)]
    if names[-1:] == ["choices"]:
        return Choice
    if names[-1:] == ["items"]:
        return FormItem
    if names[-1:] == ["themes"]:
        return Theme
    if names[-1:] == ["sections"]:
        return Section
    return FormDefinition


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"« {value} »"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


_TYPE_NAMES = {
    "string_type": "un texte entre guillemets",
    "int_type": "un nombre entier",
    "float_type": "un nombre",
    "bool_type": "true ou false",
    "tuple_type": "une liste [ … ] (ou des blocs [[…]])",
    "list_type": "une liste [ … ]",
    "model_type": "une table (un bloc [[…]] ou { … })",
    "dict_type": "une table",
}

_ID_RULE = "minuscules sans accent, chiffres et « _ », en commençant par une lettre"


def _translate(error: ErrorDetails, raw: Any) -> str:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    key = field_name(loc)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        known = list(_model_at(loc[:-1]).model_fields)
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
        detail = f"clé inconnue « {key} »{hint}"
    elif kind == "missing":
        detail = f"clé obligatoire « {key} » manquante"
    elif kind == "enum" and key == "type":
        possible = ", ".join(t.value for t in ItemType)
        close = difflib.get_close_matches(str(value), [t.value for t in ItemType], n=1)
        hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
        detail = f"type {_shown(value)} inconnu (types possibles : {possible}){hint}"
    elif kind == "enum" and key == "kind":
        possible = ", ".join(k.value for k in FormKind)
        detail = f"nature (kind) {_shown(value)} inconnue (possibles : {possible})"
    elif kind == "string_pattern_mismatch":
        if loc == ("id",):
            rule = "minuscules sans accent, chiffres et « - », en commençant par une lettre"
        elif "choices" in loc:
            rule = "minuscules sans accent, chiffres, « _ » et « - »"
        else:
            rule = _ID_RULE
        detail = f"identifiant {_shown(value)} invalide ({rule})"
    elif kind == "string_too_short":
        detail = f"« {key} » ne doit pas être vide"
    elif kind in ("greater_than_equal", "less_than_equal"):
        sign, bound = ("≥", ctx.get("ge")) if kind == "greater_than_equal" else ("≤", ctx.get("le"))
        detail = f"« {key} » doit être {sign} {bound} (reçu {value!r})"
    elif kind in _TYPE_NAMES:
        detail = f"« {key} » doit être {_TYPE_NAMES[kind]} (reçu {_shown(value)})"
    else:
        detail = f"« {key} » : {error['msg']}"
    return f"{subject(raw, loc)} : {detail}"
