"""Invariants of the network and console channels over generated requests (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.config import normalize_config
from veil.console import mask_console
from veil.masking import MASKED_VALUE, mask_text
from veil.network import header_denied, key_denied, mask_json, mask_network

SECRET = "zqs3cret"  # planted in every value that must not survive
DENIED_HEADER_NAMES = ["authorization", "Cookie", "set-cookie", "x-auth-token", "x-session", "api-key", "X-Client-Secret",
                       "my-token-header", "x-csrf-token"]
DENIED_KEYS = ["password", "token", "secret", "card", "cardNumber", "api_key", "sessionId", "cvv", "ssn", "auth"]
ORDINARY_KEYS = ["name", "note", "items", "qty", "city", "id", "status"]

keys = st.one_of(st.sampled_from(DENIED_KEYS + ORDINARY_KEYS), st.text(max_size=12))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
                           max_leaves=25)


def skeleton(value: Any) -> Any:
    """The value with its shape kept and every leaf but null the fixed-length mask."""
    if isinstance(value, dict):
        return {k: skeleton(v) for k, v in value.items()}
    if isinstance(value, list):
        return [skeleton(v) for v in value]
    return None if value is None else MASKED_VALUE


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in leaves(v)]
    return [value]


@given(st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.sampled_from(DENIED_KEYS + ORDINARY_KEYS), inner, max_size=4)),
                    max_leaves=25))
def test_at_mask_a_body_keeps_its_shape_and_keys_and_every_leaf_is_masked(value):
    assert mask_json(value, clear=False) == skeleton(value)


@given(json_values)
def test_at_mask_no_leaf_survives_whatever_the_keys(value):
    assert all(leaf is None or leaf == MASKED_VALUE for leaf in leaves(mask_json(value, clear=False)))


@given(st.lists(st.tuples(st.sampled_from(DENIED_KEYS + ORDINARY_KEYS), json_values), max_size=6), st.booleans())
def test_no_value_under_a_deny_listed_key_survives_at_any_level(pairs, clear):
    body = {k: {"v": SECRET, "nested": [SECRET, {"deep": SECRET}]} if k in DENIED_KEYS else v for k, v in pairs}
    masked = mask_json(body, clear=clear)
    assert set(masked) == set(body)  # keys kept
    for key in body:
        if key_denied(key):
            assert SECRET not in json.dumps(masked[key])
            assert all(leaf is None or leaf == MASKED_VALUE for leaf in leaves(masked[key]))


@given(st.dictionaries(st.sampled_from(DENIED_HEADER_NAMES + ["content-type", "accept", "x-request-id"]),
                       st.text(max_size=20), max_size=8),
       st.lists(st.sampled_from(["content-type", "accept", "x-request-id", "x-trace"]), max_size=4),
       st.sampled_from(["mask", "mask-user-input", "allow"]))
def test_no_deny_listed_header_ever_survives_and_only_allowed_names_do(headers, allowed, level):
    planted = {name: SECRET + value if header_denied(name) else value for name, value in headers.items()}
    cfg = normalize_config({"endpoint": "/c", "networkDetailUrls": ["/"], "networkHeaders": allowed, "defaultPrivacy": level})
    payload = {"initiator": "xhr", "method": "GET", "url": "https://a.example/x", "status": 200,
               "requestHeaders": planted, "responseHeaders": planted}
    out = mask_network(payload, cfg)
    assert SECRET not in json.dumps(out)
    for field in ("requestHeaders", "responseHeaders"):
        assert set(out.get(field, {})) <= {a.lower() for a in allowed}
        assert not any(header_denied(name) for name in out.get(field, {}))


@given(st.text(max_size=40), st.text(max_size=40))
def test_nothing_of_a_url_query_or_fragment_survives_and_bodies_never_leave_by_default(value, body):
    url = "https://a.example/p?q=" + SECRET + value.replace("&", "").replace("#", "") + "#" + SECRET
    out = mask_network({"initiator": "fetch", "method": "POST", "url": url, "status": 200, "requestBody": body,
                        "responseBody": json.dumps({"k": SECRET}), "requestHeaders": {"content-type": SECRET}},
                       normalize_config({"endpoint": "/c"}))
    assert SECRET not in json.dumps(out)
    assert set(out) == {"initiator", "method", "url", "status", "durationMs", "requestBytes", "responseBytes"}


@settings(max_examples=50)
@given(st.text(max_size=300))
def test_a_console_message_at_mask_keeps_only_whitespace_and_length(message):
    out = mask_console({"level": "error", "message": message}, normalize_config({"endpoint": "/c", "console": ["error"]}))
    assert out["message"] == mask_text(message)
