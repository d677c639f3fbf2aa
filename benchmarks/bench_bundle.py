"""The packaged desktop bundle (PyInstaller, one folder): size, what takes it, start times.

    .venv/bin/python benchmarks/bench_bundle.py [--build] [--bundle dist/fieldvisit] [--no-write]
    .venv/bin/python benchmarks/bench_bundle.py --tiny     # does it still run? (CI)

`--build` runs `make package` first and times it (from a venv that already has the
project installed, as in CI after the tests). Without it, an existing bundle is measured.
Size: every file of the bundle folder (apparent size, symlinks not followed), in MiB
and MB, against the target (< 150 MB uncompressed), with the largest parts. Start
times: `fieldvisit --version` (the frozen interpreter and the CLI) and `--smoke-test`
(the window opens on the demo data, shows a visit, closes), each in a fresh process
with a fresh data dir, offscreen, with no Python on PATH. Without a bundle (and no
`--build`) there is nothing to measure: it says so and exits with 0, unless
`--require-bundle` or FIELDVISIT_BENCH_REQUIRE_BUNDLE=1 (CI, which builds the bundle
before its tiny benchmarks).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from perf_report import Load, bench_parser, machine_line, parse_args, write_section

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 150
MIB = 1024 * 1024
SECTION = "Packaged bundle"
ENV_REQUIRE_BUNDLE = "FIELDVISIT_BENCH_REQUIRE_BUNDLE"
TINY = {"runs": 1}

# (label, paths relative to the bundle's _internal folder, or "*exe*" for the executable)
PARTS = [
    ("ICU data, trimmed to fr, en, root (packaging/icu_data.py)", ["PySide6/Qt/lib/libicudata"]),
    ("ICU libraries (libicuuc, libicui18n; linked by Qt Core)", ["PySide6/Qt/lib/libicu"]),
    ("Qt libraries (Core, Gui, Widgets, Network, Svg, DBus, XCB, Wayland...)", ["PySide6/Qt/lib/"]),
    (
        "PySide6 bindings, Qt plugins, shiboken",
        ["PySide6/", "shiboken6/", "libpyside6", "libshiboken6"],
    ),
    ("Python code of the app and libraries (archive in the executable)", ["*exe*"]),
    ("cryptography (AES-GCM of the key file and files; Secret Service keyring)", ["cryptography/"]),
    ("sqlcipher3 (SQLCipher: the encrypted database)", ["sqlcipher3/"]),
    ("Pillow and its codecs", ["PIL/", "pillow.libs/"]),
    ("PDFium (pypdfium2, report preview)", ["pypdfium2", "pypdfium2_raw/"]),
    (
        "Python runtime (libpython, extension modules, stdlib archive)",
        ["libpython", "python3", "base_library.zip"],
    ),
    ("pydantic-core", ["pydantic_core/"]),
    ("OpenSSL (Python's ssl)", ["libssl", "libcrypto"]),
    ("fieldvisit assets (fonts, communes, icons, forms, translations)", ["fieldvisit/_data/"]),
]


def file_sizes(bundle: Path) -> dict[str, int]:
    """{path relative to _internal (the executable as "*exe*"): size} for regular files."""
    internal = bundle / "_internal"
    sizes: dict[str, int] = {}
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        if path.parent == bundle and path.name in ("fieldvisit", "fieldvisit.exe"):
            key = "*exe*"
        elif internal in path.parents:
            key = path.relative_to(internal).as_posix()
        else:
            key = "../" + path.relative_to(bundle).as_posix()
        sizes[key] = path.stat().st_size
    return sizes


def breakdown(sizes: dict[str, int]) -> list[tuple[str, int]]:
    """Size of each part of PARTS (a file counts in the first part it matches), then the rest."""
    left = dict(sizes)
    rows = []
    for label, prefixes in PARTS:
        matched = [key for key in left if key.startswith(tuple(prefixes))]
        rows.append((label, sum(left.pop(key) for key in matched)))
    rows.append(("other (system libraries the bundle needs, small packages)", sum(left.values())))
    return rows


def run_app(app: Path, args: list[str], home: Path, data: Path) -> float:
    """Seconds for one run of the bundle with a bare environment; fails on exit != 0."""
    empty_bin = home / "empty-bin"
    empty_bin.mkdir(parents=True, exist_ok=True)
    env = {
        "HOME": str(home),
        "PATH": str(empty_bin),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "FIELDVISIT_CREDENTIALS": "file",
        # no keyring under a bare environment: the data dir's key is wrapped by this
        "FIELDVISIT_PASSPHRASE": "bench phrase de passe",
    }
    start = time.perf_counter()
    subprocess.run(
        [str(app), "--data-dir", str(data), *args], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - start


def start_times(bundle: Path, runs: int) -> dict[str, list[float]]:
    app = bundle / "fieldvisit"
    times: dict[str, list[float]] = {"version": [], "smoke": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            home, data = Path(tmp, f"home{run}"), Path(tmp, f"data{run}")
            times["version"].append(run_app(app, ["--version"], home, data))
            run_app(app, ["demo"], home, data)
            times["smoke"].append(run_app(app, ["--smoke-test"], home, data))
    return times


def build() -> float:
    start = time.perf_counter()
    subprocess.run(["make", "-C", str(ROOT), "package"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def report(bundle: Path, build_s: float | None, times: dict[str, list[float]], load: str) -> str:
    sizes = file_sizes(bundle)
    total = sum(sizes.values())
    verdict = "under" if total / 1e6 < TARGET_MB else "over"
    lines = [
        f"{machine_line()} During the start times: {load}.",
        "",
        f"`make package` on Linux: {bundle.relative_to(ROOT) if ROOT in bundle.parents else bundle}"
        f", {len(sizes)} files, **{total / MIB:.1f} MiB ({total / 1e6:.1f} MB) uncompressed** "
        f"— target < {TARGET_MB} MB: {verdict}.",
    ]
    if build_s is not None:
        lines.append(
            f"Build time: {build_s:.0f} s (`make package` in a venv that already has the "
            "project and PyInstaller)."
        )
    lines += ["", "| part | MiB |", "|---|---:|"]
    lines += [f"| {label} | {size / MIB:.1f} |" for label, size in breakdown(sizes)]
    lines += [
        "",
        "Start, bundle run with `env -i`, no Python on PATH, fresh data dir, offscreen "
        f"(median of {len(times['version'])}). With no keyring there, the data dir's key "
        "is wrapped by a passphrase (`FIELDVISIT_PASSPHRASE`): `--smoke-test` includes "
        "unwrapping it (argon2id, 64 MiB), as a laptop without a keyring does at each start:",
        "",
        "| command | median | max |",
        "|---|---:|---:|",
    ]
    for label, key in (
        ("`fieldvisit --version`", "version"),
        ("`fieldvisit --smoke-test` (window on the demo data, a visit shown, closed)", "smoke"),
    ):
        values = times[key]
        lines.append(
            f"| {label} | {statistics.median(values) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |"
        )
    lines += [
        "",
        "Left out of the bundle (packaging/fieldvisit.spec): Qt modules the app does not "
        "import (QML, Quick, WebEngine, 3D, Multimedia, SQL, PDF...), unused Qt plugins "
        "(GTK 3 theme and its GTK/Cairo/Pango libraries, embedded-device back ends, "
        "SQL drivers, TLS back ends, TIFF/TGA/WBMP/ICNS, Lottie), Qt's own translations "
        "other than French, the sync server and developer tools, Pillow's AVIF, FreeType "
        "and LittleCMS modules, httpx's command line (rich, pygments, click), CJK codecs. "
        "Linux libraries that must match the host (CUPS and its TLS/Kerberos stack, "
        "D-Bus/systemd, Fontconfig/FreeType, GLib, X11 core, the C++ runtime) come from "
        "the host; libraries are stripped of their debug symbols.",
        "",
        "ICU: the Linux PySide6 wheel's Qt Core links ICU, whose data library "
        "(`libicudata`, 32 MB: every locale, code page and word dictionary) is rebuilt "
        "with the root, English and French locales only, less the transliterators, the "
        "Asian word-break dictionaries and the non-Western code pages "
        "(packaging/README.md « ICU data »); the smoke test checks French collation, "
        "time-zone names and codecs on it.",
        "",
        "What remains is used. `cryptography` (AES-GCM of the key file and of the "
        "encrypted files, and SecretStorage's Secret Service keyring) and `sqlcipher3` "
        "(SQLCipher with its own crypto, stripped) came with encryption at rest. The "
        "Windows and macOS bundles are not measured here (their Qt uses the system's "
        "ICU).",
    ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "fieldvisit")
    parser.add_argument("--build", action="store_true", help="run `make package` first")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--require-bundle",
        action="store_true",
        default=os.environ.get(ENV_REQUIRE_BUNDLE, "") not in ("", "0"),
        help=f"no bundle is a failure, exit code 1 (also {ENV_REQUIRE_BUNDLE}=1)",
    )
    return parser


def main() -> int:
    args = parse_args(build_parser(), TINY)
    if not sys.platform.startswith("linux"):
        print("bench_bundle measures the Linux bundle only", file=sys.stderr)
        return 2
    build_s = build() if args.build else None
    bundle = args.bundle.resolve()
    if not (bundle / "fieldvisit").is_file():  # nothing to measure: not a failure
        print(f"no bundle in {bundle}: run `make package` or pass --build", file=sys.stderr)
        return 1 if args.require_bundle else 0
    load = Load()
    times = start_times(bundle, args.runs)
    text = report(bundle, build_s, times, load.text())
    print(text)
    write_section(SECTION, text, args)
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
