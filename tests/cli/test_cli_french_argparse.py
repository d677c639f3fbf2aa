"""Command-line mistakes are told in French, with the usage, and exit with code 2."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from fieldvisit.cli import build_parser, main
from fieldvisit.server.cli import build_parser as build_server_parser
from fieldvisit.server.cli import main as server_main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--bogus"], "arguments non reconnus : --bogus"),
        (["visits", "export"], "arguments obligatoires manquants : ID, -o/--output"),
        (
            ["forms", "nope"],
            "choix invalide : 'nope' (choisir parmi 'check', 'list', 'import-xlsform', 'print')",
        ),
        (["communes", "search", "--limit", "beaucoup", "Langres"], "valeur invalide : 'beaucoup'"),
        (["visits", "export", "ID", "-o"], "argument -o/--output : une valeur est attendue"),
    ],
)
def test_argument_errors_are_french(argv, expected, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("utilisation : fieldvisit")
    assert expected in err
    assert "error" not in err and "usage:" not in err


def test_help_is_french(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "affiche cette aide et quitte" in out
    assert "show this help" not in out and "positional arguments" not in out


def test_server_argument_errors_are_french(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        server_main(["users", "add"])
    assert exit_info.value.code == 2
    assert "arguments obligatoires manquants : NOM, --role" in capsys.readouterr().err


def _every_parser(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _every_parser(sub)


ARGPARSE_ENGLISH = (
    "show program's version",
    "show this help",
    "usage:",
    "positional arguments",
    "optional arguments",
    "default:",
)


@pytest.mark.parametrize("build", [build_parser, build_server_parser], ids=["app", "server"])
def test_no_help_of_any_command_speaks_argparse_english(build) -> None:  # type: ignore[no-untyped-def]
    parsers = list(_every_parser(build()))
    assert len(parsers) > 5
    for parser in parsers:
        text = parser.format_help()
        found = [phrase for phrase in ARGPARSE_ENGLISH if phrase in text]
        assert not found, f"{parser.prog}: {found}"


def test_version_help_is_french(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert re.search(r"--version +affiche le numéro de version et quitte", out), out
