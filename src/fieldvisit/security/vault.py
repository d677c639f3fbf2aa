"""Encrypted files of a data dir: attachments, thumbnails, report renditions.

File format (version 1), all integers big-endian:

    magic  b"\\x89FVE"  (4)     version 1 (1)   chunk size as a power of two (1)
    reserved 0 (2)             plain size (8)  salt (16)          = 32-byte header
    chunk 0 … chunk n-1: AES-256-GCM of ≤ 64 KiB of plain bytes, + 16-byte tag each

Each file gets its own key, HKDF(files key, salt); chunk i uses the nonce i (11 bytes)
followed by 1 for the last chunk and 0 otherwise, and authenticates the header and the
file's *context* (for an attachment its plain SHA-256): a chunk cut off, moved, swapped
with another file's or changed makes the read fail. Chunks allow reading from any
offset (a resumed upload) without decrypting the whole file. An empty file is one
empty chunk.

File names: an attachment stays addressed by the SHA-256 of its plain content (the
records, sync and the server use it; the same bytes twice are one file), but its file
is named by an HMAC-SHA256 of that hash under a key of the data dir. A plain hash as a
name would tell whoever reads the disk that a *known* file is there (a report sent to
a mairie, a photo from a shared folder); the keyed name tells nothing without the key,
and stays deterministic, so deduplication and sync work as before.

`register()`: an opened store registers its vault under its data dir, so that code
given only paths (the report's photo renditions) can find it: `vault_for(path)`.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import secrets
import struct
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from fieldvisit.core.errors import FieldvisitError
from fieldvisit.security.keys import hkdf_sha256

MAGIC = b"\x89FVE"
VERSION = 1
CHUNK_SHIFT = 16
CHUNK = 1 << CHUNK_SHIFT
TAG = 16
SALT = 16
_HEADER = struct.Struct(">4sBBHQ16s")
HEADER_SIZE = _HEADER.size  # 32
INFO_FILE = b"fieldvisit/file-key/v1"


class DamagedFile(FieldvisitError):
    """An encrypted file that does not decrypt: changed, cut off, or from another key."""


def _aesgcm(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def chunk_count(size: int) -> int:
    return max(1, -(-size // CHUNK))


def encrypted_size(size: int) -> int:
    return HEADER_SIZE + size + TAG * chunk_count(size)


def is_encrypted(path: Path) -> bool:
    """Whether the file starts like a file of this format (no key needed)."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


class FileVault:
    """Encrypts and decrypts the files of one data dir (keys from `DataKeys`)."""

    def __init__(self, files_key: bytes, names_key: bytes) -> None:
        self._files_key = files_key
        self._names_key = names_key

    def __repr__(self) -> str:
        return "FileVault(…)"

    def name(self, kind: str, ident: str) -> str:
        """The keyed file name (64 hex characters) of a thing of a kind."""
        message = f"{kind}\x00{ident}".encode()
        return hmac.new(self._names_key, message, hashlib.sha256).hexdigest()

    def _file_cipher(self, salt: bytes) -> Any:
        return _aesgcm(hkdf_sha256(self._files_key, INFO_FILE, 32, salt))

    # --- writing ----------------------------------------------------------------------

    def encrypt_stream(self, source: IO[bytes], size: int, out: IO[bytes], context: bytes) -> None:
        """Encrypt exactly `size` bytes read from source into out."""
        salt = secrets.token_bytes(SALT)
        header = _HEADER.pack(MAGIC, VERSION, CHUNK_SHIFT, 0, size, salt)
        cipher = self._file_cipher(salt)
        aad = header + context
        out.write(header)
        count = chunk_count(size)
        for index in range(count):
            want = min(CHUNK, size - index * CHUNK)
            plain = source.read(want)
            if len(plain) != want:
                raise OSError("the file changed while it was being encrypted")
            out.write(cipher.encrypt(_nonce(index, index == count - 1), plain, aad))
        if source.read(1):
            raise OSError("the file changed while it was being encrypted")

    def write_bytes(self, target: Path, data: bytes, context: bytes) -> Path:
        """Encrypt data into target atomically (temporary file, fsync, rename)."""
        return self.write_file(target, io.BytesIO(data), len(data), context)

    def write_file(
        self,
        target: Path,
        source: IO[bytes],
        size: int,
        context: bytes,
        before_commit: Callable[[], None] | None = None,
    ) -> Path:
        """Encrypt size bytes of source into target atomically; `before_commit` may
        refuse (raise) once everything is written, before the rename."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                self.encrypt_stream(source, size, out, context)
                out.flush()
                os.fsync(out.fileno())
            if before_commit is not None:
                before_commit()
            os.replace(tmp_name, target)  # a crash never leaves half a file
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return target

    # --- reading ----------------------------------------------------------------------

    def open(self, path: Path, context: bytes) -> EncryptedReader:
        """A seekable reader of the plain bytes (DamagedFile on any mismatch)."""
        return EncryptedReader(self, path, context)

    def read_bytes(self, path: Path, context: bytes) -> bytes:
        with self.open(path, context) as reader:
            return reader.read()

    def plain_size(self, path: Path) -> int:
        with path.open("rb") as fh:
            return _parse_header(fh.read(HEADER_SIZE), path)[1]


def _parse_header(header: bytes, path: Path) -> tuple[bytes, int, bytes]:
    if len(header) != HEADER_SIZE:
        raise DamagedFile(f"Le fichier {path.name} est tronqué.")
    magic, version, shift, _reserved, size, salt = _HEADER.unpack(header)
    if magic != MAGIC:
        raise DamagedFile(f"Le fichier {path.name} n'est pas un fichier chiffré de fieldvisit.")
    if version != VERSION or shift != CHUNK_SHIFT:
        raise DamagedFile(
            f"Le fichier {path.name} a été écrit par une version plus récente de fieldvisit."
        )
    return header, size, salt


class EncryptedReader(io.RawIOBase):
    """Plain bytes of an encrypted file, read chunk by chunk; seekable."""

    def __init__(self, vault: FileVault, path: Path, context: bytes) -> None:
        super().__init__()
        self.path = path
        self._fh: BinaryIO = path.open("rb")
        try:
            header, self.size, salt = _parse_header(self._fh.read(HEADER_SIZE), path)
            if os.fstat(self._fh.fileno()).st_size != encrypted_size(self.size):
                raise DamagedFile(
                    f"Le fichier {path.name} est endommagé (taille inattendue) : "
                    "il a été tronqué ou modifié."
                )
        except BaseException:
            self._fh.close()
            raise
        self._cipher = vault._file_cipher(salt)
        self._aad = header + context
        self._count = chunk_count(self.size)
        self._pos = 0
        self._chunk_index = -1
        self._chunk = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _load(self, index: int) -> bytes:
        if index != self._chunk_index:
            from cryptography.exceptions import InvalidTag

            plain_len = min(CHUNK, self.size - index * CHUNK)
            self._fh.seek(HEADER_SIZE + index * (CHUNK + TAG))
            sealed = self._fh.read(plain_len + TAG)
            try:
                plain = self._cipher.decrypt(
                    _nonce(index, index == self._count - 1), sealed, self._aad
                )
            except InvalidTag:
                raise DamagedFile(
                    f"Le fichier {self.path.name} est endommagé ou ne correspond pas à la clé "
                    "de ce dossier de données (son contenu ne peut pas être déchiffré)."
                ) from None
            self._chunk_index, self._chunk = index, plain
        return self._chunk

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self._pos
        end = min(self.size, self._pos + size)
        if self.size == 0 and self._chunk_index < 0:
            self._load(0)  # an empty file still authenticates its one empty chunk
        parts = []
        while self._pos < end:
            index = self._pos // CHUNK
            chunk = self._load(index)
            start = self._pos - index * CHUNK
            piece = chunk[start : start + (end - self._pos)]
            parts.append(piece)
            self._pos += len(piece)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self.read()

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
        super().close()


# --- which vault serves a path ----------------------------------------------------------

_registry: dict[str, list[FileVault]] = {}
_registry_lock = threading.Lock()


def _key(root: Path) -> str:
    return os.path.abspath(root)


def register(root: Path, vault: FileVault) -> None:
    with _registry_lock:
        _registry.setdefault(_key(root), []).append(vault)


def unregister(root: Path, vault: FileVault) -> None:
    with _registry_lock:
        vaults = _registry.get(_key(root), [])
        if vault in vaults:
            vaults.remove(vault)
        if not vaults:
            _registry.pop(_key(root), None)


def vault_for(path: Path) -> FileVault | None:
    """The vault of the opened data dir that contains path, if any."""
    target = _key(path)
    with _registry_lock:
        for root, vaults in _registry.items():
            if vaults and (target == root or target.startswith(root + os.sep)):
                return vaults[-1]
    return None


def iter_files(folder: Path) -> Iterator[Path]:
    """Every file under folder (none if it does not exist), temporary ones included."""
    if folder.is_dir():
        yield from (p for p in folder.rglob("*") if p.is_file())
