"""The network channel: what a fetch/XHR the page made may tell the replay (``veil:network``).

Rules: every request is recorded as metadata only (initiator, method, scrubbed URL, status,
duration, sizes) unless ``network: false``. Headers and bodies are recorded only for a URL that
matches ``networkDetailUrls`` (judged here again, whatever the shim decided; a pattern that cannot
be read matches nothing). A header is kept only when its name is in ``networkHeaders`` and not
deny-listed; the deny-list always wins, and kept values are PII-scrubbed. A body is kept only when
it is JSON within ``networkBodyMaxBytes``, and keeps its shape: its keys stay (masked when they
look like an identifier) and its values follow the level: at ``mask`` every value but null becomes
the fixed-length mask (no length, no true/false); at ``allow`` strings are PII-scrubbed, numbers
that look like identifiers are masked, and every value under a deny-listed key is masked. At
``mask-user-input`` a request body is what the visitor sent (masked) and a response body is page
content (scrubbed). Anything else is recorded as its size only. The payload is rebuilt from an
allowlist of fields; a malformed one raises ``ValueError`` (the event is dropped and counted).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .contract import NETWORK_URL_MAX
from .headers import header_denied
from .levels import Level
from .pii import contains_pii, scrub_pii
from .text import MASKED_VALUE
from .urls import MASK, scrub_url
from .values import is_int, is_number

if TYPE_CHECKING:
    from .config import Config, UrlPattern

INITIATORS = ("fetch", "xhr")
# Body keys whose whole value is masked at every level (compared lower-case, without - and _).
DENIED_KEY_PARTS = (
    "password", "passwd", "passphrase", "token", "secret", "card", "cvv", "cvc", "ssn", "iban", "auth",
    "session", "cookie", "credential", "apikey", "privatekey", "signature",
)
DENIED_KEYS = frozenset({"pin", "otp", "pwd", "pass", "key", "code", "csrf", "xsrf"})
HEADER_VALUE_MAX = 512
MAX_BODY_DEPTH = 32  # deeper values are masked whole (and never recursed into)
_METHOD = re.compile(r"[A-Za-z]{1,16}")
_LONG_DIGITS = re.compile(r"\d{5,}")


def key_denied(key: str) -> bool:
    """A body key whose value is masked even at ``allow`` (password, token, secret, card, ...)."""
    compact = re.sub(r"[-_\s.]", "", key.lower())
    return compact in DENIED_KEYS or any(part in compact for part in DENIED_KEY_PARTS)


def url_matches(patterns: tuple[UrlPattern, ...], url: str) -> bool:
    """True when ``url`` matches a ``networkDetailUrls`` pattern (path prefix with ``*``, or RegExp
    searched in the full URL); a pattern Python cannot read matches nothing."""
    for pattern in patterns:
        if pattern.is_regexp:
            try:
                if re.search(pattern.pattern, url, re.IGNORECASE if "i" in pattern.flags else 0):
                    return True
            except re.error:
                continue
        else:
            try:
                path = urlsplit(url).path or "/"
            except ValueError:
                continue
            regex = "^" + ".*".join(re.escape(part) for part in pattern.pattern.split("*"))
            if re.match(regex, path):
                return True
    return False


def _count(value: Any) -> int:
    """A size or a duration from the shim: a non-negative integer (0 when it was not known)."""
    if not is_number(value) or value < 0:
        return 0
    return min(int(round(value)), 2**53)


def _headers(raw: Any, allowed: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not isinstance(value, str):
            continue
        lowered = name.strip().lower()
        if lowered not in allowed or header_denied(lowered):
            continue
        out[lowered] = scrub_pii(value[:HEADER_VALUE_MAX])
    return out


def _key(key: str) -> str:
    """A body key: structure, kept unless it looks like an identifier (maps keyed by email or id)."""
    if _LONG_DIGITS.search(key) or contains_pii(key):
        return MASK
    return key


def mask_json(value: Any, clear: bool, depth: int = 0) -> Any:
    """A parsed JSON value with its shape kept: ``clear`` False masks every value (keys stay);
    True scrubs PII from strings and masks the values of deny-listed keys."""
    if value is None:
        return None
    if depth >= MAX_BODY_DEPTH:
        return MASKED_VALUE
    if isinstance(value, Mapping):
        return {
            _key(str(k)): mask_json(v, clear and not key_denied(str(k)), depth + 1) for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_json(v, clear, depth + 1) for v in value]
    if not clear:
        return MASKED_VALUE  # fixed length: a value's length (or true/false) would tell it
    if isinstance(value, str):
        return scrub_pii(value)
    if isinstance(value, bool):
        return value
    if is_number(value):
        text = json.dumps(value)
        return MASKED_VALUE if contains_pii(text) or _LONG_DIGITS.search(text) else value
    return MASKED_VALUE


def mask_body(raw: Any, max_bytes: int, clear: bool) -> Any:
    """The recordable form of a raw body string, or None when only its size may be recorded."""
    if not isinstance(raw, str) or not raw or max_bytes <= 0 or len(raw.encode("utf-8", "replace")) > max_bytes:
        return None
    try:
        parsed = json.loads(raw)
        return mask_json(parsed, clear)
    except (ValueError, RecursionError):
        return None  # not JSON (or nested beyond reason): its size says enough


def mask_network(payload: Mapping[str, Any], config: Config) -> dict[str, Any] | None:
    """The masked payload of a raw veil:network event; None when the channel is off."""
    if not config.network:
        return None
    initiator = payload.get("initiator")
    if initiator not in INITIATORS:
        raise ValueError("unknown network initiator")
    url = payload.get("url")
    if not isinstance(url, str):
        raise ValueError("a network event without a URL")
    url = url[:NETWORK_URL_MAX]
    method = payload.get("method")
    method = method.upper() if isinstance(method, str) and _METHOD.fullmatch(method) else "OTHER"
    status = payload.get("status")
    status = status if is_int(status) and 0 <= status <= 999 else 0
    out: dict[str, Any] = {
        "initiator": initiator,
        "method": method,
        "url": scrub_url(url),
        "status": status,
        "durationMs": _count(payload.get("durationMs")),
        "requestBytes": _count(payload.get("requestBytes")),
        "responseBytes": _count(payload.get("responseBytes")),
    }
    if not url_matches(config.network_detail_urls, url):
        return out
    for field in ("requestHeaders", "responseHeaders"):
        headers = _headers(payload.get(field), config.network_headers)
        if headers:
            out[field] = headers
    level = config.default_privacy
    # What the visitor sent is user input; what came back is page content.
    clear = {"requestBody": level is Level.ALLOW, "responseBody": level is not Level.MASK}
    for field, field_clear in clear.items():
        body = mask_body(payload.get(field), config.network_body_max_bytes, field_clear)
        if body is not None:
            out[field] = body
    return out
