#!/usr/bin/env bash
# Smoke test of the Linux bundle, run as staff would run it: no Python anywhere.
#
#   packaging/smoke_test.sh              # builds with `make package`, then tests dist/fieldvisit
#   packaging/smoke_test.sh DIR          # tests an existing bundle (the folder with `fieldvisit`)
#
# The bundle runs under `env -i` with a PATH holding no program at all (so neither the
# venv nor any system python can be reached), a fresh HOME and data dir, offscreen.
# It seeds the demo, lists the visits, searches a commune, writes two reports and
# checks them with poppler-utils (pdfinfo, pdffonts, pdftotext), writes the Word report,
# a workbook and a calendar, then opens the window
# on the demo data (`--smoke-test`: the list shows the visits, a visit opens, every UI
# module loads; French collation, dates, time-zone names and codecs work with the
# trimmed ICU data) and saves a screenshot. Exit 0 when everything passed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [[ $# -ge 1 ]]; then
    BUNDLE="$(cd "$1" && pwd)"
else
    make -C "$ROOT" package
    BUNDLE="$ROOT/dist/fieldvisit"
fi
APP="$BUNDLE/fieldvisit"
[[ -x "$APP" ]] || { echo "smoke: no executable $APP (run make package)" >&2; exit 2; }
for tool in pdfinfo pdffonts pdftotext; do
    command -v "$tool" >/dev/null || {
        echo "smoke: $tool missing: apt-get install poppler-utils" >&2
        exit 2
    }
done

WORK="$(mktemp -d)"
KEEP="${SMOKE_KEEP:-}"  # SMOKE_KEEP=1 keeps the data dir, reports and screenshot
trap '[[ -n "$KEEP" ]] && echo "smoke: files kept in $WORK" >&2 || rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/empty-bin"
DATA="$WORK/data"
PASSES=0
FAILURES=0

# The app alone: no inherited variable, nothing runnable on PATH. With no desktop
# keyring there, the data dir's key is wrapped by a passphrase (encryption at rest),
# given as the CLI and the app accept it without a terminal.
PASSPHRASE="smoke-test phrase de passe"
app() {
    env -i HOME="$WORK/home" PATH="$WORK/empty-bin" LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen FIELDVISIT_CREDENTIALS=file \
        FIELDVISIT_PASSPHRASE="$PASSPHRASE" \
        "$APP" --data-dir "$DATA" "$@"
}
pass() { echo "ok   - $*"; PASSES=$((PASSES + 1)); }
fail() { echo "FAIL - $*" >&2; FAILURES=$((FAILURES + 1)); }
check() {  # check DESCRIPTION COMMAND...: the command's success is the check
    local what="$1"
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

echo "smoke: bundle $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
if env -i PATH="$WORK/empty-bin" /bin/sh -c 'command -v python3 || command -v python' >/dev/null; then
    fail "a python is reachable from the app's PATH"
else
    pass "no python on the app's PATH"
fi

EXPECTED_VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/src/fieldvisit/__init__.py")"
version="$(app --version)"
check "--version says « $version » (src/fieldvisit/__init__.py: $EXPECTED_VERSION)" \
    test "$version" = "fieldvisit $EXPECTED_VERSION"

app demo 2>"$WORK/demo.err" || fail "fieldvisit demo exited $?"
check "demo seeded: $(cat "$WORK/demo.err")" grep -q "visite(s) de démonstration ajoutée(s)" "$WORK/demo.err"

app visits list >"$WORK/visits.txt"
count="$(wc -l <"$WORK/visits.txt")"
check "visits list shows the $count demo visits" test "$count" -ge 5
visit_id="$(grep -m1 "Langres" "$WORK/visits.txt" | cut -f1 || true)"
check "Langres is among them ($visit_id)" test -n "$visit_id"

# (outputs go to files first: with pipefail, `grep -q` closing a pipe early is a failure)
app communes search langres --limit 1 >"$WORK/communes.txt"
if grep -q "^52269" "$WORK/communes.txt"; then
    pass "communes reference found (search « langres »)"
else
    fail "communes search did not find Langres 52269"
fi
app forms check >"$WORK/forms.txt"
if grep -q "Formulaires valides" "$WORK/forms.txt"; then
    pass "shipped forms found and valid"
else
    fail "fieldvisit forms check"
fi

check_pdf() {  # check_pdf FILE LABEL
    local pdf="$1" label="$2" pages
    check "$label: written" test -s "$pdf"
    check "$label: starts with a PDF header" test "$(head -c 5 "$pdf")" = "%PDF-"
    if tail -c 32 "$pdf" | grep -c "%%EOF" >/dev/null; then
        pass "$label: ends with %%EOF"
    else
        fail "$label: no %%EOF at the end"
    fi
    pdftotext "$pdf" "$pdf.txt"
    pages="$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')"
    check "$label: ${pages:-no} pages (pdfinfo)" test "${pages:-0}" -ge 3
    if pdffonts "$pdf" | grep -c "DejaVuSans .*yes" >/dev/null; then
        pass "$label: DejaVu Sans embedded (the bundled font was found)"
    else
        fail "$label: DejaVu Sans not embedded"
    fi
    if grep -q "Langres (code INSEE 52269)" "$pdf.txt"; then
        pass "$label: names Langres and its INSEE code"
    else
        fail "$label: Langres (code INSEE 52269) not in the text"
    fi
}
app report "$visit_id" -o "$WORK/rapport-interne.pdf" 2>/dev/null || fail "report exited $?"
check_pdf "$WORK/rapport-interne.pdf" "internal report"
if grep -q "DIFFUSION RESTREINTE" "$WORK/rapport-interne.pdf.txt"; then
    pass "internal report: marked « DIFFUSION RESTREINTE »"
else
    fail "internal report: not marked « DIFFUSION RESTREINTE »"
fi
app report "$visit_id" --shareable -o "$WORK/rapport-commune.pdf" 2>/dev/null \
    || fail "shareable report exited $?"
check_pdf "$WORK/rapport-commune.pdf" "shareable report"
if grep -q "DIFFUSION RESTREINTE" "$WORK/rapport-commune.pdf.txt"; then
    fail "shareable report: marked « DIFFUSION RESTREINTE »"
else
    pass "shareable report: not marked « DIFFUSION RESTREINTE »"
fi

# The exports: python-docx needs its template (data files), openpyxl and icalendar their
# modules; a zip's member names are stored as they are, so grep finds them.
app report "$visit_id" --format docx --shareable -o "$WORK/rapport-commune.docx" 2>/dev/null \
    || fail "Word report exited $?"
check "Word report written (a .docx with its document part)" \
    grep -q "word/document.xml" "$WORK/rapport-commune.docx"
app export xlsx -o "$WORK/visites.xlsx" 2>/dev/null || fail "export xlsx exited $?"
check "workbook written (five sheets)" grep -q "xl/worksheets/sheet5.xml" "$WORK/visites.xlsx"
app export ics -o "$WORK/visites.ics" 2>/dev/null || fail "export ics exited $?"
check "calendar written (a planned visit)" grep -q "BEGIN:VEVENT" "$WORK/visites.ics"

# The window, offscreen, on the demo data; it closes itself when the checks are done.
if app --smoke-test "$WORK/window.png" >"$WORK/gui.out" 2>"$WORK/gui.err"; then
    pass "$(cat "$WORK/gui.out")"
else
    fail "the window check failed: $(grep -v propagateSizeHints "$WORK/gui.err" | tail -5)"
fi
check "the window speaks French (translations found)" grep -q "menus Fichier, " "$WORK/gui.out"
# ICU, trimmed to fr/en/root (packaging/icu_data.py): French collation (É sorted with
# the E's), time-zone names, case mapping, Western codecs; French dates, word boundaries.
check "French text services work with the trimmed ICU data" \
    grep -q "textes : tri français (Écouen, Épinal, Étain, Étampes…), « heure normale" "$WORK/gui.out"
check "window screenshot is a PNG" test "$(head -c 4 "$WORK/window.png" | tail -c 3)" = "PNG"

echo "smoke: $PASSES passed, $FAILURES failed"
[[ "$FAILURES" -eq 0 ]]
