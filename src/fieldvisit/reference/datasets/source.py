"""Opening a file as data.gouv.fr publishes it: compression, encoding, separator, header.

Real files vary from one edition to the next and once they went through a spreadsheet:
gzipped or not, UTF-8 with or without a BOM or Windows-1252 (latin-1), CRLF line ends,
quoted fields (opening hours spanning lines), columns in another order. The reader is
tolerant of all that, and names the file, the line and the problem for anything else
(a cut gzip, a bad quote, a stray byte in the middle of a UTF-8 file): it never guesses
a value. The file is streamed: memory does not grow with its size.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from fieldvisit.core.errors import BadInput

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
# Enough of the start of the file to choose its encoding and separator.
SNIFF_BYTES = 1 << 20
SEPARATORS = (";", ",", "\t", "|")
# A two-byte UTF-8 letter (é is C3 A9): in a Windows-1252 file, « Ã » before « © ».
_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]")
# Far beyond any field of these datasets (opening hours are the longest), so that a
# damaged file (a quote never closed) fails at once instead of filling memory.
FIELD_LIMIT = 64 * 1024


class DatasetError(BadInput):
    """A published file that cannot be imported: which file, which line, what is wrong."""

    def __init__(self, source: str, problem: str, line: int | None = None) -> None:
        where = f"{source}, ligne {line}" if line else source
        super().__init__(f"{where} : {problem}")
        self.source = source
        self.problem = problem
        self.line = line or None  # 0: the file as a whole


@dataclass
class PublishedTable:
    """A published CSV file being read: its header, then its rows (lists of strings)."""

    name: str
    header: tuple[str, ...]
    delimiter: str
    encoding: str
    reader: Iterator[list[str]]
    line_of: object = field(repr=False)  # the csv reader, for its line_num
    _stream: IO[str] | None = field(default=None, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The header's column names in lower case, as datasets are recognised."""
        return tuple(name.lower() for name in self.header)

    @property
    def line(self) -> int:
        """The line of the file the current row ended on (1 is the header)."""
        return int(getattr(self.line_of, "line_num", 0))

    def error(self, problem: str, line: int | None = None) -> DatasetError:
        return DatasetError(self.name, problem, self.line if line is None else line)

    def fit(self, row: list[str]) -> list[str] | None:
        """A row of another width than the header: None for a blank line (skipped), the
        row without its trailing empty cells (a spreadsheet's trailing separator), or
        a DatasetError."""
        width = len(self.header)
        if not row or (len(row) == 1 and not row[0].strip()):
            return None
        if len(row) > width and not any(cell.strip() for cell in row[width:]):
            return row[:width]
        raise self.error(
            f"{len(row)} colonnes au lieu de {width} (séparateur « {self.delimiter} ») : "
            "ligne coupée, champ mal entre guillemets ou fichier endommagé"
        )

    def rows(self) -> Iterator[list[str]]:
        """Every data row at the header's width; blank lines skipped. Use it inside
        guard() (the hot SSMSI loop reads `reader` itself)."""
        width = len(self.header)
        for row in self.reader:
            if len(row) != width:
                fitted = self.fit(row)
                if fitted is None:
                    continue
                row = fitted
            yield row

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn what a damaged file raises while being read into a DatasetError."""
        try:
            yield
        except DatasetError:
            raise
        except csv.Error as err:
            raise self.error(f"ligne mal formée ({err})") from err
        except UnicodeDecodeError as err:
            # The text is decoded a block ahead of the rows: the bad byte is on the line
            # being read plus the line ends of its block before it.
            ahead = bytes(err.object[: err.start]).count(b"\n")
            raise self.error(
                f"caractère illisible en {self.encoding} : le fichier mélange des encodages "
                "ou est endommagé",
                self.line + 1 + ahead,
            ) from err
        except (EOFError, zlib.error, gzip.BadGzipFile) as err:
            raise self.error(
                "fichier compressé incomplet ou endommagé (téléchargement interrompu ?)"
            ) from err
        except OSError as err:
            raise self.error(f"lecture impossible ({err.strerror or err})") from err


def _encoding_of(head: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (a spreadsheet's « texte
    Unicode »), else Windows-1252: the latin-1 of French spreadsheets."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the sample is fine
        return "utf-8"
    except UnicodeDecodeError as err:
        # Accented letters in UTF-8 before the first byte that is not: a file put
        # together from two sources. Read as Windows-1252 it would give « Ã© ».
        if _UTF8_LETTER.search(head, 0, err.start):
            raise DatasetError(
                name,
                "encodages mélangés : du UTF-8 puis un caractère Windows-1252 (latin-1) ; "
                "réenregistrez le fichier dans un seul encodage",
                head.count(b"\n", 0, err.start) + 1,
            ) from err
    try:
        head.decode("cp1252")
    except UnicodeDecodeError as err:
        raise DatasetError(name, "encodage non reconnu (ni UTF-8 ni Windows-1252)") from err
    return "cp1252"


def _delimiter_of(first_line: str, name: str) -> str:
    counts = {sep: first_line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=counts.__getitem__)
    if counts[best] == 0:
        raise DatasetError(
            name,
            "en-tête sans séparateur (« ; », « , » ou tabulation) : ce n'est pas un fichier "
            "CSV de données publiques",
            1,
        )
    return best


def _binary(raw: IO[bytes], name: str) -> IO[bytes]:
    magic = raw.read(4)
    raw.seek(0)
    if magic.startswith(ZIP_MAGIC):
        raise DatasetError(
            name,
            "archive ZIP (ou classeur Excel) : décompressez-la et importez le fichier CSV "
            "qu'elle contient",
        )
    if magic.startswith(PARQUET_MAGIC):
        raise DatasetError(
            name, "fichier Parquet : importez la version CSV (.csv ou .csv.gz) du même jeu"
        )
    if magic.startswith(GZIP_MAGIC):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


@contextmanager
def open_published(source: Path | IO[bytes], name: str | None = None) -> Iterator[PublishedTable]:
    """Open a published file (a path, or a binary stream and its name) and read its
    header; the table's `reader` then yields the rows."""
    shown = name or (source.name if isinstance(source, Path) else "fichier")
    if isinstance(source, Path):
        try:
            raw: IO[bytes] = source.open("rb")
        except FileNotFoundError as err:
            raise DatasetError(str(source), "fichier introuvable") from err
        except IsADirectoryError as err:
            raise DatasetError(
                str(source), "c'est un dossier : donnez le fichier publié (.csv ou .csv.gz)"
            ) from err
        except PermissionError as err:
            raise DatasetError(
                str(source), "lecture refusée (droits du fichier) : ouvrez-le en lecture"
            ) from err
        except OSError as err:
            raise DatasetError(str(source), f"lecture impossible ({err.strerror or err})") from err
    else:
        raw = source
    try:
        yield _table(raw, shown)
    finally:
        if isinstance(source, Path):
            raw.close()


def _table(raw: IO[bytes], name: str) -> PublishedTable:
    try:
        binary = _binary(raw, name)
        head = binary.read(SNIFF_BYTES)
        binary.seek(0)
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise DatasetError(
            name, "fichier compressé incomplet ou endommagé (téléchargement interrompu ?)"
        ) from err
    except OSError as err:
        raise DatasetError(name, f"lecture impossible ({err.strerror or err})") from err
    if not head.strip():
        raise DatasetError(name, "fichier vide")
    encoding = _encoding_of(head, name)
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")  # type: ignore[type-var]
    first = head.decode(encoding, errors="replace").lstrip("\ufeff").splitlines()[0]
    delimiter = _delimiter_of(first, name)
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    table = PublishedTable(name, (), delimiter, encoding, reader, reader, text)
    with table.guard():
        header_row = next(reader, None)
    if header_row is None:
        raise DatasetError(name, "fichier vide")
    header = [cell.strip().lstrip("\ufeff").strip() for cell in header_row]
    while header and not header[-1]:
        header.pop()  # a trailing separator
    seen: set[str] = set()
    for column in header:
        if not column:
            raise DatasetError(name, "en-tête avec une colonne sans nom", 1)
        if column.lower() in seen:
            raise DatasetError(name, f"en-tête : colonne « {column} » en double", 1)
        seen.add(column.lower())
    table.header = tuple(header)
    return table
