"""The wire contract: every fact the JavaScript shim and the Python core must agree on.

Rules: each fact is written here once. The core's modules import it from here; ``build.py``
generates the shim's side, ``shim/generated/contract.mjs``, from ``SHARED`` (values) and ``TYPES``
and ``MESSAGES`` (JSDoc types that tsc checks the shim against), checked in, so the shim's type
check and Node tests see it; a unit test and the build fail when it has drifted. Only plain data
and declarations live here (strings, ints, tuples of strings, rrweb's wire enums, the words as
``Literal`` types, the messages' shapes as ``TypedDict``): no logic, no imports beyond the
package's own constants. Changing a value changes both sides at once, so a change here is a change
of what the page ships to the worker: read the comment before it.

Every message between the page (``shim/veil/rpc.mjs``) and the worker has one name end to end (the
worker's dispatch key, the ``veil.bridge`` function, the ``veil.api`` Core method), a payload the
page sends and an answer the page receives (``MESSAGES``): the core's answer, and for some the
worker's own diagnostics added to it.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypeAlias, TypedDict

from . import __version__
from .rrweb import EventType, NodeType, Source

# The one version of Veil: the wheel, the manifest, pyproject and `Veil.version` read it.
VERSION: str = __version__

# Attributes that can change an element's level (the core's reduce reads them): the shim sends
# their current values with every attribute mutation of the element, and Veil.explain() shows them.
LEVEL_ATTRIBUTES: tuple[str, ...] = ("data-veil", "class", "type", "autocomplete", "contenteditable")

# Elements whose content is the resource they load: the shim measures them (SIZE_KEY) so that a
# masked one keeps a placeholder of its size and no URL.
MEDIA_TAGS: frozenset[str] = frozenset(
    {"img", "picture", "source", "track", "video", "audio", "canvas", "object", "embed", "image"}
)

# Form fields: what their value says is what the visitor typed (input events, action names).
FORM_FIELD_TAGS: frozenset[str] = frozenset({"input", "textarea", "select"})

# The key on a serialized node that carries the shim's selector matches ("allow", "mask",
# "block"), for the core to judge; never emitted.
MATCH_FLAGS_KEY = "veilMatch"
# The key on a serialized media element that carries its measured [width, height]; never emitted.
SIZE_KEY = "veilSize"
# Serialized-node keys most nodes lack: a snapshot row carries them, in this order, in a trailing
# object (see veil.rows, the row format).
RARE_KEYS: tuple[str, ...] = ("isSVG", "isCustom", "isShadowHost", "isShadow", "rootId", MATCH_FLAGS_KEY, SIZE_KEY)

# Custom events the shim sends (rrweb event type 5) and the core masks.
KEY_TAG = "veil:key"  # a keydown: {key, id, alt, ctrl, meta, shift}
ACTION_TAG = "veil:action"  # a click on something actionable: {id, name}
NAVIGATION_TAG = "veil:navigation"  # SPA navigation: {href}
# An action name (the visible text of what was clicked) is cut to this many characters.
ACTION_NAME_MAX = 100
# An uncaught error, an unhandled rejection or Veil.capture(reason): the shim sends
# {kind, type, message, stack}; the core records {kind, type, message (masked), frames} (veil.errors).
# In buffer mode (recordingMode "on-error") it is the trigger that sends the buffer.
ERROR_TAG = "veil:error"
# Rage, dead and error clicks: made by the core (veil.frustration), never accepted from the shim.
FRUSTRATION_TAG = "veil:frustration"
# Context channels (opt-in console, network metadata by default), masked by veil.console and
# veil.network: console {level, message}; network {initiator, method, url, status, durationMs,
# requestBytes, responseBytes, requestHeaders?, responseHeaders?, requestBody?, responseBody?}.
NETWORK_TAG = "veil:network"
CONSOLE_TAG = "veil:console"
# The console methods Veil can wrap (the `console` config lists the ones it does).
CONSOLE_LEVELS: tuple[str, ...] = ("error", "warn", "info", "log", "debug")
# A console call's arguments are serialized by the shim to at most this many characters, objects
# to this depth; the core cuts the message at the same length again.
CONSOLE_MESSAGE_MAX = 2000
CONSOLE_DEPTH = 3
# A request URL longer than this reaches the core as its origin only (it could not be judged cheaply).
NETWORK_URL_MAX = 4096
# The header names recorded for detail URLs when `networkHeaders` is not given, and the body cap
# when `networkBodyMaxBytes` is not given.
NETWORK_HEADERS_DEFAULT: tuple[str, ...] = ("content-type", "content-length", "accept", "cache-control")
NETWORK_BODY_MAX_DEFAULT = 10240

# Canvas frames (veil.canvas): the shim asks the core which canvases may have their pixels recorded
# (canvas_levels) and captures only those, at most one frame per canvas every
# CANVAS_FRAME_INTERVAL_MS, only when its pixels changed, and again every CANVAS_RESEND_MS while idle
# (so a replay that starts late still shows it). The worker scales a frame down to at most
# CANVAS_MAX_SIDE pixels a side, paints the page's canvasMaskRegions in CANVAS_MASK_COLOR over it
# and encodes it as one of CANVAS_MIME_TYPES; the core records at most CANVAS_BYTES_PER_SECOND of
# them (base64 characters; bursts up to CANVAS_BURST_BYTES) and none larger than CANVAS_FRAME_MAX_BYTES.
CANVAS_TAG = "canvas"
CANVAS_FRAME_INTERVAL_MS = 500
CANVAS_RESEND_MS = 30_000
CANVAS_MAX_SIDE = 1280
CANVAS_MASK_COLOR = "#9aa1ab"
CANVAS_MIME_TYPES: tuple[str, ...] = ("image/webp", "image/jpeg", "image/png")
CANVAS_BYTES_PER_SECOND = 96 * 1024
CANVAS_BURST_BYTES = 768 * 1024
CANVAS_FRAME_MAX_BYTES = 512 * 1024
# Cross-origin iframes (veil.frames): the messages a page and an iframe running Veil exchange after
# both named each other's origin (iframeOrigins in the parent, parentOrigin in the child). Every
# message is an object whose FRAME_MESSAGE_KEY names its kind: the child says "hello", the parent
# answers "welcome" with a MessagePort, and over that port the child sends "batch" (a gzipped batch
# its own core masked) and the parent asks for a fresh full "snapshot"; "ready" tells a child
# that the parent records now.
FRAME_MESSAGE_KEY = "veil:frame"
FRAME_MESSAGES: tuple[str, ...] = ("hello", "welcome", "ready", "batch", "snapshot")
# --- Words -----------------------------------------------------------------------------------------
# What the core tells the page to do next (observe's and tick's answers; veil.recorder): take a fresh
# full snapshot, cut and send a batch now, pause (the page navigated to an excluded URL).
Action: TypeAlias = Literal["snapshot", "flush", "pause"]
ACTIONS: tuple[Action, ...] = ("snapshot", "flush", "pause")
# The config's `consent` modes, and the marker a remembered opt-in (persistConsent) is stored as.
ConsentMode: TypeAlias = Literal["opt-in", "not-required", "tcf"]
CONSENT_MODES: tuple[ConsentMode, ...] = ("opt-in", "not-required", "tcf")
STORED_CONSENT = "granted"
# Why the gate said no (a StartResult's reason, and the gate's own refusals).
GateReason: TypeAlias = Literal["do-not-track", "tcf-consent", "excluded-url", "sampled-out", "not-configured", "bad-facts"]
# The status a gate decision settles a page's Veil in.
GateStatus: TypeAlias = Literal["recording", "paused", "declined"]
# Levels as the core names them (veil.levels.Level's values).
LevelName: TypeAlias = Literal["allow", "mask-user-input", "mask", "block"]
# Why a memory snapshot could not be used or stored (Veil.stats()).
SnapshotReason: TypeAlias = Literal["missing", "corrupt", "mismatch", "refused", "quota", "timeout", "failed"]

# --- Bounds ----------------------------------------------------------------------------------------
# The outbox of batches waiting for delivery (config `maxQueueBytes`): its default and its range. The
# observer started before the runtime is up buffers in page memory within the same bound.
MAX_QUEUE_BYTES_DEFAULT = 4 * 1024 * 1024
MAX_QUEUE_BYTES_MIN = 64 * 1024
MAX_QUEUE_BYTES_MAX = 64 * 1024 * 1024
# The site-text list a page names with `allowTextUrl` (veil.sitetext): the worker reads at most
# SITE_TEXT_MAX_BYTES of it and waits at most SITE_TEXT_TIMEOUT_MS for it; a list larger, later or
# failing its integrity check shows nothing more than no list at all.
SITE_TEXT_MAX_BYTES = 2 * 1024 * 1024
SITE_TEXT_TIMEOUT_MS = 5000


# --- Shapes ------------------------------------------------------------------------------------------
class TcfFact(TypedDict):
    """The page's IAB TCF v2 CMP answer, as the shim reports it."""

    gdprApplies: Any
    purposeConsents: dict[str, bool]


class Facts(TypedDict):
    """What the gate judges: the browser's signals, the URL, what Veil stored, the CMP's answer."""

    doNotTrack: str | None
    globalPrivacyControl: bool
    href: str
    now: float
    storedConsent: Any
    storedSession: Any
    tcf: TcfFact | None


class StoredSession(TypedDict):
    """The session as the page stores it (sessionStorage) and hands it back (veil.session)."""

    id: str
    started: float
    lastActive: float
    sampled: bool
    buffer: bool


class ChunkInfo(TypedDict):
    """A standby chunk: the batch seq it is, and how many pending event slots it carries;
    ``closing``: it carries what would close if the page ended now (a rage burst), no queued event."""

    seq: int
    count: int
    closing: NotRequired[bool]


class StandbyInfo(TypedDict):
    chunks: list[ChunkInfo]


class Standby(TypedDict):
    """Ready-to-send copies of the pending batch, for an unloading page (gzip bytes per chunk)."""

    info: StandbyInfo
    chunks: list[bytes]


class ExplainEntry(TypedDict):
    """One element of Veil.explain()'s chain, from the outermost down (veilMatch: selector matches).
    The element explained (the last) also carries its own text nodes and the content attributes the
    site-text list may show, for the core to name the rule that decides them."""

    tag: str
    attributes: dict[str, str]
    veilMatch: list[str]
    text: NotRequired[list[str]]
    content: NotRequired[dict[str, str]]


class ContentRule(TypedDict):
    """What the replay shows of an element's text or of one content attribute, and the rule that
    decides it ("site text" when the site-text list shows it)."""

    rule: Literal["site text", "level mask", "level mask-user-input", "level allow", "typed", "echo of a typed value",
                  "forced secret", "block"]
    shown: Literal["clear", "template", "masked", "none"]


class SiteTextOutcome(TypedDict):
    """What became of the `allowTextUrl` list (the worker adds it to configure's answer): loaded,
    with its counts, or not used, and why (a sentence naming no page content)."""

    ok: bool
    strings: NotRequired[int]
    templates: NotRequired[int]
    reason: NotRequired[str]


class BootStats(TypedDict):
    """How the worker booted and what became of the runtime's memory snapshot, and the large
    stylesheets it masked from scratch or took from the visit's cache (Veil.stats())."""

    bootKind: Literal["snapshot", "plain"] | None
    bootMs: float
    snapshotFallbacks: int
    snapshotFallbackReason: SnapshotReason | None
    snapshotStored: int
    snapshotStoreFailures: int
    snapshotStoreReason: SnapshotReason | None
    snapshotBytes: int
    cssSheetsMasked: int
    cssSheetsReused: int


# Boot stats before the worker has said anything.
BOOT_STATS_EMPTY: BootStats = {
    "bootKind": None, "bootMs": 0, "snapshotFallbacks": 0, "snapshotFallbackReason": None, "snapshotStored": 0,
    "snapshotStoreFailures": 0, "snapshotStoreReason": None, "snapshotBytes": 0, "cssSheetsMasked": 0, "cssSheetsReused": 0,
}


class WorkerNotice(TypedDict):
    """What the worker posts unasked: its boot stats, whenever they change."""

    stats: BootStats


# --- Messages: payloads and answers ---------------------------------------------------------------
class ConfigurePayload(TypedDict):
    config: str  # the page's config as JSON, RegExps and functions described
    # A hint, read before the boot ends: this view is likely to record (consent not required, or
    # the tab's visit went through the gate), so the runtime's snapshot is made beside the boot.
    ahead: NotRequired[bool]
    # `allowTextUrl` resolved against the page's URL (the worker fetches it while it boots), or null.
    siteTextUrl: NotRequired[str | None]


class ConfigureAccepted(TypedDict):
    """The config is valid: what the shim must know of it."""

    ok: Literal[True]
    consent: ConsentMode
    persistConsent: bool
    beforeSend: bool
    maxQueueBytes: int
    requestTimeoutMs: int
    debug: bool
    allowTextUrl: NotRequired[str]  # the config names a site-text list: the worker fetches it
    siteText: NotRequired[SiteTextOutcome]  # added by the worker: what became of that list
    canvasMaskRegions: bool  # the page gave a canvasMaskRegions hook
    iframeOrigins: list[str]  # validated origins of the iframes whose recordings this page takes
    parentOrigin: str | None  # in a cross-origin iframe: the page this page's recording goes to


class ConfigureRefused(TypedDict):
    """The config is not valid: the key at fault and a message naming what was expected."""

    ok: Literal[False]
    key: str
    message: str


ConfigureAnswer: TypeAlias = ConfigureAccepted | ConfigureRefused


class FactsPayload(TypedDict):
    facts: Facts


class AutostartAnswer(TypedDict):
    start: bool


class GateAnswer(TypedDict):
    """Record or not, why not, the status to settle in, and the session to store."""

    record: bool
    reason: GateReason | None
    status: NotRequired[GateStatus]
    session: StoredSession | None


class StartAnswer(TypedDict):
    ok: bool
    session: NotRequired[str]
    buffering: NotRequired[bool]  # recordingMode "on-error": held in the worker until a trigger


class ExplainPayload(TypedDict):
    chain: list[ExplainEntry]


class Explanation(TypedDict):
    level: LevelName
    secret: bool
    reasons: list[str]
    text: NotRequired[ContentRule]
    content: NotRequired[dict[str, ContentRule]]


class PreviewPayload(TypedDict):
    rows: str  # the page's elements as a full snapshot's rows, JSON text (shim/preview/rows.mjs)


class PreviewAnswer(TypedDict):
    """Veil.preview's verdicts (Core.preview, veil.verdicts) as the core wrote them, JSON text: the
    page parses thousands of verdicts several times faster than it takes their structured clone."""

    json: str


class TickPayload(TypedDict):
    now: float
    active: bool


class TickAnswer(TypedDict):
    rotate: bool
    record: bool
    session: StoredSession | None
    actions: NotRequired[list[Action]]


class ObservePayload(TypedDict):
    events: str  # the observer's hand-over, a JSON array of raw events


class ObserveCoreAnswer(TypedDict):
    """What the core made of a hand-over: actions for the page, full snapshots masked, events
    dropped so far; the session to store once an on-error buffer was sent."""

    actions: list[Action]
    snapshots: int
    dropped: int
    session: NotRequired[StoredSession]


class ObserveAnswer(ObserveCoreAnswer):
    """The core's answer, with the worker's diagnostics and the standby copy."""

    maskMs: float
    memoryBytes: int
    pendingBytes: int
    standby: NotRequired[Standby]


class CommitStandbyPayload(TypedDict):
    info: StandbyInfo


class OkAnswer(TypedDict):
    ok: bool


class TakeBatchPayload(TypedDict):
    """``dropped``: batches the page lost, reported in the batch; ``close``: close what is still
    open first (a rage-click burst), so it leaves with this batch (Veil.flush(), the page hidden)."""

    dropped: int
    close: bool


class TakeBatchAnswer(TypedDict):
    """The next gzipped batch or null; ``more``: cut at its size bound, the rest follows; ``buffered``:
    no batch, but the on-error buffer holds events (nothing leaves before a trigger)."""

    batch: bytes | None
    more: bool
    pendingBytes: int
    reports: int
    buffered: bool


class ResyncAnswer(TypedDict):
    discarded: int


class CanvasLevelsPayload(TypedDict):
    ids: list[int]  # recorded canvases the observer could read


class CanvasLevelsAnswer(TypedDict):
    record: list[int]  # those whose pixels the core's reduce records (veil.canvas)


class CanvasStats(TypedDict):
    frames: int
    bytes: int
    skipped: int
    bytesPerSecond: int


class CanvasFramePayload(TypedDict):
    """An ImageBitmap of a canvas the core allowed and the page's regions (in the canvas's pixels);
    the worker paints them and encodes the frame before the core sees it (shim/worker/canvas.mjs)."""

    id: int
    bitmap: NotRequired[Any]  # an ImageBitmap (transferred); absent when the last frame is sent again
    width: int
    height: int
    regions: list[dict[str, float]]
    resend: NotRequired[bool]
    webgl: NotRequired[bool]
    timestamp: float


class CanvasFrameAnswer(ObserveCoreAnswer):
    """Observe's answer for the frame, whether it was recorded, how long until a frame that size
    fits the byte budget, the canvas counters; or ``skip`` (why the worker sent nothing: unchanged,
    blank, stale, unsupported) with no core answer."""

    recorded: bool
    waitMs: NotRequired[int]
    canvas: NotRequired[CanvasStats]
    skip: NotRequired[str]


class ChildEventsPayload(TypedDict):
    iframeId: int  # the iframe element the batch came through
    batch: bytes  # a cross-origin iframe's gzipped batch (masked by its own core)


class ChildEventsAnswer(ObserveCoreAnswer):
    accepted: bool
    needSnapshot: bool  # ask the child for a fresh full snapshot


# name -> (payload, answer); None: nothing.
MESSAGES: dict[str, tuple[Any, Any]] = {
    "configure": (ConfigurePayload, ConfigureAnswer),
    "autostart": (FactsPayload, AutostartAnswer),
    "gate": (FactsPayload, GateAnswer),
    "start": (None, StartAnswer),
    "explain": (ExplainPayload, Explanation),
    "preview": (PreviewPayload, PreviewAnswer),
    "tick": (TickPayload, TickAnswer),
    "observe": (ObservePayload, ObserveAnswer),
    "commit_standby": (CommitStandbyPayload, OkAnswer),
    "take_batch": (TakeBatchPayload, TakeBatchAnswer),
    "resync": (None, ResyncAnswer),
    "stop": (None, None),
    "canvas_levels": (CanvasLevelsPayload, CanvasLevelsAnswer),
    "canvas_frame": (CanvasFramePayload, CanvasFrameAnswer),
    "child_events": (ChildEventsPayload, ChildEventsAnswer),
}

# The types build.py writes as JSDoc typedefs, by their JavaScript name (a type used in another is
# named there, not spelt out again).
TYPES: dict[str, Any] = {
    "Action": Action, "ConsentMode": ConsentMode, "GateReason": GateReason, "GateStatus": GateStatus,
    "LevelName": LevelName, "SnapshotReason": SnapshotReason,
    "TcfFact": TcfFact, "Facts": Facts, "StoredSession": StoredSession, "ChunkInfo": ChunkInfo,
    "StandbyInfo": StandbyInfo, "Standby": Standby, "ExplainEntry": ExplainEntry, "ContentRule": ContentRule,
    "SiteTextOutcome": SiteTextOutcome, "BootStats": BootStats,
    "WorkerNotice": WorkerNotice,
    "ConfigurePayload": ConfigurePayload, "ConfigureAccepted": ConfigureAccepted, "ConfigureRefused": ConfigureRefused,
    "ConfigureAnswer": ConfigureAnswer, "FactsPayload": FactsPayload, "AutostartAnswer": AutostartAnswer,
    "GateAnswer": GateAnswer, "StartAnswer": StartAnswer, "ExplainPayload": ExplainPayload, "Explanation": Explanation,
    "PreviewPayload": PreviewPayload, "PreviewAnswer": PreviewAnswer,
    "TickPayload": TickPayload, "TickAnswer": TickAnswer, "ObservePayload": ObservePayload,
    "ObserveCoreAnswer": ObserveCoreAnswer, "ObserveAnswer": ObserveAnswer, "CommitStandbyPayload": CommitStandbyPayload,
    "OkAnswer": OkAnswer, "TakeBatchPayload": TakeBatchPayload, "TakeBatchAnswer": TakeBatchAnswer,
    "ResyncAnswer": ResyncAnswer, "CanvasLevelsPayload": CanvasLevelsPayload, "CanvasLevelsAnswer": CanvasLevelsAnswer,
    "CanvasStats": CanvasStats, "CanvasFramePayload": CanvasFramePayload, "CanvasFrameAnswer": CanvasFrameAnswer,
    "ChildEventsPayload": ChildEventsPayload, "ChildEventsAnswer": ChildEventsAnswer,
}

# What the shim receives, by its JavaScript name: build.py writes each as a frozen constant.
SHARED: dict[str, object] = {
    "VERSION": VERSION,
    "LEVEL_ATTRIBUTES": LEVEL_ATTRIBUTES,
    "MEDIA_TAGS": MEDIA_TAGS,
    "FORM_FIELD_TAGS": FORM_FIELD_TAGS,
    "MATCH_FLAGS_KEY": MATCH_FLAGS_KEY,
    "SIZE_KEY": SIZE_KEY,
    "RARE_KEYS": RARE_KEYS,
    "KEY_TAG": KEY_TAG,
    "ACTION_TAG": ACTION_TAG,
    "NAVIGATION_TAG": NAVIGATION_TAG,
    "ACTION_NAME_MAX": ACTION_NAME_MAX,
    "ERROR_TAG": ERROR_TAG,
    "NETWORK_TAG": NETWORK_TAG,
    "CONSOLE_TAG": CONSOLE_TAG,
    "CONSOLE_LEVELS": CONSOLE_LEVELS,
    "CONSOLE_MESSAGE_MAX": CONSOLE_MESSAGE_MAX,
    "CONSOLE_DEPTH": CONSOLE_DEPTH,
    "NETWORK_URL_MAX": NETWORK_URL_MAX,
    "NETWORK_HEADERS_DEFAULT": NETWORK_HEADERS_DEFAULT,
    "NETWORK_BODY_MAX_DEFAULT": NETWORK_BODY_MAX_DEFAULT,
    "CANVAS_TAG": CANVAS_TAG,
    "CANVAS_FRAME_INTERVAL_MS": CANVAS_FRAME_INTERVAL_MS,
    "CANVAS_RESEND_MS": CANVAS_RESEND_MS,
    "CANVAS_MAX_SIDE": CANVAS_MAX_SIDE,
    "CANVAS_MASK_COLOR": CANVAS_MASK_COLOR,
    "CANVAS_MIME_TYPES": CANVAS_MIME_TYPES,
    "FRAME_MESSAGE_KEY": FRAME_MESSAGE_KEY,
    "FRAME_MESSAGES": FRAME_MESSAGES,
    "ACTIONS": ACTIONS,
    "CONSENT_MODES": CONSENT_MODES,
    "STORED_CONSENT": STORED_CONSENT,
    "MAX_QUEUE_BYTES_DEFAULT": MAX_QUEUE_BYTES_DEFAULT,
    "MAX_QUEUE_BYTES_MIN": MAX_QUEUE_BYTES_MIN,
    "MAX_QUEUE_BYTES_MAX": MAX_QUEUE_BYTES_MAX,
    "SITE_TEXT_MAX_BYTES": SITE_TEXT_MAX_BYTES,
    "SITE_TEXT_TIMEOUT_MS": SITE_TEXT_TIMEOUT_MS,
    "BOOT_STATS_EMPTY": BOOT_STATS_EMPTY,
    "MESSAGE_NAMES": tuple(MESSAGES),
    "EventType": EventType,
    "Source": Source,
    "NodeType": NodeType,
}

