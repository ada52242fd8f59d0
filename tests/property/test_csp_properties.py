"""veil.integrations.page.merge_csp: Veil's sources added to any policy loosen nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from veil.integrations.page import FALLBACKS, _parse, directives, merge_csp

NAMES = ["default-src", "script-src", "script-src-elem", "worker-src", "child-src", "connect-src", "img-src", "style-src",
         "frame-ancestors", "object-src"]
SOURCES = ["'self'", "'none'", "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", "'strict-dynamic'", "'nonce-SITE'",
           "'sha256-abc='", "https://cdn.example", "https://c.example", "*", "data:"]
NEVER_ADDED = {"'unsafe-inline'", "'unsafe-eval'", "*", "'strict-dynamic'", "data:", "https://cdn.example"}

directive = st.tuples(st.sampled_from(NAMES), st.lists(st.sampled_from(SOURCES), max_size=4, unique=True))
policies = st.lists(directive, max_size=6, unique_by=lambda d: d[0]).map(
    lambda ds: "; ".join(" ".join([name, *sources]) for name, sources in ds))
needs_strategy = st.builds(lambda nonce, endpoint: directives({"endpoint": endpoint}, nonce),
                           st.sampled_from([None, "N"]), st.sampled_from(["/collect", "https://c.example/v1", "https://x.example/v1"]))


def effective(policy: dict[str, list[str]], name: str) -> list[str] | None:
    """The sources that govern ``name`` (None: unrestricted)."""
    if name in policy:
        return policy[name]
    for fallback in FALLBACKS.get(name, ()):
        if fallback in policy:
            return policy[fallback]
    return None


@given(policies, needs_strategy)
def test_existing_sources_stay_and_only_veils_are_added(existing, needs):
    before, after = dict(_parse(existing)), dict(_parse(merge_csp(existing, needs)))
    for name, sources in before.items():
        kept = [s for s in sources if s != "'none'"] if after[name] != sources else sources
        assert set(kept) <= set(after[name]), (name, existing)
    wanted = {s for sources in needs.values() for s in sources}
    for name, sources in after.items():
        origin = set(effective(before, name) or [])
        added = set(sources) - origin
        assert added <= wanted, (name, added, existing)
        assert not (added & NEVER_ADDED)


@given(policies, needs_strategy)
def test_what_was_unrestricted_stays_unrestricted_and_merging_twice_changes_nothing(existing, needs):
    before, merged = dict(_parse(existing)), merge_csp(existing, needs)
    after = dict(_parse(merged))
    for name in needs:
        if effective(before, name) is None:
            assert effective(after, name) is None, (name, existing, merged)
    if existing.strip():
        assert merge_csp(merged, needs) == merged


@given(policies, needs_strategy)
def test_veil_is_allowed_by_the_merged_policy_and_inline_allowance_is_never_switched_off(existing, needs):
    before, after = dict(_parse(existing)), dict(_parse(merge_csp(existing, needs)))
    for name, sources in needs.items():
        governing = effective(after, name)
        if governing is None:
            continue
        for source in sources:
            if source.startswith("'nonce-"):
                continue
            if source == "'wasm-unsafe-eval'" and "'unsafe-eval'" in governing:
                continue
            assert source in governing, (name, source, existing)
    script = effective(before, "script-src") or []
    inline_only = "'unsafe-inline'" in script and not any(s.startswith(("'nonce-", "'sha")) for s in script)
    if inline_only:
        assert "'nonce-N'" not in (effective(after, "script-src") or [])
