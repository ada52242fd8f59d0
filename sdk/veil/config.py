"""Config: one pure function turns the page's raw config into a frozen ``Config``.

Rules: every key is checked here and nowhere else; an unknown key or a value of the wrong shape
raises ``ConfigError`` naming the key and what was expected. JS-only values arrive already
described by the shim (a RegExp as ``{"regexp": source, "flags": flags}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping
from urllib.parse import urlsplit

from .contract import CONSENT_MODES, CONSOLE_LEVELS, MAX_QUEUE_BYTES_DEFAULT, MAX_QUEUE_BYTES_MAX, MAX_QUEUE_BYTES_MIN
from .contract import NETWORK_BODY_MAX_DEFAULT, NETWORK_HEADERS_DEFAULT, ConsentMode
from .levels import Level
from .headers import header_denied
from .sitetext import SiteTextError, from_strings, parse_integrity
from .values import is_int, is_number

# TCF v2 purposes a session replay needs by default: store/access on a device (1), measure
# content performance (8), develop and improve services (10).
DEFAULT_TCF_PURPOSES = (1, 8, 10)
DEFAULT_PRIVACY_LEVELS = ("mask", "mask-user-input", "allow")
# "always": record sampled sessions from their start. "on-error": keep the last bufferSeconds in
# the worker's memory and send nothing until an error or Veil.capture() (see veil.buffer).
RECORDING_MODES = ("always", "on-error")


class ConfigError(ValueError):
    """A config key is missing, unknown or holds the wrong kind of value."""

    def __init__(self, key: str, expected: str) -> None:
        super().__init__(f"Veil config: `{key}` {expected}")
        self.key = key
        self.expected = expected


@dataclass(frozen=True)
class UrlPattern:
    """An ``excludeUrls`` entry: a path prefix with ``*`` wildcards, or a JS RegExp source."""

    pattern: str
    is_regexp: bool = False
    flags: str = ""


@dataclass(frozen=True)
class Config:
    endpoint: str
    client_token: str | None = None
    consent: ConsentMode = "opt-in"
    default_privacy: Level = Level.MASK
    allow_selectors: tuple[str, ...] = ()
    mask_selectors: tuple[str, ...] = ()
    block_selectors: tuple[str, ...] = ()
    exclude_urls: tuple[UrlPattern, ...] = ()
    sample_rate: float = 100.0
    respect_do_not_track: bool = True
    scrub_patterns: bool = True
    mouse_move_sample_ms: float = 100.0
    persist_consent: bool = False
    before_send: bool = False  # the hook itself stays in JS; the core only knows it is there
    tcf_purposes: tuple[int, ...] = DEFAULT_TCF_PURPOSES
    max_queue_bytes: int = MAX_QUEUE_BYTES_DEFAULT
    request_timeout_ms: int = 15_000
    debug: bool = False
    recording_mode: str = "always"
    # Of the sessions not recorded from their start, the share buffered until an error (on-error only).
    error_sample_rate: float = 100.0
    buffer_seconds: float = 60.0

    # Context channels (veil.network, veil.console).
    network: bool = True
    console: tuple[str, ...] = ()
    network_detail_urls: tuple[UrlPattern, ...] = ()
    network_headers: tuple[str, ...] = NETWORK_HEADERS_DEFAULT
    network_body_max_bytes: int = NETWORK_BODY_MAX_DEFAULT

    # The site-text list (veil.sitetext): inline strings, and a list file the worker fetches.
    allow_text: tuple[str, ...] = ()
    allow_text_url: str | None = None
    allow_text_integrity: str | None = None
    # Canvas frames (veil.canvas) and cross-origin iframes (veil.frames).
    canvas_mask_regions: bool = False  # the hook itself stays in JS
    iframe_origins: tuple[str, ...] = ()  # parent: the origins of the iframes whose recordings it takes
    parent_origin: str | None = None  # child: the origin of the page it hands its recording to

    @property
    def buffered_rate(self) -> float:
        """The share (0-100) of all sessions that are recorded at all, from their start or on error:
        ``sampleRate`` + (100 - ``sampleRate``) x ``errorSampleRate`` / 100 in on-error mode."""
        if self.recording_mode != "on-error":
            return self.sample_rate
        return self.sample_rate + (100.0 - self.sample_rate) * self.error_sample_rate / 100.0


def _selectors(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(s, str) and s.strip() for s in value):
        raise ConfigError(key, "must be an array of non-empty CSS selector strings")
    return tuple(s.strip() for s in value)


def _url_patterns(value: Any) -> tuple[UrlPattern, ...]:
    if not isinstance(value, (list, tuple)):
        raise ConfigError("excludeUrls", "must be an array of path strings or RegExps")
    patterns = []
    for entry in value:
        if isinstance(entry, str) and entry:
            patterns.append(UrlPattern(entry))
        elif (
            isinstance(entry, Mapping)
            and set(entry) == {"regexp", "flags"}
            and isinstance(entry["regexp"], str)
            and isinstance(entry["flags"], str)
        ):
            patterns.append(UrlPattern(entry["regexp"], is_regexp=True, flags=entry["flags"]))
        else:
            raise ConfigError("excludeUrls", "must be an array of path strings or RegExps")
    return tuple(patterns)


def _endpoint(value: Any) -> str:
    expected = "is required: an absolute http(s) URL or a path starting with /"
    if not isinstance(value, str) or not value:
        raise ConfigError("endpoint", expected)
    if value.startswith("/") and not value.startswith("//"):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("endpoint", expected)
    return value


def _sample_rate(value: Any) -> float:
    if not is_number(value) or not 0 <= value <= 100:
        raise ConfigError("sampleRate", "must be a number from 0 to 100")
    return float(value)


def _error_sample_rate(value: Any) -> float:
    if not is_number(value) or not 0 <= value <= 100:
        raise ConfigError("errorSampleRate", "must be a number from 0 to 100")
    return float(value)


def _buffer_seconds(value: Any) -> float:
    if not is_number(value) or not 5 <= value <= 600:
        raise ConfigError("bufferSeconds", "must be a number of seconds from 5 to 600")
    return float(value)


def _sample_ms(value: Any) -> float:
    if not is_number(value) or not 0 <= value <= 10_000:
        raise ConfigError("mouseMoveSampleMs", "must be a number of milliseconds from 0 to 10000")
    return float(value)


def _function(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, Mapping) and dict(value) == {"function": True}:
        return True
    raise ConfigError("beforeSend", "must be a function (events) => events | null")


def _hook(key: str, expected: str) -> Any:
    def parse(value: Any) -> bool:
        if value is None:
            return False
        if isinstance(value, Mapping) and dict(value) == {"function": True}:
            return True
        raise ConfigError(key, expected)
    return parse


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(key: str, value: Any) -> str:
    """A web origin as the browser writes it (``MessageEvent.origin``): scheme, host and a port
    other than the scheme's default; nothing else."""
    expected = 'must be an origin such as "https://widgets.example" (http or https, a host, an optional port; no path, no wildcard)'
    if not isinstance(value, str) or not value or value != value.strip():
        raise ConfigError(key, expected)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ConfigError(key, expected) from None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname or parts.username is not None \
            or parts.password is not None or parts.path not in ("", "/") or parts.query or parts.fragment \
            or "*" in value or value.endswith("#") or value.endswith("?"):
        raise ConfigError(key, expected)
    scheme, host = parts.scheme.lower(), parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else "")


def _origins(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise ConfigError("iframeOrigins", 'must be an array of origins such as ["https://widgets.example"]')
    return tuple(dict.fromkeys(_origin("iframeOrigins", v) for v in value))


def _purposes(value: Any) -> tuple[int, ...]:
    if (
        not isinstance(value, (list, tuple))
        or not value
        or not all(is_int(p) and 1 <= p <= 11 for p in value)
    ):
        raise ConfigError("tcfPurposes", "must be a non-empty array of TCF purpose ids (integers 1-11)")
    return tuple(sorted(set(value)))


def _queue_bytes(value: Any) -> int:
    if not is_int(value) or not MAX_QUEUE_BYTES_MIN <= value <= MAX_QUEUE_BYTES_MAX:
        raise ConfigError("maxQueueBytes", f"must be an integer number of bytes from {MAX_QUEUE_BYTES_MIN} to {MAX_QUEUE_BYTES_MAX}")
    return value


def _timeout_ms(value: Any) -> int:
    # An integer of milliseconds: long enough for a slow mobile upload of one batch, short enough
    # that a hung endpoint costs a retry, not the visit.
    if not is_int(value) or not 500 <= value <= 300_000:
        raise ConfigError("requestTimeoutMs", "must be an integer number of milliseconds from 500 to 300000")
    return value


def _one_of(key: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(key, "must be one of " + ", ".join(f'"{c}"' for c in choices))
    return value


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, "must be true or false")
    return value


def _token(value: Any) -> str | None:
    if value is None:
        return None
    # The token travels in an HTTP header: printable ASCII only, so it cannot split the header.
    if not isinstance(value, str) or not value or not all(0x21 <= ord(c) <= 0x7E for c in value):
        raise ConfigError("clientToken", "must be a non-empty string of printable ASCII without spaces")
    return value


def _console_levels(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v in CONSOLE_LEVELS for v in value):
        raise ConfigError("console", "must be an array of console levels to record, each one of "
                          + ", ".join(f'"{c}"' for c in CONSOLE_LEVELS))
    return tuple(c for c in CONSOLE_LEVELS if c in value)


def _detail_urls(value: Any) -> tuple[UrlPattern, ...]:
    expected = "must be an array of path strings (with * wildcards) or RegExps"
    try:
        patterns = _url_patterns(value)
    except ConfigError:
        raise ConfigError("networkDetailUrls", expected) from None
    for p in patterns:
        if p.is_regexp:
            # An allow-list entry Python cannot read would silently record nothing: say so now.
            try:
                re.compile(p.pattern)
            except re.error:
                raise ConfigError("networkDetailUrls", f"holds a RegExp Python's re cannot read: /{p.pattern}/") from None
    return patterns


# An HTTP header name (RFC 9110 token).
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _header_names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and _HEADER_NAME.fullmatch(v) for v in value):
        raise ConfigError("networkHeaders", "must be an array of HTTP header names")
    denied = [v for v in value if header_denied(v)]
    if denied:
        raise ConfigError("networkHeaders", f"lists {denied[0]!r}, which is never recorded (credentials, cookies, "
                          "and names containing token, secret, session, key or auth)")
    return tuple(dict.fromkeys(v.lower() for v in value))


def _body_max(value: Any) -> int:
    if not is_int(value) or not 0 <= value <= 131_072:
        raise ConfigError("networkBodyMaxBytes", "must be an integer number of bytes from 0 (no bodies) to 131072")
    return value


def _allow_text(value: Any) -> tuple[str, ...]:
    try:
        return tuple(sorted(from_strings(value).strings))
    except SiteTextError as err:
        raise ConfigError("allowText", _after_key(err, "allowText")) from None


def _allow_text_url(value: Any) -> str:
    expected = "must be the URL of the site-text list `python -m veil.allowlist` wrote: an absolute http(s) URL or a path starting with /"
    try:
        return _endpoint(value)
    except ConfigError:
        raise ConfigError("allowTextUrl", expected) from None


def _allow_text_integrity(value: Any) -> str:
    try:
        parse_integrity(value)
    except SiteTextError:
        raise ConfigError("allowTextIntegrity", "must be the list's SRI hash (sha256-, sha384- or sha512- and the base64 digest), "
                          "as `python -m veil.allowlist` prints it") from None
    return str(value).strip()


def _after_key(err: SiteTextError, key: str) -> str:
    """A SiteTextError's message without its leading `key` (ConfigError names the key itself)."""
    return str(err).removeprefix(f"`{key}` ")


_PARSERS = {
    "endpoint": ("endpoint", _endpoint),
    "clientToken": ("client_token", _token),
    "consent": ("consent", lambda v: _one_of("consent", v, CONSENT_MODES)),
    "defaultPrivacy": ("default_privacy", lambda v: Level(_one_of("defaultPrivacy", v, DEFAULT_PRIVACY_LEVELS))),
    "allowSelectors": ("allow_selectors", lambda v: _selectors("allowSelectors", v)),
    "maskSelectors": ("mask_selectors", lambda v: _selectors("maskSelectors", v)),
    "blockSelectors": ("block_selectors", lambda v: _selectors("blockSelectors", v)),
    "excludeUrls": ("exclude_urls", _url_patterns),
    "sampleRate": ("sample_rate", _sample_rate),
    "respectDoNotTrack": ("respect_do_not_track", lambda v: _bool("respectDoNotTrack", v)),
    "scrubPatterns": ("scrub_patterns", lambda v: _bool("scrubPatterns", v)),
    "mouseMoveSampleMs": ("mouse_move_sample_ms", _sample_ms),
    "persistConsent": ("persist_consent", lambda v: _bool("persistConsent", v)),
    "beforeSend": ("before_send", _function),
    "tcfPurposes": ("tcf_purposes", _purposes),
    "maxQueueBytes": ("max_queue_bytes", _queue_bytes),
    "requestTimeoutMs": ("request_timeout_ms", _timeout_ms),
    "debug": ("debug", lambda v: _bool("debug", v)),
    "recordingMode": ("recording_mode", lambda v: _one_of("recordingMode", v, RECORDING_MODES)),
    "errorSampleRate": ("error_sample_rate", _error_sample_rate),
    "bufferSeconds": ("buffer_seconds", _buffer_seconds),
    "network": ("network", lambda v: _bool("network", v)),
    "console": ("console", _console_levels),
    "networkDetailUrls": ("network_detail_urls", _detail_urls),
    "networkHeaders": ("network_headers", _header_names),
    "networkBodyMaxBytes": ("network_body_max_bytes", _body_max),
    "allowText": ("allow_text", _allow_text),
    "allowTextUrl": ("allow_text_url", _allow_text_url),
    "allowTextIntegrity": ("allow_text_integrity", _allow_text_integrity),
    "canvasMaskRegions": ("canvas_mask_regions", _hook("canvasMaskRegions", "must be a function (canvas) => [{x, y, width, height}, ...] | null")),
    "iframeOrigins": ("iframe_origins", _origins),
    "parentOrigin": ("parent_origin", lambda v: _origin("parentOrigin", v)),
}

CONFIG_KEYS: tuple[str, ...] = tuple(_PARSERS)


def normalize_config(raw: Any) -> Config:
    """Validate the page's config object and return it frozen; raise ConfigError on any fault."""
    if not isinstance(raw, Mapping):
        raise ConfigError("config", "must be an object")
    for key in raw:
        if key not in _PARSERS:
            raise ConfigError(str(key), "is not a Veil config key (known keys: " + ", ".join(CONFIG_KEYS) + ")")
    if "endpoint" not in raw:
        raise ConfigError("endpoint", "is required: an absolute http(s) URL or a path starting with /")
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        field, parse = _PARSERS[key]
        fields[field] = parse(value)
    if ("allow_text_url" in fields) != ("allow_text_integrity" in fields):
        # A list file is trusted only as the build hashed it: whoever could swap the file could
        # otherwise make Veil show whatever they list.
        if "allow_text_url" in fields:
            raise ConfigError("allowTextIntegrity", "is required with allowTextUrl: the list's SRI hash, "
                              "as `python -m veil.allowlist` prints it")
        raise ConfigError("allowTextIntegrity", "is the hash of the list at allowTextUrl, which is not set")
    if fields.get("recording_mode") == "on-error" and "sampleRate" not in raw:
        # On error, sampleRate is the share recorded from the start anyway: none unless asked.
        fields["sample_rate"] = 0.0
    return Config(**fields)
