"""The gate: decides, from facts the shim reports, whether recording may begin.

Rules: pure; asks for nothing but booleans and the page URL, and is consulted before any DOM is
read. The first "no" wins, in this order: Do-Not-Track/GPC, excluded URL, sampling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from .config import Config, UrlPattern


@dataclass(frozen=True)
class Decision:
    record: bool
    reason: str | None = None


def _pattern_matches(pattern: UrlPattern, url: str) -> bool:
    if pattern.is_regexp:
        flags = re.IGNORECASE if "i" in pattern.flags else 0
        try:
            return re.search(pattern.pattern, url, flags) is not None
        except re.error:
            return True  # a pattern Python cannot read excludes rather than records
    path = urlsplit(url).path or "/"
    regex = "^" + ".*".join(re.escape(part) for part in pattern.pattern.split("*"))
    return re.match(regex, path) is not None


def is_excluded(config: Config, url: str) -> bool:
    """True when the URL matches any excludeUrls pattern."""
    return any(_pattern_matches(p, url) for p in config.exclude_urls)


def decide(config: Config, facts: Mapping[str, Any], sample_draw: float) -> Decision:
    """May this page view be recorded? ``sample_draw`` is uniform in [0, 100)."""
    if config.respect_do_not_track and (facts.get("doNotTrack") in ("1", "yes") or facts.get("globalPrivacyControl") is True):
        return Decision(False, "do-not-track")
    href = facts.get("href")
    if isinstance(href, str) and is_excluded(config, href):
        return Decision(False, "excluded-url")
    if not sample_draw < config.sample_rate:
        return Decision(False, "sampled-out")
    return Decision(True)
