"""The site's Veil as the ``VEIL`` setting describes it (read once, when first needed).

Rules: a bad setting is an ImproperlyConfigured naming the key and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from ...bundle import Bundle
from ...bundle import default as default_bundle

KEYS = frozenset({"config", "bundle", "connect", "policy"})


@dataclass(frozen=True)
class Site:
    config: Mapping[str, Any] | None
    bundle: Bundle
    connect: tuple[str, ...]
    policy: str | None


@cache
def site() -> Site:
    raw = getattr(settings, "VEIL", {})
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured("VEIL must be a dict: {'config': {...Veil.init's config...}}")
    unknown = set(raw) - KEYS
    if unknown:
        raise ImproperlyConfigured(f"VEIL: unknown key(s) {sorted(unknown)}; expected some of {sorted(KEYS)}")
    config = raw.get("config")
    if config is not None and not isinstance(config, Mapping):
        raise ImproperlyConfigured("VEIL['config'] must be a dict (Veil.init's config)")
    connect = raw.get("connect", ())
    if isinstance(connect, str) or not all(isinstance(c, str) for c in connect):
        raise ImproperlyConfigured("VEIL['connect'] must be a list of origins")
    policy = raw.get("policy")
    if policy is not None and not isinstance(policy, str):
        raise ImproperlyConfigured("VEIL['policy'] must be a Content-Security-Policy string")
    bundle = Bundle.load(raw["bundle"]) if raw.get("bundle") else default_bundle()
    return Site(dict(config) if config is not None else None, bundle, tuple(connect), policy)


@receiver(setting_changed)
def _forget(*, setting: str, **_: Any) -> None:
    """A changed VEIL setting (override_settings in tests) is read anew."""
    if setting == "VEIL":
        site.cache_clear()
