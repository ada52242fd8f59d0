"""The PII scrubber: finds identifiers in text Veil otherwise records in clear, and masks them.

Rules: applies to every URL and, unless ``scrubPatterns: false``, to text and attribute values
recorded under ``allow`` and ``mask-user-input``. A match is replaced by ``*`` of the same length.
Patterns favour precision where a checksum exists (Luhn for card numbers, mod 97 for IBANs).
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])")
_SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]?\d{3,4}(?!\w)"
    r"|(?<![\w+])\+\d{8,15}(?!\w)"
)
_TOKENS = re.compile(
    r"(?i:\bbearer\s+[A-Za-z0-9._~+/=-]{8,})"
    r"|\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}\b"
    r"|\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b"
    r"|\bgh[pousr]_[A-Za-z0-9]{20,}\b"
    r"|\bAKIA[0-9A-Z]{16}\b"
    r"|\bxox[abpr]-[A-Za-z0-9-]{10,}\b"
    r"|\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b"
)


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum card numbers carry."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(candidate: str) -> bool:
    """The ISO 13616 mod-97 check."""
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _star(match: re.Match[str]) -> str:
    return re.sub(r"\S", "*", match.group(0))


def _star_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return _star(match) if 13 <= len(digits) <= 19 and luhn_ok(digits) else match.group(0)


def _star_iban(match: re.Match[str]) -> str:
    return _star(match) if iban_ok(match.group(0)) else match.group(0)


def scrub_pii(text: str) -> str:
    """Mask every email, card number, SSN, IBAN, phone number and token shape in ``text``."""
    if not text or text.isspace():
        return text
    text = _TOKENS.sub(_star, text)
    text = _EMAIL.sub(_star, text)
    text = _IBAN.sub(_star_iban, text)
    text = _CARD.sub(_star_card, text)
    text = _SSN.sub(_star, text)
    return _PHONE.sub(_star, text)


def contains_pii(text: str) -> bool:
    """True when ``scrub_pii`` would change ``text``."""
    return scrub_pii(text) != text
