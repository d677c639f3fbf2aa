"""Keep resources/translations/fieldvisit_fr.ts in step with the UI's tr() strings.

    python scripts/update_translations.py              # add new strings (unfinished)
    python scripts/update_translations.py --missing    # print what lacks French, as JSON
    python scripts/update_translations.py --apply fr.json   # fill translations from JSON

`make translations` runs the first form. The JSON is {context: {source: translation}};
a plural ("%n visit(s)") takes a list of its forms, singular then plural. Edit it, then
`--apply` it: the entries become finished. `make` compiles the .ts into .qm (git-ignored)
with pyside6-lrelease; tests/ui/test_ui_i18n_complete.py fails while a string of the
UI has no French translation.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from xml.etree import ElementTree

from fieldvisit.ui.base.i18n import TS_FILE_NAME, read_catalogue, update_catalogue

ROOT = Path(__file__).resolve().parents[1]
TS_PATH = ROOT / "resources" / "translations" / TS_FILE_NAME


def missing(ts_path: Path) -> dict[str, dict[str, object]]:
    """{context: {source: ""}} for every message without a finished French translation."""
    result: dict[str, dict[str, object]] = {}
    for message in read_catalogue(ts_path):
        if not message.translated:
            empty: object = ["", ""] if len(message.translations) > 1 else ""
            result.setdefault(message.context, {})[message.source] = empty
    return result


def apply(ts_path: Path, translations: dict[str, dict[str, object]]) -> int:
    """Write translations into the .ts; return how many messages were filled."""
    tree = ElementTree.parse(ts_path)
    filled = 0
    for context in tree.getroot().iter("context"):
        wanted = translations.get(context.findtext("name", ""), {})
        for message in context.iter("message"):
            value = wanted.get(message.findtext("source", ""))
            if not value:
                continue
            translation = message.find("translation")
            if translation is None:
                translation = ElementTree.SubElement(message, "translation")
            translation.attrib.pop("type", None)
            translation.text = None
            for child in list(translation):
                translation.remove(child)
            if message.get("numerus") == "yes":
                forms = value if isinstance(value, list) else [value, value]
                for form in forms:
                    ElementTree.SubElement(translation, "numerusform").text = str(form)
            else:
                translation.text = str(value)
            filled += 1
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    update_catalogue(ts_path)  # back to lupdate's own layout
    return filled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ts", type=Path, default=TS_PATH, help="the .ts file")
    parser.add_argument("--missing", action="store_true", help="print untranslated strings")
    parser.add_argument("--apply", type=Path, metavar="JSON", help="fill translations")
    args = parser.parse_args(argv)
    args.ts.parent.mkdir(parents=True, exist_ok=True)
    update_catalogue(args.ts)
    if args.apply:
        translations = json.loads(args.apply.read_text(encoding="utf-8"))
        print(f"{apply(args.ts, translations)} translation(s) written.", file=sys.stderr)
    if args.missing:
        print(json.dumps(missing(args.ts), ensure_ascii=False, indent=2))
    messages = read_catalogue(args.ts)
    untranslated = sum(1 for message in messages if not message.translated)
    print(
        f"{args.ts.relative_to(ROOT) if args.ts.is_relative_to(ROOT) else args.ts}: "
        f"{len(messages)} message(s), {untranslated} without French.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
