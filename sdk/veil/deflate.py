"""Gzip from pieces: a large event compressed while it is assembled, spliced into its batch later.

Rules: a batch is one gzip member (RFC 1952) whose deflate stream is a run of segments, each
ending on a byte boundary (a sync flush) but the last, which ends the stream; no segment refers to
data outside itself. So an event compressed ahead of its batch (a full snapshot, part by part
while the page is still being walked, when the worker would otherwise wait) goes into the batch
as it is, between the segments compressed when the batch is cut. The header is gzip's own for the
level (mtime 0, OS unknown), the trailer the CRC-32 and length of the whole body: any gzip reader
inflates it as one stream to the same text. Text becomes bytes as batches encode it (UTF-8, a
lone surrogate as its JSON escape).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass


def encode(text: str) -> bytes:
    return text.encode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class Deflated:
    """A text's deflate segment (ending on a byte boundary), and its length and CRC-32 as bytes."""

    data: bytes
    length: int
    crc: int
    level: int


class Deflater:
    """A text compressed as it is written, piece by piece."""

    def __init__(self, level: int) -> None:
        self.level = level
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._out: list[bytes] = []
        self._length = 0
        self._crc = 0

    def feed(self, text: str) -> None:
        data = encode(text)
        self._length += len(data)
        self._crc = zlib.crc32(data, self._crc)
        out = self._compressor.compress(data)
        if out:
            self._out.append(out)

    def finish(self) -> Deflated:
        self._out.append(self._compressor.flush(zlib.Z_SYNC_FLUSH))
        return Deflated(b"".join(self._out), self._length, self._crc, self.level)


def _header(level: int) -> bytes:
    xfl = 2 if level == 9 else 4 if level == 1 else 0
    return struct.pack("<BBBBLBB", 0x1F, 0x8B, 8, 0, 0, xfl, 255)


def gzip_pieces(pieces: list[tuple[str, Deflated | None]], level: int) -> bytes:
    """One gzip member of the texts in order; a text with its ``Deflated`` segment is spliced in as
    it is (its bytes still count in the CRC), the texts between compressed at ``level`` now."""
    out = [_header(level)]
    crc, length = 0, 0
    pending: list[str] = []

    def segment(final: bool) -> None:
        nonlocal crc, length
        data = encode("".join(pending))
        pending.clear()
        crc, length = zlib.crc32(data, crc), length + len(data)
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        out.append(compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH))

    for text, deflated in pieces:
        if deflated is None:
            pending.append(text)
            continue
        segment(final=False)
        data = encode(text)
        if len(data) != deflated.length or zlib.crc32(data) != deflated.crc:
            raise ValueError("a segment compressed ahead is not of its text")
        crc, length = zlib.crc32(data, crc), length + len(data)
        out.append(deflated.data)
    segment(final=True)
    out.append(struct.pack("<LL", crc, length & 0xFFFFFFFF))
    return b"".join(out)
