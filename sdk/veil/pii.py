"""The PII scrubber: finds identifiers in text Veil otherwise records in clear, and masks them.

Rules: applies to every URL and, unless ``scrubPatterns: false``, to text and attribute values
recorded under ``allow`` and ``mask-user-input``. A match is replaced by ``*`` of the same length.
Patterns favour precision where a checksum exists (Luhn for card numbers, mod 97 for IBANs).
"""

from __future__ import annotations

import re

# An email is a run of local-part characters, "@", then a domain. Found from each "@" outwards
# (see ``_emails``), never by a pattern that starts at every character: that one rescans the
# local-part run from each of its characters, quadratic in a long run of letters with no "@".
_LOCAL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
# Anchored just after an "@"; linear: a label can only give back characters it cannot end on.
_EMAIL_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
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


def email_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the emails in ``text``: exactly the matches, in order, of the pattern
    ``[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}`` (a property test holds
    them equal), in time linear in ``len(text)``.

    Why equal: a match's local part ends at an "@" (the run cannot contain one) and starts as far
    left as the run of local-part characters goes, not before the end of the previous match; the
    leftmost match is therefore found by trying each "@" in order. Each character is scanned a
    bounded number of times: local-part runs and domains end at the next "@".
    """
    spans: list[tuple[int, int]] = []
    start = 0  # where the next match may begin (the end of the previous one)
    at = text.find("@")
    while at != -1:
        left = at
        while left > start and text[left - 1] in _LOCAL_CHARS:
            left -= 1
        domain = _EMAIL_DOMAIN.match(text, at + 1) if left < at else None
        if domain is not None:
            spans.append((left, domain.end()))
            start = domain.end()
            at = text.find("@", start)
        else:
            at = text.find("@", at + 1)
    return spans


def _star_emails(text: str) -> str:
    spans = email_spans(text)
    if not spans:
        return text
    pieces: list[str] = []
    end = 0
    for left, right in spans:
        pieces.append(text[end:left])
        pieces.append(re.sub(r"\S", "*", text[left:right]))
        end = right
    pieces.append(text[end:])
    return "".join(pieces)


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
    text = _star_emails(text)
    text = _IBAN.sub(_star_iban, text)
    text = _CARD.sub(_star_card, text)
    text = _SSN.sub(_star, text)
    return _PHONE.sub(_star, text)


def contains_pii(text: str) -> bool:
    """True when ``scrub_pii`` would change ``text``."""
    return scrub_pii(text) != text
