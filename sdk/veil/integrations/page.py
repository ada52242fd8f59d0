"""What a page needs for Veil, for any framework: the loader snippet and the CSP directives.

Rules: the snippet is the bundle's own loader (dist/veil-loader.js: this build's integrity of
veil.js in it), asking for veil.js where the site serves the bundle, followed by ``Veil.init`` with
the site's config, in one ``<script>`` carrying the request's CSP nonce when there is one. Every
value written into the page is JSON made safe for a script element (``veil.bundle.script_json``)
or an escaped attribute: a config value can never close the element. The config must be JSON (a
``beforeSend`` function belongs in the site's own script).

The CSP directives are docs/csp.md's (the README's "Content Security Policy"): ``script-src 'self'
'wasm-unsafe-eval'`` (Pyodide compiles WebAssembly) and the snippet's nonce, ``worker-src 'self'``,
``connect-src 'self'`` and the endpoint's origin (and the site-text list's). ``merge_csp`` adds them
to a site's own policy without loosening anything else or disabling what it allowed: a directive
the policy leaves unrestricted stays absent; one that falls back (to ``default-src``, or for
workers to ``child-src``/``script-src``) starts from the sources it fell back to; a nonce is not
added where it would switch off the policy's ``'unsafe-inline'``.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ..bundle import Bundle, script_json

SELF = "'self'"
WASM = "'wasm-unsafe-eval'"
# Where a directive that a policy does not name takes its sources from (CSP Level 3).
FALLBACKS = {
    "script-src": ("default-src",),
    "script-src-elem": ("script-src", "default-src"),
    "worker-src": ("child-src", "script-src", "default-src"),
    "connect-src": ("default-src",),
}


class Html(str):
    """Markup a template engine must not escape again (Jinja2 and Django honour ``__html__``)."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


def new_nonce() -> str:
    """A fresh CSP nonce: 128 random bits, base64url (a new one for every response)."""
    return secrets.token_urlsafe(16)


def snippet(bundle: Bundle, src: str, config: Mapping[str, Any] | None = None, nonce: str | None = None) -> Html:
    """The ``<script>`` a page adds: the loader for veil.js at ``src`` (its integrity checked), then
    ``Veil.init(config)`` when a config is given."""
    body = bundle.loader_script(src)
    if config is not None:
        try:
            body += f"\nVeil.init({script_json(dict(config))});"
        except TypeError as err:
            raise TypeError(f"Veil's config must be JSON (functions such as beforeSend go in the site's own script): {err}") from None
    attribute = f' nonce="{html.escape(nonce, quote=True)}"' if nonce else ""
    return Html(f"<script{attribute}>{body}</script>")


def origin_of(url: str | None) -> str | None:
    """The origin of an absolute http(s) URL (scheme://host[:port]); None for a path on the site's own."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def directives(config: Mapping[str, Any] | None = None, nonce: str | None = None,
               connect: Iterable[str] = ()) -> dict[str, list[str]]:
    """The sources Veil needs, by directive: for a page whose config is ``config`` (its endpoint's
    and site-text list's origins), whose snippet carries ``nonce``, plus ``connect`` origins."""
    config = config or {}
    connect_sources = [SELF]
    for origin in (origin_of(config.get("endpoint")), origin_of(config.get("allowTextUrl")), *connect):
        if origin and origin not in connect_sources:
            connect_sources.append(origin)
    script = [SELF, WASM] + ([f"'nonce-{nonce}'"] if nonce else [])
    return {"script-src": script, "worker-src": [SELF], "connect-src": connect_sources}


def policy(needs: Mapping[str, list[str]]) -> str:
    """A policy of exactly ``needs`` (for a site that has none of its own)."""
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in needs.items())


def _parse(text: str) -> list[tuple[str, list[str]]]:
    parsed: list[tuple[str, list[str]]] = []
    for part in text.split(";"):
        tokens = part.split()
        if tokens and all(name != tokens[0].lower() for name, _ in parsed):  # the first of a name counts
            parsed.append((tokens[0].lower(), tokens[1:]))
    return parsed


def _has_inline_allowance(sources: list[str]) -> bool:
    lowered = [s.lower() for s in sources]
    return any(s.startswith(("'nonce-", "'sha256-", "'sha384-", "'sha512-")) for s in lowered)


def _add(sources: list[str], wanted: list[str]) -> list[str]:
    merged = [s for s in sources if s.lower() != "'none'"]
    lowered = {s.lower() for s in merged}
    for source in wanted:
        if source.lower() in lowered:
            continue
        if source.startswith("'nonce-") and "'unsafe-inline'" in lowered and not _has_inline_allowance(merged):
            continue  # a nonce would switch 'unsafe-inline' off for every other inline script of the site
        if source == WASM and "'unsafe-eval'" in lowered:
            continue  # already allowed
        merged.append(source)
    return merged


def merge_csp(existing: str, needs: Mapping[str, list[str]]) -> str:
    """``existing`` (a Content-Security-Policy header, possibly several policies joined by commas)
    with Veil's ``needs`` added, each policy allowing what Veil needs and nothing else more. No
    policy restricts nothing: it stays empty (``policy(needs)`` is Veil's own, to start one)."""
    if not existing.strip():
        return existing
    merged_policies = []
    for text in existing.split(","):
        parsed = _parse(text)
        original = dict(parsed)
        current = dict(parsed)
        order = [name for name, _ in parsed]
        wanted = dict(needs)
        if "script-src-elem" in current and "script-src" in wanted:
            wanted["script-src-elem"] = [s for s in wanted["script-src"] if s != WASM]
        for name, sources in wanted.items():
            if name in current:
                current[name] = _add(current[name], sources)
                continue
            fallback = next((f for f in FALLBACKS.get(name, ()) if f in original), None)
            if fallback is None:
                continue  # unrestricted in this policy: adding the directive would restrict it
            current[name] = _add(list(original[fallback]), sources)
            order.append(name)
        merged_policies.append("; ".join(" ".join([name, *current[name]]) for name in order))
    return ", ".join(merged_policies)
