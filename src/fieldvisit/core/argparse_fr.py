"""An argparse parser that speaks French, for `fieldvisit` and `fieldvisit-server`.

argparse's own messages (unknown option, missing argument, bad choice…) are English
and bound at import; the parser rewrites the ones a person meets into French, prints
its usage and exits with code 2 (bad input), like every other command-line error.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn, TypeAlias

EXIT_BAD_INPUT = 2

# (English pattern of argparse 3.11–3.13, French replacement); applied in order.
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"^unrecognized arguments: (.*)$", r"arguments non reconnus : \1"),
    (r"^the following arguments are required: (.*)$", r"arguments obligatoires manquants : \1"),
    (r"^one of the arguments (.*) is required$", r"l'un des arguments \1 est obligatoire"),
    (r"^ambiguous option: (.*) could match (.*)$", r"option ambiguë : \1 peut désigner \2"),
    (r"^argument (.*?): ", r"argument \1 : "),
    (r"invalid choice: (.*) \(choose from (.*)\)$", r"choix invalide : \1 (choisir parmi \2)"),
    (r"invalid (\w+) value: (.*)$", r"valeur invalide : \2"),
    (r"expected one argument$", "une valeur est attendue"),
    (r"expected at most one argument$", "une valeur au plus est attendue"),
    (r"expected at least one argument$", "au moins une valeur est attendue"),
    (r"expected (\d+) arguments?$", r"\1 valeur(s) attendue(s)"),
    (r"not allowed with argument (.*)$", r"incompatible avec l'argument \1"),
    (r"ignored explicit argument (.*)$", r"valeur \1 ignorée"),
)


def french_message(message: str) -> str:
    """argparse's English error message in French (unknown messages are kept)."""
    for pattern, replacement in _MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


class FrenchArgumentParser(argparse.ArgumentParser):
    """ArgumentParser with French help headings, usage line and error messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False  # a French -h/--help is added below
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        # argparse's own help of --version is English ("show program's version number…").
        if kwargs.get("action") == "version":
            kwargs.setdefault("help", "affiche le numéro de version et quitte")
        return super().add_argument(*args, **kwargs)

    def format_usage(self) -> str:
        return _french_usage(super().format_usage())

    def format_help(self) -> str:
        return _french_usage(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog} : erreur : {french_message(message)}\n")


# The sub-commands of a French parser, as the packages that add theirs receive them.
Commands: TypeAlias = "argparse._SubParsersAction[FrenchArgumentParser]"


def _french_usage(text: str) -> str:
    return re.sub(r"^usage: ", "utilisation : ", text)
