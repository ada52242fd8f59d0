"""Canvas frames: which canvases may have their pixels recorded, and the frame event that leaves.

Rules: a canvas's pixels are content like its text (they can be text), so they are recorded only
where the one reduce (``levels``) gave the canvas ``allow`` or ``mask-user-input``; at ``mask`` and
``block`` the canvas stays the sized placeholder the node writer made of it. The shim captures
only the canvases ``recordable`` named, calls the page's ``canvasMaskRegions`` hook for each frame
(a throw or a null skips the frame), and the worker paints those regions over the pixels before it
encodes them. Every frame is judged here again (the level may have changed since the shim asked):
a frame of a canvas the core does not know, or not at a recordable level, is not recorded; the
image must be base64 of one of CANVAS_MIME_TYPES, at most CANVAS_FRAME_MAX_BYTES, and frames beyond
the byte budget (CANVAS_BYTES_PER_SECOND on the frames' own clock, bursts up to
CANVAS_BURST_BYTES) are skipped and counted. What leaves is rrweb's CanvasMutation in the shape
rrweb's own canvas sampling records (clearRect, then drawImage of the image at the canvas's size),
built here from validated parts only: rrweb's Replayer plays it (UNSAFE_replayCanvas), and so does
Veil's viewer, through a replay plugin, without any script in the replay.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .contract import CANVAS_BURST_BYTES, CANVAS_BYTES_PER_SECOND, CANVAS_FRAME_MAX_BYTES, CANVAS_MIME_TYPES, CANVAS_TAG
from .contract import CanvasStats as CanvasStatsAnswer
from .levels import Level
from .nodes import NodeInfo, NodeTable
from .rrweb import Source
from .values import is_int, is_number

# rrweb's CanvasContext: the frame is a 2D drawing whatever the page's context was (WebGL too).
CONTEXT_2D = 0
RECORDABLE_LEVELS = frozenset({Level.ALLOW, Level.MASK_USER_INPUT})
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
# A canvas side, in pixels: what a browser allows is far below this.
_MAX_SIDE = 1 << 16
_RATE_WINDOW_MS = 10_000


class Rejected(ValueError):
    """A frame that does not have the shape the shim sends (counted as dropped)."""


def may_record(info: NodeInfo | None) -> bool:
    """Whether a node's pixels may be recorded: a canvas the core knows at a recordable level."""
    return info is not None and info.tag == CANVAS_TAG and not info.secret and info.level in RECORDABLE_LEVELS


def recordable(table: NodeTable, ids: Iterable[Any]) -> list[int]:
    """The ids among ``ids`` whose canvases may have their pixels recorded (see ``may_record``)."""
    return [i for i in dict.fromkeys(ids) if is_int(i) and may_record(table.get(i))]


@dataclass(slots=True)
class CanvasStats:
    frames: int = 0  # recorded
    bytes: int = 0  # base64 characters recorded
    skipped: int = 0  # not recorded: over the budget, or the canvas may not be recorded (any more)
    recent: deque[tuple[float, int]] = field(default_factory=deque)  # (timestamp, bytes) of the last window

    def bytes_per_second(self) -> int:
        """Recorded bytes per second over the last _RATE_WINDOW_MS of the frames' clock."""
        if not self.recent:
            return 0
        return round(sum(n for _, n in self.recent) * 1000 / _RATE_WINDOW_MS)

    def as_json(self) -> CanvasStatsAnswer:
        return {"frames": self.frames, "bytes": self.bytes, "skipped": self.skipped, "bytesPerSecond": self.bytes_per_second()}


class ByteBudget:
    """A token bucket of base64 characters, refilled at ``rate`` per second of the frames' clock."""

    def __init__(self, rate: int = CANVAS_BYTES_PER_SECOND, burst: int = CANVAS_BURST_BYTES) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.at: float | None = None

    def take(self, size: int, now: float) -> bool:
        """Spend ``size`` at time ``now`` (ms) if the bucket holds it; a clock going back refills nothing."""
        if self.at is not None and now > self.at:
            self.tokens = min(float(self.burst), self.tokens + (now - self.at) * self.rate / 1000)
        self.at = now if self.at is None else max(self.at, now)
        if size > self.tokens:
            return False
        self.tokens -= size
        return True

    def wait_ms(self, size: int) -> int:
        """How long until the bucket holds ``size`` (0 when it does now)."""
        missing = min(size, self.burst) - self.tokens
        return 0 if missing <= 0 else int(missing * 1000 / self.rate) + 1


def _side(value: Any) -> int:
    if not is_int(value) or not 0 < value < _MAX_SIDE:
        raise Rejected("a canvas side is not a positive integer")
    return int(value)


class CanvasFrames:
    """The canvas frames of one recording: judged, budgeted and counted."""

    def __init__(self) -> None:
        self.budget = ByteBudget()
        self.stats = CanvasStats()
        self.last_wait_ms = 0  # after a frame over the budget: how long until one that size fits

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def mask(self, data: Mapping[str, Any], table: NodeTable, timestamp: float) -> dict[str, Any] | None:
        """The CanvasMutation event data for a raw frame ``{id, mime, base64, width, height}``, or
        None when it is not recorded (skipped and counted). Raises Rejected for a malformed frame."""
        node_id, mime, text = data.get("id"), data.get("mime"), data.get("base64")
        if not is_int(node_id):
            raise Rejected("a frame names no canvas")
        if mime not in CANVAS_MIME_TYPES:
            raise Rejected("a frame's image type is not one Veil records")
        if not isinstance(text, str) or not text or len(text) > CANVAS_FRAME_MAX_BYTES or not _BASE64.fullmatch(text):
            raise Rejected("a frame is not base64 within its bound")
        width, height = _side(data.get("width")), _side(data.get("height"))
        self.last_wait_ms = 0
        if not may_record(table.get(node_id)):
            self.stats.skipped += 1
            return None
        if not is_number(timestamp) or not self.budget.take(len(text), float(timestamp)):
            self.stats.skipped += 1
            self.last_wait_ms = self.budget.wait_ms(len(text))
            return None
        self._count(len(text), float(timestamp))
        image = {"rr_type": "ImageBitmap", "args": [{"rr_type": "Blob", "data": [{"rr_type": "ArrayBuffer", "base64": text}], "type": mime}]}
        return {
            "source": int(Source.CANVAS_MUTATION),
            "id": node_id,
            "type": CONTEXT_2D,
            "commands": [
                {"property": "clearRect", "args": [0, 0, width, height]},
                {"property": "drawImage", "args": [image, 0, 0, width, height]},
            ],
        }

    def _count(self, size: int, now: float) -> None:
        stats = self.stats
        stats.frames += 1
        stats.bytes += size
        stats.recent.append((now, size))
        while stats.recent and stats.recent[0][0] <= now - _RATE_WINDOW_MS:
            stats.recent.popleft()


def frame_of_event(data: Mapping[str, Any]) -> dict[str, Any]:
    """The raw frame (``{id, mime, base64, width, height}``) in a CanvasMutation event of the shape
    ``CanvasFrames.mask`` writes (a child frame's, see ``veil.frames``). Rejected for any other shape:
    a drawing command Veil did not write is never replayed."""
    commands = data.get("commands")
    if data.get("type") != CONTEXT_2D or not isinstance(commands, list) or len(commands) != 2:
        raise Rejected("not a canvas frame Veil records")
    clear, draw = commands
    if not isinstance(clear, Mapping) or not isinstance(draw, Mapping) or clear.get("property") != "clearRect" \
            or draw.get("property") != "drawImage":
        raise Rejected("not a canvas frame Veil records")
    args = draw.get("args")
    if not isinstance(args, list) or len(args) != 5 or not isinstance(args[0], Mapping):
        raise Rejected("not a canvas frame Veil records")
    bitmap_args = args[0].get("args")
    blob = bitmap_args[0] if isinstance(bitmap_args, list) and len(bitmap_args) == 1 else None
    parts = blob.get("data") if isinstance(blob, Mapping) else None
    buffer = parts[0] if isinstance(parts, list) and len(parts) == 1 else None
    if not isinstance(buffer, Mapping) or not isinstance(blob, Mapping):
        raise Rejected("not a canvas frame Veil records")
    return {"id": data.get("id"), "mime": blob.get("type"), "base64": buffer.get("base64"), "width": args[3], "height": args[4]}
