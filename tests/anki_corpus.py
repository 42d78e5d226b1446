"""Builders for the hostile-package corpus: Anki packages made at test time from our own export (a genanki
``collection.anki2``) by tampering with its SQL, or assembled by hand (forged zip and zstd containers, and
compression bombs that are about a megabyte on disk). Nothing here is a binary blob in the repository.

Bombs are hand-assembled (repeated full-flush deflate blocks, zstd RLE blocks), so building them costs
milliseconds, and the reader must stop at its cap without keeping the decompressed bytes.
"""

from __future__ import annotations

import sqlite3
import struct
import zipfile
import zlib
from pathlib import Path

GiB = 1 << 30


def collection_of(package: Path, tmp_path: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        data = archive.read("collection.anki2")
    path = tmp_path / "col.sqlite"
    path.write_bytes(data)
    return path


def tampered(package: Path, tmp_path: Path, *sql: str) -> Path:
    """The export with SQL applied to its collection, zipped again."""
    db = collection_of(package, tmp_path)
    conn = sqlite3.connect(db)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()
    out = tmp_path / "tampered.apkg"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", db.read_bytes())
        archive.writestr("media", "{}")
    return out


def zip_entries(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return path


def raw_deflate_zip(path: Path, name: str, compressed: bytes, size: int, declared: int | None = None) -> Path:
    """A one-entry zip around already-deflated bytes (zipfile cannot write those), declaring ``declared`` bytes."""
    declared = size if declared is None else declared
    name_bytes = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, 0, len(compressed), declared,
                        len(name_bytes), 0) + name_bytes
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, 0, len(compressed), declared,
                          len(name_bytes), 0, 0, 0, 0, 0, 0) + name_bytes
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(compressed), 0)
    path.write_bytes(local + compressed + central + end)
    return path


def deflate_bomb(blocks: int) -> bytes:
    """``blocks`` x 16 MiB of zeros as raw deflate: one full-flush block, repeated (about 16 KB each)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 24)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * blocks + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def zstd_bomb(size: int, declare: bool = True) -> bytes:
    """A zstd frame of ``size`` zero bytes made of 128 KiB RLE blocks (4 bytes each)."""
    block = 1 << 17
    frame = bytearray(b"\x28\xb5\x2f\xfd")
    frame += bytes([0xC0, 0x38]) + struct.pack("<Q", size) if declare else bytes([0x00, 0x38])
    count = size // block
    for i in range(count):
        frame += ((1 if i == count - 1 else 0) | (1 << 1) | (block << 3)).to_bytes(3, "little") + b"\0"
    return bytes(frame)


def modern(path: Path, collection: bytes) -> Path:
    return zip_entries(path, {"meta": b"\x08\x03", "collection.anki21b": collection,
                              "collection.anki2": b"dummy", "media": b""})


def other_note(situation: str, response: str = "'A response.'", guid: str = "other-1") -> str:
    """SQL that turns the export's first note into someone else's note (its GUID is not ours), with the SQL
    expressions ``situation`` and ``response`` as its fields: other notes map to cards by field name."""
    return (f"UPDATE notes SET guid = '{guid}', flds = {situation} || char(31) || {response} "
            "WHERE id = (SELECT min(id) FROM notes)")


def repeated(text: str, times: int) -> str:
    """An SQL expression for ``text`` repeated ``times`` times (``text`` must not hold a quote)."""
    return f"replace(hex(zeroblob({times})), '00', '{text}')"
