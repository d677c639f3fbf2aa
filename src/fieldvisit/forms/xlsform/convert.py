"""An XLSForm (ODK, KoboToolbox) as a fieldvisit form: what converts, and what does not.

Questions become items (`text`, `integer`/`decimal`/`range` → number, `date`,
`select_one`/`select_multiple` → single/multi choice or yes_no_na for a yes/no list,
`image` → photo), `begin group` a section (nested groups are flattened: each run of
questions under the same groups is a section titled « Groupe › Sous-groupe »; a
group's `relevant` joins the condition of each of its questions), `begin repeat` a
repeatable section, `note` the description of its section. Labels and hints are taken
in French when a column has them (`label::Français (fr)`), else in the default
language. Whatever has no equivalent (calculations, constraints other than bounds,
other types, choice filters, conditions we cannot say) is a Notice naming the row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldvisit.core.errors import BadInput, FieldvisitError
from fieldvisit.forms.enums import FORM_ID_PATTERN, FormKind, ItemType
from fieldvisit.forms.expressions import FUNCTIONS, KEYWORDS
from fieldvisit.forms.semantics import find_semantic_issues
from fieldvisit.forms.xlsform.relevant import (
    Condition,
    Target,
    Untranslatable,
    all_of,
    translate_relevant,
    when_chosen,
)
from fieldvisit.forms.xlsform.workbook import Column, Row, Sheet, Workbook, is_french

# Visits pin their form's version, which the sync wire bounds (wire.FIELD_RULES).
MAX_FORM_VERSION = 1_000_000
OTHER = "other"  # the choice `or_other` adds, and the suffix of its « précisez » question
_RESERVED = KEYWORDS | FUNCTIONS  # an item id that a condition could not cite

_METADATA = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "start-geopoint",
        "background-audio",
        "background-geopoint",
        "imei",
        "instanceid",
    }
)
_UNSUPPORTED = {
    "geopoint": "position GPS (geopoint)",
    "geotrace": "tracé GPS (geotrace)",
    "geoshape": "surface GPS (geoshape)",
    "barcode": "code-barres (barcode)",
    "audio": "enregistrement audio (audio)",
    "video": "vidéo (video)",
    "file": "fichier joint (file)",
    "time": "heure (time)",
    "datetime": "date et heure (datetime)",
    "rank": "classement (rank)",
    "acknowledge": "case à cocher d'accord (acknowledge)",
    "hidden": "champ caché (hidden)",
    "xml-external": "données externes (xml-external)",
    "csv-external": "données externes (csv-external)",
    "trigger": "déclencheur (trigger)",
    # KoboToolbox's own question blocks (its form builder's « Notation », « Classement »
    # and « Tableau »): a begin row, a row per line, an end row.
    "begin_score": "grille de notation KoboToolbox (begin_score)",
    "score__row": "ligne de grille de notation KoboToolbox (score__row)",
    "end_score": "fin de grille de notation KoboToolbox (end_score)",
    "begin_rank": "classement KoboToolbox (begin_rank)",
    "rank__level": "niveau de classement KoboToolbox (rank__level)",
    "end_rank": "fin de classement KoboToolbox (end_rank)",
    "begin_kobomatrix": "tableau KoboToolbox (begin_kobomatrix)",
    "end_kobomatrix": "fin de tableau KoboToolbox (end_kobomatrix)",
}
_TRUE = frozenset({"yes", "true", "true()", "1", "oui", "y", "vrai"})
_FALSE = frozenset({"no", "false", "false()", "0", "non", "n", "faux", ""})
_YES = frozenset({"yes", "oui", "y", "o", "1", "true", "vrai"})
_NO = frozenset({"no", "non", "n", "0", "false", "faux"})
_NA = frozenset({"na", "n_a", "n/a", "not_applicable", "non_applicable", "sans_objet", "so", "nc"})
_BOUND = re.compile(r"^\s*\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
_BOUND_REVERSED = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(>=|<=|>|<)\s*\.\s*$")
_REFERENCE = re.compile(r"\$\{[^}]*\}")
_MEDIA = ("image", "big-image", "audio", "video")  # media columns of labels


@dataclass(frozen=True, order=True)
class Notice:
    """A row of the workbook not converted (or not entirely): `FILE:sheet:row: reason`,
    the reason ending with the cell's column when one column is at fault."""

    path: Path
    sheet: str
    row: int
    reason: str
    column: str = ""  # `J « constraint »`: letter and header as the spreadsheet shows them
    # A `relevant` left out: the converted form would show what the XLSForm hides, so the
    # import refuses it unless asked (--show-always).
    lost_condition: bool = False

    @property
    def detail(self) -> str:
        """The reason and, if any, the column: « … non reprise (colonne J « constraint ») »."""
        return f"{self.reason} (colonne {self.column})" if self.column else self.reason

    def __str__(self) -> str:
        return f"{self.path}:{self.sheet}:{self.row}: {self.detail}"


@dataclass
class Conversion:
    """The fieldvisit form made of a workbook (TOML data), and what was left out."""

    form: dict[str, Any]
    notices: list[Notice]
    remarks: list[str]  # about the whole workbook (which label language was used)

    @property
    def item_count(self) -> int:
        return sum(len(s["items"]) for s in self.form["sections"])

    @property
    def lost_conditions(self) -> list[Notice]:
        return [n for n in self.notices if n.lost_condition]


# --- identifiers ----------------------------------------------------------------------


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def _slug(text: str, separator: str = "_") -> str:
    return re.sub(r"[^a-z0-9]+", separator, _ascii(text)).strip(separator)


class _Ids:
    """Unique ids in one namespace, made from XLSForm names (`Q1.a` -> `q1_a`)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.taken: set[str] = set()

    def make(self, *candidates: str) -> str:
        base = next((s for s in (_slug(c) for c in candidates) if s), self.prefix)
        if not base[0].isalpha():
            base = f"{self.prefix}_{base}"
        if base in _RESERVED:
            base = f"{base}_{self.prefix}"
        unique, n = base, 2
        while unique in self.taken:
            unique, n = f"{base}_{n}", n + 1
        self.taken.add(unique)
        return unique


def _form_id(text: str) -> str:
    slug = _slug(text, "-")
    if slug and not slug[0].isalpha():
        slug = f"formulaire-{slug}"
    return slug if re.match(FORM_ID_PATTERN, slug or "") else "formulaire"


def _choice_id(name: str, taken: set[str]) -> str:
    base = _slug(name) or "choix"
    unique, n = base, 2
    while unique in taken:
        unique, n = f"{base}_{n}", n + 1
    taken.add(unique)
    return unique


# --- languages ------------------------------------------------------------------------


class _Languages:
    """Which language column to read first: French, else the default, else any."""

    def __init__(self, languages: list[str | None], default: str) -> None:
        present = list(dict.fromkeys(languages))
        french = [lang for lang in present if is_french(lang)]
        order = list(french)
        if default and default in present:
            order.append(default)
        order.append(None)
        order += [lang for lang in present if lang not in order]
        self.order = list(dict.fromkeys(order))
        self.main = next((lang for lang in self.order if lang in present), None)
        self.french = bool(french)

    def pick(self, row: Row, name: str) -> str:
        texts = row.translations(name)
        return next((texts[lang] for lang in self.order if texts.get(lang)), "")

    def column(self, name: str) -> str:
        return f"{name}::{self.main}" if self.main else name

    def main_column(self, name: str) -> Column:
        """The column of `name` read first (where a missing text is missed)."""
        return Column(name, self.main)


# --- choice lists ---------------------------------------------------------------------


@dataclass
class _ChoiceList:
    name: str
    choices: list[dict[str, str]]  # [{id, label}]
    values: dict[str, str]  # XLSForm name -> choice id
    yes_no: dict[str, str] | None  # XLSForm name -> oui/non/na when the list fits


def _yes_no_of(rows: list[tuple[str, str]]) -> dict[str, str] | None:
    """{name: oui|non|na} when the list is yes/no (and maybe « sans objet »)."""
    mapping: dict[str, str] = {}
    for name, label in rows:
        words = {_slug(name), _slug(label), _ascii(name).strip(), _ascii(label).strip()}
        if words & _YES:
            mapping[name] = "oui"
        elif words & _NO:
            mapping[name] = "non"
        elif words & _NA:
            mapping[name] = "na"
        else:
            return None
    values = sorted(mapping.values())
    return mapping if values in (["non", "oui"], ["na", "non", "oui"]) else None


# --- the survey's structure -----------------------------------------------------------

_GROUP, _REPEAT, _QUESTION = "groupe", "groupe répétable", "question"


@dataclass(eq=False)
class _Frame:
    """An open `begin group` or `begin repeat`."""

    kind: str  # group | repeat
    row: Row
    title: str
    relevant: str
    # A group (or a nested repeat) inside a repeat makes no section of its own: its
    # questions stay in the repeatable section. `within` is that repeat.
    within: _Frame | None = None
    condition: Condition | None = None

    @property
    def makes_section(self) -> bool:
        return self.within is None

    @property
    def what(self) -> str:
        return _REPEAT if self.kind == "repeat" and self.makes_section else _GROUP


@dataclass(eq=False)
class _Question:
    row: Row
    name: str
    item: dict[str, Any]
    frames: tuple[_Frame, ...]
    repeat: _Frame | None
    relevant: str
    values: dict[str, str] = field(default_factory=dict)  # choice name -> id
    other_of: _Question | None = None  # set on the « précisez » question of an or_other
    condition: Condition | None = None


@dataclass(eq=False)
class _Section:
    data: dict[str, Any]
    frames: tuple[_Frame, ...]  # the frames that made it (the repeat innermost, if any)
    repeat: _Frame | None
    questions: list[_Question] = field(default_factory=list)


class _Converter:
    def __init__(
        self, book: Workbook, fallback_id: str, kind: FormKind, fallback_version: int | None
    ) -> None:
        self.book = book
        self.survey = book.survey
        self.kind = kind
        self.fallback_id = fallback_id
        usable = fallback_version is not None and 1 <= fallback_version <= MAX_FORM_VERSION
        self.fallback_version = fallback_version if usable else None
        self.default_language = ""
        self.notices: list[Notice] = []
        self.remarks: list[str] = []
        self.item_ids = _Ids("q")
        self.section_ids = _Ids("section")
        self.sections: list[_Section] = []
        self.current: _Section | None = None
        self.pending_notes: list[str] = []
        self.pending_rows: list[Row] = []
        self.introduction: list[str] = []
        self.frames: list[_Frame] = []
        self.questions: list[_Question] = []
        self.names: dict[str, Row] = {}
        self.titles: set[str] = set()

    def notice(
        self,
        row: Row | int,
        reason: str,
        sheet: Sheet | None = None,
        column: str | Column | None = None,
        lost_condition: bool = False,
    ) -> None:
        """Note what row `row` of `sheet` (the survey by default) loses; `column` names
        the cell at fault (a name of the survey's columns, or a language column)."""
        number = row if isinstance(row, int) else row.number
        where = sheet or self.survey
        place = ""
        if column is not None:
            place = where.place(Column(column) if isinstance(column, str) else column)
        self.notices.append(
            Notice(self.book.path, where.name, number, reason, place, lost_condition)
        )

    # --- settings and lists -----------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        sheet = self.book.settings
        row = sheet.rows[0] if sheet is not None and sheet.rows else None
        values = row if row is not None else Row(0)
        form_id = _form_id(values.get("form_id") or self.fallback_id)
        title = values.get("form_title") or form_id
        # ODK's habit (2024031501, a date) and Kobo's (vKx3…) are not versions the sync
        # wire takes: the output's name (NAME.v3.toml) says which one the user wants.
        version = self.fallback_version or 1
        raw = values.get("version")
        if raw:
            if re.fullmatch(r"\d{1,7}", raw) and 1 <= int(raw) <= MAX_FORM_VERSION:
                version = int(raw)
            else:
                instead = (
                    f"version {version} mise, celle du nom du fichier converti"
                    if self.fallback_version
                    else "version 1 mise (pour en choisir une : -o NOM.v2.toml)"
                )
                self.notice(
                    values,
                    f"version « {raw} » : une version fieldvisit est un entier de 1 à "
                    f"1 000 000 ; {instead}",
                    sheet,
                    "version",
                )
        self.default_language = values.get("default_language")
        return {"id": form_id, "version": version, "title": title, "kind": str(self.kind)}

    def choice_lists(self) -> dict[str, _ChoiceList]:
        sheet = self.book.choices
        if sheet is None:
            return {}
        languages = _Languages(sheet.languages("label"), self.default_language)
        gathered: dict[str, list[tuple[str, str]]] = {}
        for row in sheet.rows:
            list_name, name = row.get("list_name"), row.get("name")
            if not list_name:
                self.notice(row, "choix sans list_name : ignoré", sheet, "list_name")
                continue
            if not name:
                self.notice(
                    row, f"choix de la liste « {list_name} » sans name : ignoré", sheet, "name"
                )
                continue
            entries = gathered.setdefault(list_name, [])
            if any(name == other for other, _ in entries):
                self.notice(
                    row, f"choix « {name} » en double dans « {list_name} » : ignoré", sheet, "name"
                )
                continue
            label = languages.pick(row, "label")
            if not label:
                self.notice(
                    row,
                    f"choix « {name} » sans libellé : son nom sert de libellé",
                    sheet,
                    languages.main_column("label"),
                )
                label = name
            self.media_notice(row, sheet)
            entries.append((name, label))
        lists = {}
        for list_name, entries in gathered.items():
            taken: set[str] = set()
            values = {name: _choice_id(name, taken) for name, _ in entries}
            choices = [{"id": values[name], "label": label} for name, label in entries]
            lists[list_name] = _ChoiceList(list_name, choices, values, _yes_no_of(entries))
        return lists

    # --- survey rows ------------------------------------------------------------------

    def run(self) -> Conversion:
        head = self.settings()
        self.form_title = str(head["title"])
        self.labels = _Languages(self.survey.languages("label"), self.default_language)
        self.hints = _Languages(self.survey.languages("hint"), self.default_language)
        if not self.labels.french and self.labels.main is not None:
            self.remarks.append(
                "pas de libellés en français : ceux de la colonne "
                f"« {self.labels.column('label')} » sont repris"
            )
        self.lists = self.choice_lists()
        for row in self.survey.rows:
            self.row(row)
        for frame in reversed(self.frames):
            self.notice(
                frame.row,
                f"« begin {frame.kind} » jamais fermé (« end {frame.kind} » manquant)",
                column="type",
            )
        self.drop_pending_notes()
        self.conditions()
        if self.introduction:
            head["description"] = "\n\n".join(self.introduction)
        form = {**head, "sections": [s.data for s in self.sections]}
        if not self.sections:
            raise BadInput(
                f"{self.book.path} : aucune question convertible ; rien n'est écrit."
                + "".join(f"\n{n}" for n in sorted(self.notices))
            )
        self.drop_refused_conditions(form)
        notices = sorted(self.notices, key=lambda n: (n.sheet, n.row))  # stable: found order
        return Conversion(form, notices, self.remarks)

    def row(self, row: Row) -> None:
        raw_type = " ".join(row.get("type").split())
        if not raw_type:
            self.notice(row, "ligne sans type : ignorée", column="type")
            return
        words = raw_type.lower().replace("begin_", "begin ").replace("end_", "end ").split(" ")
        if words[0] in ("begin", "end") and len(words) >= 2 and words[1] in ("group", "repeat"):
            if words[0] == "begin":
                self.begin(row, words[1])
            else:
                self.end(row, words[1])
        elif words[0] == "note":
            self.note(row)
        else:
            self.question(row, raw_type)

    def begin(self, row: Row, kind: str) -> None:
        within = next((f for f in self.frames if f.kind == "repeat" and f.makes_section), None)
        title = self.labels.pick(row, "label") or row.get("name")
        frame = _Frame(kind, row, title, row.get("relevant"), within)
        if kind == "repeat" and within is not None:
            self.notice(
                row,
                "groupe répétable dans un groupe répétable : ses questions sont reprises "
                "dans le groupe répétable qui l'englobe (une fois par occurrence)",
                column="type",
            )
        if kind == "repeat" and row.get("repeat_count"):
            self.notice(
                row,
                f"nombre de répétitions (repeat_count « {row.get('repeat_count')} ») non "
                "repris : autant d'occurrences que voulu",
                column="repeat_count",
            )
        self.frames.append(frame)
        if frame.makes_section:
            self.current = None

    def end(self, row: Row, kind: str) -> None:
        if not self.frames:
            self.notice(row, f"« end {kind} » sans « begin {kind} » : ignoré", column="type")
            return
        frame = self.frames.pop()
        if frame.kind != kind:
            self.notice(
                row,
                f"« end {kind} » ferme le « begin {frame.kind} » de la ligne "
                f"{frame.row.number} : lu comme « end {frame.kind} »",
                column="type",
            )
        if frame.makes_section:
            self.current = None
            self.drop_pending_notes()

    def drop_pending_notes(self) -> None:
        """Notes with no question after them in their group describe no section."""
        for row in self.pending_rows:
            self.notice(row, "note sans question après elle dans son groupe : non reprise")
        self.pending_notes.clear()
        self.pending_rows.clear()

    def note(self, row: Row) -> None:
        text = self.labels.pick(row, "label")
        if not text:
            self.notice(row, "note sans texte : ignorée", column=self.labels.main_column("label"))
            return
        if row.get("relevant"):
            self.notice(
                row,
                "condition (relevant) d'une note non reprise : son texte est dans la "
                "description de la section, toujours affichée",
                column="relevant",
            )
        self.label_notice(row, text)
        self.media_notice(row)
        if self.current is not None:
            _describe(self.current, text)
        elif not self.frames and not self.sections:
            self.introduction.append(text)  # before any question: about the whole form
        else:
            self.pending_notes.append(text)
            self.pending_rows.append(row)

    def question(self, row: Row, raw_type: str) -> None:
        base, words = _type_words(raw_type)
        name = row.get("name")
        if base == "calculate":
            self.notice(
                row,
                f"calcul « {name} » (calculate) non repris : fieldvisit ne calcule rien",
                column="type",
            )
            return
        if base in _METADATA:
            self.notice(row, f"métadonnée automatique « {base} » non reprise", column="type")
            return
        if base in _UNSUPPORTED:
            lost = f"« {name} » non reprise" if name else "ligne non reprise"
            self.notice(
                row, f"type {_UNSUPPORTED[base]} non pris en charge : {lost}", column="type"
            )
            return
        item: dict[str, Any] = {}
        values: dict[str, str] = {}
        other = False
        if base in ("select_one", "select_multiple"):
            if len(words) < 2:
                self.notice(
                    row, f"« {base} » sans nom de liste : « {name} » non reprise", column="type"
                )
                return
            extra = " ".join(words[2:]).lower()
            other = extra in ("or_other", "or specify other")
            if extra and not other:
                self.notice(
                    row, f"« {extra} » après le nom de la liste non compris : ignoré", column="type"
                )
            choice_list = self.lists.get(words[1])
            if choice_list is None or not choice_list.choices:
                self.notice(
                    row,
                    f"liste « {words[1]} » absente de la feuille choices : « {name} » non reprise",
                    column="type",
                )
                return
            item_type, values, choices = _choice_type(base, choice_list, other)
            item["type"] = str(item_type)
            if choices:
                item["choices"] = choices
        elif base.endswith("_from_file") or base.endswith("_external"):
            self.notice(
                row,
                f"choix lus dans un fichier ({base}) non pris en charge : « {name} » non reprise",
                column="type",
            )
            return
        elif base == "text":
            multiline = "multiline" in row.get("appearance").lower()
            item["type"] = str(ItemType.long_text if multiline else ItemType.text)
        elif base in ("integer", "int", "decimal", "range"):
            item["type"] = str(ItemType.number)
        elif base == "date":
            item["type"] = str(ItemType.date)
        elif base in ("image", "photo"):
            item["type"] = str(ItemType.photo)
        else:
            self.notice(row, f"type « {raw_type} » inconnu : « {name} » non reprise", column="type")
            return
        label = self.labels.pick(row, "label")
        if not label:
            self.notice(
                row,
                f"question sans libellé : son nom « {name} » sert de libellé",
                column=self.labels.main_column("label"),
            )
            label = name or base
        self.label_notice(row, label)
        if name in self.names:
            self.notice(
                row, f"nom « {name} » déjà pris ligne {self.names[name].number}", column="name"
            )
        elif name:
            self.names[name] = row
        item = {"id": self.item_ids.make(name, label), "label": label, **item}
        if not name:  # ODK and Kobo refuse it; a condition cannot cite it
            self.notice(
                row,
                f"question sans nom : identifiant « {item['id']} » tiré de son libellé",
                column="name",
            )
        if self.required(row):
            item["required"] = True
        hint = self.hints.pick(row, "hint")
        if hint:
            item["help"] = hint
        if item["type"] == ItemType.number:
            self.bounds(row, base, item)
        elif row.get("constraint"):
            self.notice(
                row, f"contrainte « {row.get('constraint')} » non reprise", column="constraint"
            )
        self.other_columns(row)
        question = self.add(row, name, item, row.get("relevant"), values)
        if other:
            other_item = {
                "id": self.item_ids.make(f"{item['id']}_{OTHER}"),
                "label": f"{label} : autre, précisez",
                "type": str(ItemType.text),
            }
            self.add(row, f"{name}_{OTHER}" if name else "", other_item, "", {}).other_of = question

    def required(self, row: Row) -> bool:
        text = row.get("required").strip().lower()
        if text in _TRUE:
            return True
        if text not in _FALSE:
            self.notice(
                row,
                f"obligation sous condition (required « {row.get('required')} ») non reprise : "
                "question facultative",
                column="required",
            )
        return False

    def bounds(self, row: Row, base: str, item: dict[str, Any]) -> None:
        if base == "range":
            parameters = dict(
                part.split("=", 1) for part in row.get("parameters").split() if "=" in part
            )
            try:
                item["min"] = float(parameters.get("start", "1"))
                item["max"] = float(parameters.get("end", "10"))
            except ValueError:
                self.notice(
                    row, f"paramètres « {row.get('parameters')} » non compris", column="parameters"
                )
                item.pop("min", None)
                item.pop("max", None)
        constraint = row.get("constraint")
        if not constraint:
            return
        found: dict[str, float] = {}
        for part in re.split(r"\s+and\s+", constraint.strip()):
            bound = _bound(part, integer=base in ("integer", "int"))
            if bound is None:
                self.notice(
                    row,
                    f"contrainte « {constraint} » non reprise (seules les bornes « . >= N » "
                    "et « . <= N » le sont)",
                    column="constraint",
                )
                return
            found[bound[0]] = bound[1]
        low, high = found.get("min", item.get("min")), found.get("max", item.get("max"))
        if low is not None and high is not None and low > high:
            self.notice(
                row,
                f"contrainte « {constraint} » impossible : bornes non reprises",
                column="constraint",
            )
            return
        item.update(found)

    def media_notice(self, row: Row, sheet: Sheet | None = None) -> None:
        """Pictures, sounds and videos of a label (`media::image`) are not carried."""
        for column in _MEDIA:
            files = row.translations(column)
            if files:
                language, first = next(iter(files.items()))
                self.notice(
                    row,
                    f"média du libellé (« {first} ») non repris : seul le texte l'est",
                    sheet,
                    Column(column, language),
                )

    def other_columns(self, row: Row) -> None:
        self.media_notice(row)
        if row.get("calculation"):
            self.notice(
                row, f"calcul « {row.get('calculation')} » non repris", column="calculation"
            )
        if row.get("default"):
            self.notice(
                row, f"valeur par défaut « {row.get('default')} » non reprise", column="default"
            )
        if row.get("choice_filter"):
            self.notice(
                row,
                f"filtre de choix « {row.get('choice_filter')} » non repris : tous les choix "
                "sont proposés",
                column="choice_filter",
            )
        if row.get("read_only").strip().lower() in _TRUE:
            self.notice(
                row,
                "lecture seule (read_only) non reprise : la question se remplit",
                column="read_only",
            )

    def label_notice(self, row: Row, text: str) -> None:
        cited = list(dict.fromkeys(_REFERENCE.findall(text)))
        if cited:
            self.notice(
                row,
                f"le texte cite {', '.join(cited)} (la réponse d'une autre question) : "
                "recopié tel quel",
                column=self.labels.main_column("label"),
            )

    # --- sections ---------------------------------------------------------------------

    def add(
        self, row: Row, name: str, item: dict[str, Any], relevant: str, values: dict[str, str]
    ) -> _Question:
        section = self.current or self.open_section()
        question = _Question(row, name, item, tuple(self.frames), section.repeat, relevant, values)
        section.questions.append(question)
        section.data["items"].append(item)
        self.questions.append(question)
        return question

    def open_section(self) -> _Section:
        outer = [f for f in self.frames if f.makes_section]
        repeat = next((f for f in outer if f.kind == "repeat"), None)
        titles = [f.title for f in outer if f.title]
        title = " › ".join(titles) if titles else self.form_title
        base, n = title, 1
        while title in self.titles:
            n += 1
            title = f"{base} (suite)" if n == 2 else f"{base} (suite {n - 1})"
        self.titles.add(title)
        name = outer[-1].row.get("name") if outer else ""
        data: dict[str, Any] = {"id": self.section_ids.make(name, title), "title": title}
        if repeat is not None:
            data["repeat"] = True
        data["items"] = []
        section = _Section(data, tuple(outer), repeat)
        for text in self.pending_notes:
            _describe(section, text)
        self.pending_notes.clear()
        self.pending_rows.clear()
        self.sections.append(section)
        self.current = section
        return section

    def repeat_id(self, frame: _Frame | None) -> str | None:
        if frame is None:
            return None
        return next(str(s.data["id"]) for s in self.sections if s.repeat is frame)

    # --- conditions -------------------------------------------------------------------

    def conditions(self) -> None:
        """Translate every `relevant` once the whole survey is known (a condition may
        cite a question further down)."""
        target_of = {
            id(q): Target(
                q.name, q.item["id"], ItemType(q.item["type"]), q.values, self.repeat_id(q.repeat)
            )
            for q in self.questions
        }
        targets: dict[str, Target] = {}
        for q in self.questions:
            if q.name:
                targets.setdefault(q.name, target_of[id(q)])  # a name used twice: the first
        dropped = {r.get("name") for r in self.survey.rows} - set(targets)

        def lookup(name: str) -> Target:
            target = targets.get(name)
            if target is not None:
                return target
            if name in dropped:
                raise Untranslatable(f"elle cite ${{{name}}}, une question non reprise")
            raise Untranslatable(f"elle cite ${{{name}}}, qui n'est pas une question du formulaire")

        frames = list(dict.fromkeys(f for q in self.questions for f in q.frames))
        for frame in frames:
            # A repeat's own condition decides whether occurrences may be added: it reads
            # single answers only; a group inside a repeat reads its occurrence too.
            scope: set[str | None] = {None, self.repeat_id(frame.within)}
            frame.condition = self.translate(frame.relevant, frame.row, scope, frame.what, lookup)
        for section in self.sections:
            if section.repeat is not None:
                visible = all_of(f.condition for f in section.frames)
                if visible is not None:
                    section.data["visible_if"] = visible.text
            for q in section.questions:
                if q.other_of is not None:
                    base = target_of[id(q.other_of)]
                    chosen = when_chosen(base, base.values[OTHER])
                    q.condition = all_of([q.other_of.condition, chosen])
                else:
                    scope = {None, self.repeat_id(q.repeat)}
                    # In a repeatable section, the frames around the repeat are the
                    # section's condition; only groups inside the repeat join the item's.
                    inner = [f for f in q.frames if q.repeat is None or f.within is not None]
                    own = self.translate(q.relevant, q.row, scope, _QUESTION, lookup)
                    q.condition = all_of([*(f.condition for f in inner), own])
                if q.condition is not None:
                    q.item["visible_if"] = q.condition.text

    def translate(
        self, text: str, row: Row, scope: set[str | None], what: str, lookup: Any
    ) -> Condition | None:
        if not text:
            return None
        try:
            condition = translate_relevant(text, lookup)
            for target in sorted(condition.targets, key=lambda t: t.name):
                if target.repeat not in scope:
                    raise Untranslatable(
                        f"elle cite ${{{target.name}}}, une question d'un groupe répétable "
                        "(une réponse par occurrence)"
                    )
        except Untranslatable as exc:
            subject = "" if what == _QUESTION else f" du {what}"
            self.notice(
                row,
                f"condition (relevant){subject} « {text} » non reprise : {exc.reason} ; "
                + _shown_always(what),
                column="relevant",
                lost_condition=True,
            )
            return None
        return condition

    def drop_refused_conditions(self, form: dict[str, Any]) -> None:
        """Conditions the form's rules refuse (a cycle, a value no answer can take) are
        left out with a notice, so that the result always loads."""
        rows: dict[int, Row] = {id(q.item): q.row for q in self.questions}
        rows.update({id(s.data): s.frames[-1].row for s in self.sections if s.frames})
        for _attempt in range(len(self.questions) + len(self.sections) + 1):
            issues = find_semantic_issues(form)
            if not issues:
                return
            loc, message = issues[0]
            target = _at(form, loc)
            if loc[-1] != "visible_if" or not isinstance(target, dict):
                break
            text = target.pop("visible_if")
            row = rows.get(id(target))
            self.notice(
                row or 0,
                f"condition « {text} » abandonnée : {message}",
                column="relevant",
                lost_condition=True,
            )
        raise FieldvisitError(
            "La conversion a donné un formulaire que fieldvisit refuse ("
            + " ; ".join(m for _, m in find_semantic_issues(form))
            + ") : signalez-le avec le fichier XLSForm."
        )


def _describe(section: _Section, text: str) -> None:
    """A note of the XLSForm goes into its section's description."""
    current = section.data.get("description", "")
    section.data["description"] = f"{current}\n\n{text}" if current else text


def _choice_type(
    base: str, choice_list: _ChoiceList, other: bool
) -> tuple[ItemType, dict[str, str], list[dict[str, str]]]:
    """The item type, the choice names' ids and the choices of a select question."""
    if base == "select_one" and choice_list.yes_no is not None and not other:
        return ItemType.yes_no_na, dict(choice_list.yes_no), []
    values = dict(choice_list.values)
    choices = list(choice_list.choices)
    if other and OTHER not in values:
        values[OTHER] = _choice_id(OTHER, {c["id"] for c in choices})
        choices.append({"id": values[OTHER], "label": "Autre"})
    kind = ItemType.single_choice if base == "select_one" else ItemType.multi_choice
    return kind, values, choices


def _type_words(raw_type: str) -> tuple[str, list[str]]:
    """(`select_one`, [`select_one`, LIST, …]) from a type cell; old spellings too
    (`select one LIST`, `select all that apply from LIST`)."""
    words = raw_type.split(" ")
    lowered = [w.lower() for w in words]
    rest: list[str] | None = None
    if lowered[:4] == ["select", "all", "that", "apply"]:
        base, rest = "select_multiple", words[4:]
    elif lowered[:2] == ["select", "one"]:
        base, rest = "select_one", words[2:]
    elif lowered[:2] == ["select", "multiple"]:
        base, rest = "select_multiple", words[2:]
    else:
        return lowered[0], [lowered[0], *words[1:]]
    if rest and rest[0].lower() == "from":
        rest = rest[1:]
    return base, [base, *rest]


def _at(form: dict[str, Any], loc: tuple[str | int, ...]) -> Any:
    node: Any = form
    for part in loc[:-1]:
        node = node[part]
    return node


def _shown_always(what: str) -> str:
    if what == _REPEAT:
        return "le groupe est toujours proposé"
    if what == _GROUP:
        return "ses questions sont toujours affichées"
    return "question toujours affichée"


def _bound(part: str, integer: bool) -> tuple[str, float] | None:
    """("min", 0.0) for `. >= 0`; strict bounds only for integers (`. > 0` is ≥ 1)."""
    match = _BOUND.match(part)
    if match:
        op, number = match.group(1), float(match.group(2))
    else:
        match = _BOUND_REVERSED.match(part)
        if not match:
            return None
        number = float(match.group(1))
        op = {">=": "<=", "<=": ">=", ">": "<", "<": ">"}[match.group(2)]
    if op == ">=":
        return "min", number
    if op == "<=":
        return "max", number
    if not integer or not number.is_integer():
        return None
    return ("min", number + 1) if op == ">" else ("max", number - 1)


def convert_workbook(
    book: Workbook,
    fallback_id: str,
    kind: FormKind = FormKind.checklist,
    fallback_version: int | None = None,
) -> Conversion:
    """The fieldvisit form of this XLSForm and the notices of what was left out.

    `fallback_id` and `fallback_version` (from the output's name) serve when the settings
    sheet gives no usable form id or version."""
    return _Converter(book, fallback_id, kind, fallback_version).run()
