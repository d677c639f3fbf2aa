"""Public datasets held by the server for every laptop (server revision 0004).

`fieldvisit-server reference import FILE` reads a file as data.gouv.fr publishes it
with the laptops' own readers (`fieldvisit.reference.datasets`: same recognition, same
checks), and splits it by département into *parts*: each part is the header and that
département's rows, in the published format, gzipped (deterministic bytes: the same
file gives the same parts). Every département of the communes reference gets a part,
even an empty one (a département without a PVD town), so a laptop knows its
territories are covered. The parts replace the dataset's in one transaction, only once
the whole file has been read without a problem: a damaged file changes nothing.

Laptops receive the parts of their territories: the pull page carries a digest of the
parts the account may read (`reference_digest`), and a laptop asks for the list and
the parts only when that digest changed, so a sync with nothing new stays one request.
The parts are in the database (a few MB per edition): server backups carry them.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import BigInteger, Integer, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from fieldvisit.reference.datasets import DATASETS, open_published, recognise
from fieldvisit.server.db import Database
from fieldvisit.server.models import Base
from fieldvisit.server.scoping import Principal
from fieldvisit.sync.wire import MAX_REFERENCE_PART_BYTES, ReferenceIndex, ReferencePart

PART_COMPRESSION = 6


class ReferenceDataset(Base):
    """The edition of a dataset the server holds, and where it came from."""

    __tablename__ = "reference_datasets"
    dataset: Mapped[str] = mapped_column(String(32), primary_key=True)
    edition: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    rows: Mapped[int] = mapped_column(BigInteger)
    imported_at: Mapped[datetime]


class ReferencePartRow(Base):
    """One département of a dataset: the published header and its rows, gzipped."""

    __tablename__ = "reference_parts"
    dataset: Mapped[str] = mapped_column(String(32), primary_key=True)
    territory: Mapped[str] = mapped_column(String(3), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


@dataclass(frozen=True)
class ServerImport:
    dataset: str
    file_name: str
    edition: str
    rows: int
    parts: int
    filled: int  # parts with at least one row

    def describe(self) -> str:
        count = f"{self.rows:,}".replace(",", " ")
        return (
            f"{self.file_name} : {DATASETS[self.dataset].title}, {count} ligne(s), édition "
            f"« {self.edition} », répartie(s) en {self.filled} département(s) "
            f"({self.parts} parts envoyées aux ordinateurs de leurs territoires)."
        )


class _PartWriter:
    """The gzipped CSV of one département, written to a temporary file."""

    def __init__(self, folder: Path, territory: str, header: tuple[str, ...]) -> None:
        self.path = folder / f"{territory}.csv.gz"
        self._raw: IO[bytes] = self.path.open("wb")
        self._gzip = gzip.GzipFile(
            filename="", fileobj=self._raw, mode="wb", compresslevel=PART_COMPRESSION, mtime=0
        )
        self._text = io.TextIOWrapper(self._gzip, encoding="utf-8", newline="")
        self._csv = csv.writer(self._text, delimiter=";", lineterminator="\n")
        self._csv.writerow(header)
        self.rows = 0

    def write(self, row: list[str]) -> None:
        self._csv.writerow(row)
        self.rows += 1

    def close(self) -> None:
        self._text.flush()
        self._text.detach()
        self._gzip.close()
        self._raw.close()


def import_reference(
    db: Database,
    path: Path,
    *,
    territories: Iterable[str],
    now: datetime,
    edition: str | None = None,
) -> ServerImport:
    """Read, check and split a published file; replace that dataset's parts (all or
    nothing). `territories`: every département of the communes reference."""
    with (
        tempfile.TemporaryDirectory(prefix="fieldvisit-reference-") as folder,
        open_published(path) as table,
    ):
        reader = recognise(table)
        writers: dict[str, _PartWriter] = {}
        try:
            for territory in sorted(set(territories)):
                writers[territory] = _PartWriter(Path(folder), territory, table.header)
            for departement, row, _record in reader:
                writer = writers.get(departement)
                if writer is None:  # a département the reference does not know (yet)
                    writer = writers[departement] = _PartWriter(
                        Path(folder), departement, table.header
                    )
                writer.write(row)
        finally:
            for writer in writers.values():
                writer.close()
        label = " ".join((edition or reader.edition(path.name)).split())[:200]
        key = reader.info.key
        with db.transaction() as session:
            session.execute(delete(ReferencePartRow).where(ReferencePartRow.dataset == key))
            session.flush()
            for territory, writer in sorted(writers.items()):
                content = writer.path.read_bytes()
                if len(content) > MAX_REFERENCE_PART_BYTES:
                    raise table.error(
                        f"les données du département {territory} dépassent "
                        f"{MAX_REFERENCE_PART_BYTES // 2**20} Mo une fois compressées",
                        0,
                    )
                session.add(
                    ReferencePartRow(
                        dataset=key,
                        territory=territory,
                        sha256=hashlib.sha256(content).hexdigest(),
                        size=len(content),
                        rows=writer.rows,
                        content=content,
                    )
                )
                session.flush()  # one part in memory at a time
                session.expunge_all()
            held = session.get(ReferenceDataset, key)
            if held is None:
                held = ReferenceDataset(dataset=key)
                session.add(held)
            held.edition, held.source, held.rows, held.imported_at = (
                label,
                path.name[:300],
                reader.rows,
                now,
            )
    return ServerImport(
        key,
        path.name,
        label,
        reader.rows,
        len(writers),
        sum(1 for writer in writers.values() if writer.rows),
    )


def readable_parts(session: Session, who: Principal) -> list[ReferencePart]:
    """The parts of the account's territories (every part for an admin), without their
    content."""
    query = (
        select(
            ReferencePartRow.dataset,
            ReferencePartRow.territory,
            ReferencePartRow.sha256,
            ReferencePartRow.size,
            ReferencePartRow.rows,
            ReferenceDataset.edition,
            ReferenceDataset.source,
            ReferenceDataset.imported_at,
        )
        .join(ReferenceDataset, ReferenceDataset.dataset == ReferencePartRow.dataset)
        .order_by(ReferencePartRow.dataset, ReferencePartRow.territory)
    )
    if not who.is_admin:
        query = query.where(ReferencePartRow.territory.in_(sorted(who.territories)))
    return [
        ReferencePart(
            dataset=row.dataset,
            territory=row.territory,
            sha256=row.sha256,
            size=row.size,
            rows=row.rows,
            edition=row.edition,
            source=row.source,
            imported_at=row.imported_at,
        )
        for row in session.execute(query)
    ]


def reference_index(session: Session, who: Principal) -> ReferenceIndex:
    return ReferenceIndex(parts=readable_parts(session, who))


def reference_digest(session: Session, who: Principal) -> str:
    """Changes whenever a part the account may read changes; "" when there is none."""
    query = select(
        ReferencePartRow.dataset, ReferencePartRow.territory, ReferencePartRow.sha256
    ).order_by(ReferencePartRow.dataset, ReferencePartRow.territory)
    if not who.is_admin:
        query = query.where(ReferencePartRow.territory.in_(sorted(who.territories)))
    text = "\n".join(f"{d}:{t}:{sha}" for d, t, sha in session.execute(query))
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def part_content(session: Session, who: Principal, dataset: str, territory: str) -> bytes | None:
    """A part's bytes, or None if there is none or the account may not read it."""
    if not who.may_read(territory):
        return None
    return session.scalar(
        select(ReferencePartRow.content).where(
            ReferencePartRow.dataset == dataset, ReferencePartRow.territory == territory
        )
    )


def held_datasets(session: Session) -> list[ReferenceDataset]:
    return list(session.scalars(select(ReferenceDataset).order_by(ReferenceDataset.dataset)))
