"""Text at its plainest: the one masking of characters, and text recorded in clear.

Rules: a leaf module (it imports only ``pii``), so every other module that masks text (the text
masker and attribute predicate in ``masking``, the CSS masker in ``css``, echoes, network bodies)
builds on it without importing one another. ``mask_text`` keeps whitespace and length and turns
every other character into ``*``; whitespace is what JavaScript's ``\\s`` matches, so "whitespace
kept" means the same on both sides. ``MASKED_VALUE`` is the fixed-length mask of a value whose
length would tell something (a typed value, a secret, an echo of one).
"""

from __future__ import annotations

import re

from .pii import scrub_pii

MASKED_VALUE = "*" * 8
WHITESPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_NON_WHITESPACE = re.compile("[^" + WHITESPACE + "]")


# The same rule as a byte table for ASCII text (most text), about five times faster than the regex.
_ASCII_MASK = bytes(c if chr(c) in WHITESPACE else ord("*") for c in range(128)) + b"*" * 128


def mask_text(text: str) -> str:
    """Replace every non-whitespace character with ``*``; whitespace and length are kept."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_MASK).decode("ascii")
    return _NON_WHITESPACE.sub("*", text)


def clear_text(text: str, scrub: bool) -> str:
    """Text recorded in clear (allow, or static text under mask-user-input): PII still masked."""
    return scrub_pii(text) if scrub else text
