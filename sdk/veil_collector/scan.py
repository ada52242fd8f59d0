"""The compiled one-pass batch scanner (``scan.c``), loaded through ctypes.

Rules: ``scan(raw)`` returns a ``Scanned`` only when the batch is certainly valid, of the batch's
shape, and holds no PII candidate in any string the collector's scrubber would read; otherwise
None, and the caller runs the exact Python path (``validate`` + ``scrub``), which decides and
words every refusal. So the scanner can only make ingest faster, never laxer: it accepts a strict
subset of what the exact path accepts (tests/unit/test_collector_scan.py holds it to that).

The C source is compiled once per source version with the system's C compiler (``cc``; ``./dev``
installs gcc) into a private cache directory, and loaded with ctypes, which releases the GIL for
the call: several ingest threads scan at once on several cores. Without a compiler, or with
``VEIL_COLLECTOR_SCAN=0``, ``available()`` is False and every batch takes the exact path (logged
once). No state is shared between calls; the tag buffer is per thread.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

log = logging.getLogger("veil.collector")
SOURCE = Path(__file__).with_name("scan.c")
MAX_TAGS = 4096  # custom events per batch the fast path reports; more go the exact way
REASONS = {1: "syntax", 2: "utf8", 3: "escape-u", 4: "number", 5: "depth", 6: "shape", 7: "key", 8: "candidate",
           9: "tags"}


class _Result(ctypes.Structure):
    _fields_: ClassVar[list[tuple[str, type[ctypes.c_int64] | type[ctypes.c_double]]]] = [
        (name, ctypes.c_int64) for name in (
            "session_off", "view_off", "seq", "dropped", "events_off", "events_end", "event_count", "meta_count")]
    _fields_ += [("first_ts", ctypes.c_double), ("last_ts", ctypes.c_double), ("tag_count", ctypes.c_int64),
                 ("where", ctypes.c_int64)]


@dataclass(frozen=True)
class Scanned:
    """What the collector needs of a batch the scanner accepted."""

    session: str
    view: str
    seq: int
    dropped: int
    events_json: bytes  # the events array's text as received
    event_count: int
    first_ts: float
    last_ts: float
    meta_count: int  # type 4 events (full page loads)
    tags: list[bytes]  # data.tag of each custom event (type 5) whose tag is a string, in order


def _cache_dir() -> Path:
    base = os.environ.get("VEIL_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) / "veil" if base else Path.home() / ".cache" / "veil"
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        return root
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"veil-{os.getuid()}"
        fallback.mkdir(exist_ok=True, mode=0o700)
        info = fallback.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise OSError(f"{fallback} is not private to this user") from None
        return fallback


def _compile() -> ctypes.CDLL:
    source = SOURCE.read_bytes()
    flags = ["-O3", "-shared", "-fPIC", "-std=c99"]  # -O3: 0.22 ms per median batch against 0.26 at -O2
    tag = hashlib.sha256(source + " ".join(flags).encode() + sys.platform.encode()).hexdigest()[:16]
    target = _cache_dir() / f"veil-scan-{tag}.so"
    if not target.exists():
        # Build beside the target and rename: processes starting together never load half a file.
        fd, partial = tempfile.mkstemp(dir=target.parent, suffix=".so")
        os.close(fd)
        try:
            subprocess.run([os.environ.get("CC", "cc"), *flags, "-o", partial, str(SOURCE)], check=True,
                           capture_output=True, timeout=120)
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    lib = ctypes.CDLL(str(target))
    lib.veil_scan_init.restype = None
    lib.veil_scan_init()  # once, under _lock, before any thread scans
    lib.veil_scan.restype = ctypes.c_int
    lib.veil_scan.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_uint32), ctypes.c_size_t,
                              ctypes.POINTER(ctypes.c_int64), ctypes.c_int64, ctypes.POINTER(_Result)]
    return lib


def _digit_ranges() -> ctypes.Array[ctypes.c_uint32]:
    """[first, last] pairs of the non-ASCII characters ``re``'s ``\\d`` matches (str.isdecimal)."""
    pairs: list[int] = []
    for c in range(0x80, 0x110000):
        if chr(c).isdecimal():
            if pairs and pairs[-1] == c - 1:
                pairs[-1] = c
            else:
                pairs += [c, c]
    return (ctypes.c_uint32 * len(pairs))(*pairs)


_lock = threading.Lock()
_loaded: tuple[ctypes.CDLL, ctypes.Array[ctypes.c_uint32]] | None = None
_failed = False
_local = threading.local()


def _load() -> tuple[ctypes.CDLL, ctypes.Array[ctypes.c_uint32]] | None:
    global _loaded, _failed
    if _loaded is not None or _failed:
        return _loaded
    with _lock:
        if _loaded is None and not _failed:
            if os.environ.get("VEIL_COLLECTOR_SCAN", "1") == "0":
                _failed = True
                return None
            try:
                _loaded = (_compile(), _digit_ranges())
            except (OSError, subprocess.SubprocessError) as err:
                _failed = True
                detail = getattr(err, "stderr", b"") or b""
                log.warning("the compiled batch scanner is unavailable (every batch takes the exact path): %r %s",
                            err, detail.decode(errors="replace")[:500])
    return _loaded


def available() -> bool:
    return _load() is not None


def scan_reason(raw: bytes) -> tuple[int, int]:
    """The scanner's verdict on ``raw``: (0 or a reason code, the offset it stopped at). For tests."""
    loaded = _load()
    if loaded is None:
        raise RuntimeError("the compiled batch scanner is unavailable")
    lib, digits = loaded
    tags, result = _buffers()
    code = lib.veil_scan(raw, len(raw), digits, len(digits) // 2, tags, MAX_TAGS, ctypes.byref(result))
    return code, result.where


def _buffers() -> tuple[ctypes.Array[ctypes.c_int64], _Result]:
    buffers = getattr(_local, "buffers", None)
    if buffers is None:
        buffers = _local.buffers = ((ctypes.c_int64 * (2 * MAX_TAGS))(), _Result())
    return buffers


def scan(raw: bytes) -> Scanned | None:
    """The batch's parts when the scanner vouches for it (see the module rules), else None."""
    loaded = _load()
    if loaded is None:
        return None
    lib, digits = loaded
    tags, r = _buffers()
    if lib.veil_scan(raw, len(raw), digits, len(digits) // 2, tags, MAX_TAGS, ctypes.byref(r)) != 0:
        return None
    found = [raw[tags[2 * i]:tags[2 * i] + tags[2 * i + 1]] for i in range(r.tag_count)]
    return Scanned(
        session=raw[r.session_off:r.session_off + 32].decode("ascii"), view=raw[r.view_off:r.view_off + 16].decode("ascii"),
        seq=r.seq, dropped=r.dropped, events_json=raw[r.events_off:r.events_end], event_count=r.event_count,
        first_ts=r.first_ts, last_ts=r.last_ts, meta_count=r.meta_count, tags=found,
    )
