"""The wire contract: every fact the JavaScript shim and the Python core must agree on.

Rules: each fact is written here once. The core's modules import it from here; ``build.py``
generates the shim's side, ``shim/generated/contract.mjs``, from ``SHARED`` (checked in, so the
shim's type check and Node tests see it; a unit test and the build fail when it has drifted).
Only plain data lives here (strings, ints, tuples of strings, and rrweb's wire enums): no logic,
no imports beyond the package's own constants. Changing a value changes both sides at once, so a
change here is a change of what the page ships to the worker: read the comment before it.
"""

from __future__ import annotations

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
    "EventType": EventType,
    "Source": Source,
    "NodeType": NodeType,
}

