"""Trim the ICU data that the Linux PySide6 wheel ships to what fieldvisit needs.

Qt Core on Linux links ICU 7x (`libicuuc`, `libicui18n`, `libicudata`): QCollator
(ucol_*), case mapping (u_strToUpper/Lower), time-zone names (ucal_*) and the codecs
beyond UTF-8/UTF-16/Latin-1 (ucnv_*). `libicudata.so.NN` is nothing but ICU's data
package — every locale, every code page, the Chinese/Japanese/Thai word dictionaries —
as one symbol, `icudtNN_dat`: 32 MB of the bundle. fieldvisit speaks French and
English, so this keeps (ICU's own data customisation, done on the built package, see
https://unicode-org.github.io/icu/userguide/icu_data/buildtool.html):

- in every locale tree (top level, coll/, zone/, lang/, region/, curr/, unit/, rbnf/,
  brkitr/), the `root`, `en*` and `fr*` locales and the tree's shared pool;
- everything that is not per-locale (collation root `coll/ucadata.icu`, normalisation
  `*.nrm`, calendar and time-zone data, likely subtags, plural rules, break rules...),
  except the three features below that nothing in Qt reaches:
- dropped: the transliterator rules (`translit/`), the word-break dictionaries of
  Chinese/Japanese, Thai, Lao, Khmer and Burmese (`brkitr/*.dict`), and the table-based
  code-page converters (`*.cnv`) other than the Western European ones in
  KEPT_CONVERTERS (UTF-8/16/32, Latin-1 and ASCII are built into ICU's code).

The data package is rewritten here (`read_package`/`write_package`, the "common data"
format of ICU's source, `common/ucmndata.h`: a data header, a table of contents sorted
by name, 16-byte-aligned items) and assembled into a library with the same soname and
symbol (`cc -shared`, an `.incbin`). Debian's `icupkg -l` reads the result.

    python packaging/icu_data.py --list LIB            # items of a libicudata
    python packaging/icu_data.py LIB OUT_DIR           # OUT_DIR/libicudata.so.NN, trimmed

Only the Python standard library and a C compiler (gcc, or $CC) are needed.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Locales kept, with their regional variants (fr_FR, fr_CA, en_GB...), plus root.
KEPT_LANGUAGES = ("en", "fr")
#: Whole features that Qt never calls (no utrans_*, no dictionary-based ubrk_*).
DROPPED_TREES = ("translit/",)
DROPPED_SUFFIXES = (".dict",)
#: Table-based converters kept: what a French office file may be written in.
KEPT_CONVERTERS = frozenset(
    {
        "ibm-5348_P100-1997.cnv",  # windows-1252
        "ibm-923_P100-1998.cnv",  # ISO-8859-15 (Latin-9, with €)
        "ibm-850_P100-1995.cnv",  # IBM850 (DOS Latin-1: old CSV exports)
        "macos-0_2-10.2.cnv",  # macintosh (Mac OS Roman)
    }
)
_LOCALE_FILE = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9_]*)?\.res$")
_DATA_SYMBOL = re.compile(rb"^icudt(\d+)_dat$")
_ALIGN = 16


def item_kept(name: str) -> bool:
    """Whether an item of the package ("coll/fr.res", without the "icudtNNl/" prefix) stays."""
    base = name.rpartition("/")[2]
    if name.startswith(DROPPED_TREES) or base.endswith(DROPPED_SUFFIXES):
        return False
    if base.endswith(".cnv"):
        return base in KEPT_CONVERTERS
    locale = _LOCALE_FILE.match(base)
    if locale:  # a locale's data: "fr.res", "fr_CA.res", "de__PHONEBOOK.res"...
        return locale.group(1) in KEPT_LANGUAGES
    return True  # root.res, pool.res and the data that is not per-locale


# -- the library: ELF64 little-endian (x86-64, arm64 Linux) ------------------------------


@dataclass(frozen=True)
class DataSymbol:
    name: str  # "icudt73_dat"
    offset: int  # in the file
    size: int


def find_data_symbol(library: bytes) -> DataSymbol:
    """The `icudtNN_dat` symbol of a libicudata: where its bytes are in the file."""
    if library[:4] != b"\x7fELF" or library[4] != 2 or library[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF library")
    (section_offset,) = struct.unpack_from("<Q", library, 0x28)
    entry_size, count = struct.unpack_from("<HH", library, 0x3A)
    sections = []  # (type, address, offset, size, link)
    for index in range(count):
        base = section_offset + index * entry_size
        _, kind, _, address, offset, size, link = struct.unpack_from("<IIQQQQI", library, base)
        sections.append((kind, address, offset, size, link))
    sht_dynsym = 11
    for kind, _, offset, size, link in sections:
        if kind != sht_dynsym:
            continue
        strings_offset = sections[link][2]
        for base in range(offset, offset + size, 24):
            name_at, _, _, shndx, value, sym_size = struct.unpack_from("<IBBHQQ", library, base)
            start = strings_offset + name_at
            name = library[start : library.index(b"\0", start)]
            if _DATA_SYMBOL.match(name) and 0 < shndx < len(sections):
                _, address, section_file_offset, _, _ = sections[shndx]
                return DataSymbol(name.decode(), value - address + section_file_offset, sym_size)
    raise ValueError("no icudtNN_dat symbol: not an ICU data library")


# -- the data package (ICU's "common data", CmnD) ----------------------------------------


@dataclass(frozen=True)
class Package:
    header: bytes  # the package's data header, kept as is
    prefix: str  # "icudt73l/"
    items: list[tuple[str, bytes]]  # (name without the prefix, bytes), sorted by name

    def names(self) -> list[str]:
        return [name for name, _ in self.items]

    def size(self) -> int:
        return sum(len(data) for _, data in self.items)


def read_package(data: bytes) -> Package:
    """Parse a little-endian ICU common data package (the bytes of `icudtNN_dat`)."""
    (header_size,) = struct.unpack_from("<H", data, 0)
    if data[2:4] != b"\xda\x27":
        raise ValueError("no ICU data header")
    big_endian, charset_family = data[8], data[9]
    if big_endian or charset_family != 0 or data[12:16] != b"CmnD" or data[16] != 1:
        raise ValueError("not a little-endian ASCII ICU common data package (CmnD 1)")
    (count,) = struct.unpack_from("<I", data, header_size)
    toc = [struct.unpack_from("<II", data, header_size + 4 + 8 * i) for i in range(count)]
    ends = [entry[1] for entry in toc[1:]] + [len(data) - header_size]
    items = []
    for (name_at, data_at), end in zip(toc, ends, strict=True):
        start = header_size + name_at
        name = data[start : data.index(b"\0", start)].decode("ascii")
        items.append((name, data[header_size + data_at : header_size + end]))
    prefix = items[0][0].split("/", 1)[0] + "/" if items else ""
    if not all(name.startswith(prefix) for name, _ in items):
        raise ValueError("items without the package's prefix")
    return Package(
        data[:header_size], prefix, [(name.removeprefix(prefix), item) for name, item in items]
    )


def _pad(buffer: bytearray) -> None:
    buffer.extend(b"\xaa" * (-len(buffer) % _ALIGN))  # icupkg pads with 0xaa too


def write_package(package: Package) -> bytes:
    """The bytes of a package: its header, the TOC (item names sorted as ICU's binary
    search needs), the names, then each item 16-byte aligned. Offsets in the TOC count
    from the end of the header, which is itself 16-byte aligned."""
    if len(package.header) % _ALIGN:
        raise ValueError("the package header is not 16-byte aligned")
    items = sorted(((package.prefix + name).encode("ascii"), data) for name, data in package.items)
    offset = 4 + 8 * len(items)
    name_offsets = []
    for name, _ in items:
        name_offsets.append(offset)
        offset += len(name) + 1
    offset += -offset % _ALIGN
    data_offsets = []
    for _, data in items:
        data_offsets.append(offset)
        offset += len(data) + (-len(data) % _ALIGN)
    out = bytearray(package.header)
    out += struct.pack("<I", len(items))
    for name_at, data_at in zip(name_offsets, data_offsets, strict=True):
        out += struct.pack("<II", name_at, data_at)
    for name, _ in items:
        out += name + b"\0"
    _pad(out)
    for _, data in items:
        out += data
        _pad(out)
    return bytes(out)


def trimmed(package: Package) -> Package:
    return Package(package.header, package.prefix, [i for i in package.items if item_kept(i[0])])


# -- the library, rebuilt -----------------------------------------------------------------


def build_library(symbol: str, soname: str, data: bytes, target: Path) -> Path:
    """A shared library `soname` exporting `symbol`: `data`, read-only, 16-byte aligned."""
    compiler = shutil.which(_compiler())
    if compiler is None:
        raise SystemExit(f"no C compiler ({_compiler()}) to rebuild {soname}: install gcc")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        blob = Path(tmp, "icudt.dat")
        blob.write_bytes(data)
        source = Path(tmp, "icudt.S")
        source.write_text(
            f"\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n"
            f'\t.balign 16\n{symbol}:\n\t.incbin "{blob}"\n'
            f"\t.size {symbol}, . - {symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        subprocess.run(
            [compiler, "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-Wl,-z,noexecstack",
             "-o", str(target), str(source)],
            check=True,
        )  # fmt: skip
    return target


def _compiler() -> str:
    return os.environ.get("CC", "cc")


def read_library(library: Path) -> tuple[DataSymbol, Package]:
    content = library.read_bytes()
    symbol = find_data_symbol(content)
    return symbol, read_package(content[symbol.offset : symbol.offset + symbol.size])


def trim_library(library: Path, target_dir: Path) -> Path:
    """target_dir/<same name>: the ICU data library with only the items `item_kept`."""
    symbol, package = read_library(library)
    kept = trimmed(package)
    for needed in ("root.res", "coll/root.res", "coll/ucadata.icu", "cnvalias.icu", "fr.res"):
        if needed not in kept.names():
            raise SystemExit(f"{library.name}: no {needed} in the trimmed ICU data")
    return build_library(symbol.name, library.name, write_package(kept), target_dir / library.name)


def with_trimmed_icu(
    binaries: list[tuple[str, str, str]], work_dir: Path
) -> list[tuple[str, str, str]]:
    """PyInstaller's binaries (dest, source, kind) with libicudata.so.NN replaced by its
    trimmed copy, built in work_dir. Fails if there is none: a PySide6 wheel without ICU
    would need this step rethought, not skipped quietly."""
    entries = []
    found = False
    for dest, source, kind in binaries:
        if Path(dest).name.startswith("libicudata.so."):
            source = str(trim_library(Path(source), work_dir))
            found = True
        entries.append((dest, source, kind))
    if not found:
        raise SystemExit("no libicudata.so.NN among the bundle's libraries: see icu_data.py")
    return entries


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--list":
        symbol, package = read_library(Path(argv[1]))
        for name, data in package.items:
            print(f"{len(data):>9} {name}")
        print(f"{symbol.name}: {len(package.items)} items, {package.size() / 1e6:.1f} MB")
        return 0
    if len(argv) == 2:
        target = trim_library(Path(argv[0]), Path(argv[1]))
        print(f"{target} ({target.stat().st_size / 1e6:.1f} MB)")
        return 0
    print(__doc__.split("\n\n")[-2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
