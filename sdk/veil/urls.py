"""URL scrubbing: applied to every URL that leaves the page, at every level.

Rules: mailto:, tel: and sms: URLs are masked whole; credentials are removed; query values and the
fragment are masked with query keys kept; path segments and query keys that look like an email
address or carry a long run of digits or any PII pattern (``pii``) are masked; javascript: and
data: URLs keep nothing but their scheme.

A bare query item (no ``=``, or only ``=`` after it: base64 padding) is a value with no key: magic
and share links pass their token that way (``/login?3f9KqL2vX8``). It is kept only when it is a
plain word (``is_plain_word``: ``?print``, ``?amp``, ``?no-cache``), else masked whole as ``***``.
A plain word is at most ``PLAIN_WORD_MAX`` characters of ASCII letters, in words joined by single
``-``, ``_`` or ``.``; each word is lower case, upper case or Capitalized, and a word of five or
more letters has a vowel (``aeiouy``) and no run of five consonants. So a digit anywhere, a case
change inside a word (``QkZjXw``), ``%``, ``+``, ``@``, ``~`` or anything longer masks it: every
token of ``PLAIN_WORD_MAX + 1`` characters or more is masked, whatever it is made of, and shorter
tokens from the usual generators (hex, base64, base62, UUIDs) mix digits or cases almost always.
The limit, by design: a short token of lower-case letters only that reads like a word is kept.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

from .pii import contains_pii

MASK = "***"
PLAIN_WORD_MAX = 15
_WHOLE_MASK_SCHEMES = ("mailto:", "tel:", "sms:", "callto:")
_EMAIL_LIKE = re.compile(r"[^/@\s]+@[^/@\s]+")
_LONG_DIGITS = re.compile(r"\d{5,}")
_WORD = r"(?:[a-z]+|[A-Z][a-z]*|[A-Z]+)"
_PLAIN_WORD = re.compile(rf"{_WORD}(?:[-_.]{_WORD})*")
_WORD_SEPARATORS = re.compile(r"[-_.]")
_VOWELS = frozenset("aeiouyAEIOUY")
_CONSONANT_RUN = re.compile(r"[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{5,}")


def _scrub_path(path: str) -> str:
    return "/".join(map(_scrub_segment, path.split("/")))


# Pages repeat their path segments (and URLs) endlessly; the checks below are a dozen regexes each.
@lru_cache(maxsize=4096)
def _scrub_segment(seg: str) -> str:
    if _EMAIL_LIKE.search(seg) or _LONG_DIGITS.search(seg) or "%40" in seg.lower() or contains_pii(unquote(seg)):
        return MASK
    return seg


def is_plain_word(item: str) -> bool:
    """True for a bare query item a person can read and no generator of tokens makes (see the
    module's rules): ``print``, ``amp``, ``no-cache``; not ``3f9KqL2vX8``, ``v2``, ``deadbeef42``."""
    if not item or len(item) > PLAIN_WORD_MAX or not _PLAIN_WORD.fullmatch(item):
        return False
    for word in _WORD_SEPARATORS.split(item):
        if len(word) >= 5 and (_VOWELS.isdisjoint(word) or _CONSONANT_RUN.search(word)):
            return False
    return True


def _scrub_query(query: str) -> str:
    if not query:
        return ""
    return "&".join(map(_scrub_query_item, query.split("&")))


@lru_cache(maxsize=4096)
def _scrub_query_item(item: str) -> str:
    if not item:
        return ""
    key, sep, value = item.partition("=")
    if not value.strip("=") and not is_plain_word(key):
        return MASK  # a bare item (or one with base64 padding) is a value: a token, unless a word
    if _EMAIL_LIKE.search(key) or _LONG_DIGITS.search(key) or "%40" in key.lower() or contains_pii(unquote(key)):
        key = MASK
    return f"{key}={MASK}" if sep else key


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
