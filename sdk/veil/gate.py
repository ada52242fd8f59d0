"""The gate: decides, from facts the shim reports, whether recording may begin or go on.

Rules: pure; consulted before any DOM is read. Facts are booleans, the page URL, the stored
consent marker and a summary of the IAB TCF v2 consent. The first "no" wins, in this order:
Do-Not-Track/GPC, TCF consent (consent: "tcf"), excluded URL, sampling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping
from urllib.parse import urlsplit

from .config import Config, UrlPattern
from .contract import STORED_CONSENT, GateReason


@dataclass(frozen=True)
class Decision:
    record: bool
    reason: GateReason | None = None


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


def do_not_track(config: Config, facts: Mapping[str, Any]) -> bool:
    """The visitor asked not to be tracked (DNT or Global Privacy Control) and the site respects it."""
    return config.respect_do_not_track and (
        facts.get("doNotTrack") in ("1", "yes") or facts.get("globalPrivacyControl") is True
    )


def tcf_allows(config: Config, tcf: Any) -> bool:
    """IAB TCF v2: GDPR does not apply, or every required purpose has the visitor's consent."""
    if not isinstance(tcf, Mapping):
        return False  # no CMP answer: fail closed
    if tcf.get("gdprApplies") is False:
        return True
    consents = tcf.get("purposeConsents")
    if not isinstance(consents, Mapping):
        return False
    return all(consents.get(str(p)) is True for p in config.tcf_purposes)


def autostart(config: Config, facts: Mapping[str, Any]) -> bool:
    """Should recording start without Veil.start(): consent not required, remembered, or up to the CMP."""
    if config.consent in ("not-required", "tcf"):
        return True
    return config.persist_consent and facts.get("storedConsent") == STORED_CONSENT


def may_observe_early(config: Config, facts: Mapping[str, Any], started: bool) -> bool:
    """May the shim observe before the runtime is up (buffering in page memory, sending nothing
    until this gate said yes)? Only when these rules, on the facts JavaScript reads without Python,
    would let recording start: no Do-Not-Track/GPC, and consent that needs no CMP's answer: not
    required, or an opt-in given now (``started``: Veil.start()) or remembered. Under "tcf" the CMP's
    answer is judged here, so nothing starts early. shim/veil/early.mjs applies the same rule;
    tests/shared/early-gate.json holds the two equal, case by case, in both languages."""
    if do_not_track(config, facts) or config.consent == "tcf":
        return False
    return started or autostart(config, facts)


def precheck(config: Config, facts: Mapping[str, Any]) -> Decision:
    """Everything but sampling: checked before a session is even looked up."""
    if do_not_track(config, facts):
        return Decision(False, "do-not-track")
    if config.consent == "tcf" and not tcf_allows(config, facts.get("tcf")):
        return Decision(False, "tcf-consent")
    href = facts.get("href")
    if not isinstance(href, str) or is_excluded(config, href):
        return Decision(False, "excluded-url")
    return Decision(True)


def decide(config: Config, facts: Mapping[str, Any], sampled: bool) -> Decision:
    """May this page view be recorded, given whether its session was sampled in?"""
    first = precheck(config, facts)
    if not first.record:
        return first
    return Decision(True) if sampled else Decision(False, "sampled-out")
