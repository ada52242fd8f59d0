"""URL scrubbing: applied to every URL that leaves the page, at every level.

Rules: mailto:, tel: and sms: URLs are masked whole; credentials are removed; query values and the
fragment are masked with query keys kept; path segments that look like an email address or carry
a long run of digits or any PII pattern (``pii``) are masked; javascript: and data: URLs keep nothing but their scheme.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

from .pii import contains_pii

MASK = "***"
_WHOLE_MASK_SCHEMES = ("mailto:", "tel:", "sms:", "callto:")
_EMAIL_LIKE = re.compile(r"[^/@\s]+@[^/@\s]+")
_LONG_DIGITS = re.compile(r"\d{5,}")


def _scrub_path(path: str) -> str:
    return "/".join(map(_scrub_segment, path.split("/")))


# Pages repeat their path segments (and URLs) endlessly; the checks below are a dozen regexes each.
@lru_cache(maxsize=4096)
def _scrub_segment(seg: str) -> str:
    if _EMAIL_LIKE.search(seg) or _LONG_DIGITS.search(seg) or "%40" in seg.lower() or contains_pii(unquote(seg)):
        return MASK
    return seg


def _scrub_query(query: str) -> str:
    if not query:
        return ""
    pairs = []
    for pair in query.split("&"):
        key, sep, _value = pair.partition("=")
        if _EMAIL_LIKE.search(key) or _LONG_DIGITS.search(key):
            key = MASK
        pairs.append(f"{key}={MASK}" if sep else key)
    return "&".join(pairs)


@lru_cache(maxsize=2048)
def scrub_url(url: str) -> str:
    """Return the URL with everything that could identify a person masked."""
    stripped = url.strip()
    lowered = stripped.lower()
    if lowered.startswith(_WHOLE_MASK_SCHEMES):
        return stripped.split(":", 1)[0] + ":" + MASK
    if lowered.startswith("javascript:"):
        return "javascript:"
    if lowered.startswith("data:"):
        return "data:,"
    if lowered.startswith("blob:"):
        return "blob:" + scrub_url(stripped[5:])
    try:
        parts = urlsplit(stripped)
    except ValueError:
        return MASK
    netloc = parts.netloc.rsplit("@", 1)[-1]
    fragment = MASK if parts.fragment else ""
    scrubbed = urlunsplit((parts.scheme, netloc, _scrub_path(parts.path), _scrub_query(parts.query), fragment))
    if stripped.endswith("#") and not fragment:
        scrubbed += "#"
    return scrubbed


def scrub_srcset(srcset: str) -> str:
    """Scrub each URL of a srcset list, keeping its width or density descriptor."""
    out = []
    for candidate in srcset.split(","):
        bits = candidate.strip().split()
        if bits:
            out.append(" ".join([scrub_url(bits[0]), *bits[1:]]))
    return ", ".join(out)
