"""All the form definitions the app knows: shipped ones plus the user's, by (id, version).

A broken file never stops the app: its problems are collected and the valid forms are
kept. A second file defining an (id, version) already loaded is a problem too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fieldvisit.core.errors import NotFound
from fieldvisit.forms.cache import ValidatedFormCache
from fieldvisit.forms.enums import FormKind
from fieldvisit.forms.files import form_files
from fieldvisit.forms.loader import FormProblem, read_form
from fieldvisit.forms.schema import FormDefinition


def _title_key(title: str) -> str:
    """Sort key for French titles: accents and case do not change the order."""
    decomposed = unicodedata.normalize("NFKD", title)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _form_files(paths: Iterable[Path], problems: list[FormProblem], strict: bool) -> list[Path]:
    """Files named by `paths` (folders give their *.toml, sorted).

    A missing path is a problem when `strict` (the user named it), silently skipped
    otherwise (e.g. a user forms folder not created yet).
    """
    files, missing = form_files(paths)
    if strict:
        problems.extend(FormProblem(path, 0, "fichier ou dossier introuvable") for path in missing)
    return files


@dataclass
class FormCatalogue:
    forms: dict[tuple[str, int], FormDefinition] = field(default_factory=dict)
    problems: list[FormProblem] = field(default_factory=list)
    sources: dict[tuple[str, int], Path] = field(default_factory=dict)

    @classmethod
    def load(cls, dirs: Iterable[Path], cache_file: Path | None = None) -> FormCatalogue:
        """Read every *.toml of `dirs` (missing folders are skipped); never raises.

        With `cache_file`, forms validated before and unchanged since are read from
        that cache (see forms/cache.py), which makes start-up several times faster.
        """
        catalogue = cls()
        cache = ValidatedFormCache(cache_file) if cache_file is not None else None
        catalogue.add_files(_form_files(dirs, catalogue.problems, strict=False), cache)
        if cache is not None:
            cache.save()
        return catalogue

    def add_files(self, files: Iterable[Path], cache: ValidatedFormCache | None = None) -> None:
        """Load these files, keeping valid forms and recording every problem."""
        for path in files:
            definition = cache.get(path) if cache is not None else None
            loaded = None
            if definition is None:
                loaded = read_form(path)
                self.problems.extend(loaded.problems)
                definition = loaded.definition
                if definition is None:
                    continue
            first = self.sources.get(definition.key)
            if first is not None:
                loaded = loaded or read_form(path)
                line = loaded.source_map.line_of(("version",)) if loaded.source_map else 1
                self.problems.append(
                    FormProblem(
                        path,
                        line,
                        f"le formulaire « {definition.id} » version {definition.version} est "
                        f"déjà défini dans {first} ; ce fichier est ignoré (changez la version)",
                    )
                )
                continue
            self.forms[definition.key] = definition
            self.sources[definition.key] = path
            if cache is not None and loaded is not None:
                cache.put(path, definition)

    def __iter__(self) -> Iterator[FormDefinition]:
        return iter(sorted(self.forms.values(), key=lambda f: f.key))

    def __len__(self) -> int:
        return len(self.forms)

    def __contains__(self, key: object) -> bool:
        return key in self.forms

    def get(self, form_id: str, version: int) -> FormDefinition:
        try:
            return self.forms[(form_id, version)]
        except KeyError:
            raise NotFound(
                f"Le formulaire « {form_id} » version {version} est introuvable. "
                "Vérifiez que son fichier est présent dans le dossier des formulaires "
                "(fieldvisit forms check)."
            ) from None

    def versions(self, form_id: str) -> list[int]:
        return sorted(version for fid, version in self.forms if fid == form_id)

    def latest(self, form_id: str) -> FormDefinition:
        versions = self.versions(form_id)
        if not versions:
            raise NotFound(
                f"Aucun formulaire « {form_id} » n'est chargé. "
                "Vérifiez le dossier des formulaires (fieldvisit forms check)."
            )
        return self.forms[(form_id, versions[-1])]

    def latest_of_kind(self, kind: FormKind) -> list[FormDefinition]:
        """Latest version of each form of this kind, sorted by title."""
        ids = {fid for (fid, _), form in self.forms.items() if form.kind == kind}
        return sorted((self.latest(fid) for fid in ids), key=lambda f: _title_key(f.title))


def check_paths(paths: Iterable[Path]) -> list[FormProblem]:
    """Problems of the form files or folders named (for `fieldvisit forms check`)."""
    catalogue = FormCatalogue()
    catalogue.add_files(_form_files(paths, catalogue.problems, strict=True))
    return catalogue.problems
