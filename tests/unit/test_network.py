"""The network channel: metadata by default, headers and JSON bodies only for allow-listed URLs,
the header deny-list always winning, bodies keeping their shape with values masked by level."""

import json

import pytest

from tests.helpers import document, full, meta, record, sent_events as sent, text, el
from veil.config import ConfigError, normalize_config
from veil.contract import NETWORK_TAG, NETWORK_URL_MAX
from veil.masking import MASKED_VALUE
from veil.network import header_denied, key_denied, mask_body, mask_network, url_matches

URL = "https://shop.example/api/orders/98765?token=zqtoken&page=2#frag"


def raw(**over):
    payload = {
        "initiator": "fetch", "method": "post", "url": URL, "status": 200, "durationMs": 12.6,
        "requestBytes": 40, "responseBytes": 80,
        "requestHeaders": {"Content-Type": "application/json", "Authorization": "Bearer zqbearer",
                           "X-Api-Key": "zqapikey", "X-Request-Id": "req-1 ada@example.com"},
        "responseHeaders": {"content-type": "application/json", "set-cookie": "sid=zqcookie", "x-session-id": "zqsess"},
        "requestBody": json.dumps({"email": "ada@example.com", "password": "zqpw", "note": "hi", "n": 3}),
        "responseBody": json.dumps({"token": "zqresp", "name": "Ada", "ok": True, "items": [{"card_number": "4111"}]}),
    }
    payload.update(over)
    return payload


def config(**over):
    return normalize_config({"endpoint": "/c", **over})


def test_by_default_only_metadata_leaves_with_the_url_scrubbed():
    out = mask_network(raw(), config())
    assert out == {"initiator": "fetch", "method": "POST", "url": "https://shop.example/api/orders/***?token=***&page=***#***",
                   "status": 200, "durationMs": 13, "requestBytes": 40, "responseBytes": 80}
    assert "zq" not in json.dumps(out)


def test_network_false_records_nothing():
    assert mask_network(raw(), config(network=False)) is None


def test_detail_urls_add_allowed_headers_only_and_the_deny_list_wins():
    cfg = config(networkDetailUrls=["/api/*"], networkHeaders=["content-type", "x-request-id"])
    out = mask_network(raw(), cfg)
    assert out["requestHeaders"] == {"content-type": "application/json", "x-request-id": "req-1 ***************"}
    assert out["responseHeaders"] == {"content-type": "application/json"}
    assert "zq" not in json.dumps(out)


def test_bodies_at_mask_keep_the_shape_with_every_value_masked():
    out = mask_network(raw(), config(networkDetailUrls=["/api/*"]))
    assert out["requestBody"] == {"email": MASKED_VALUE, "password": MASKED_VALUE, "note": MASKED_VALUE, "n": MASKED_VALUE}
    assert out["responseBody"] == {"token": MASKED_VALUE, "name": MASKED_VALUE, "ok": MASKED_VALUE,
                                   "items": [{"card_number": MASKED_VALUE}]}


def test_bodies_at_allow_are_scrubbed_and_deny_listed_keys_masked():
    out = mask_network(raw(), config(networkDetailUrls=["/api/*"], defaultPrivacy="allow"))
    assert out["requestBody"] == {"email": "***************", "password": MASKED_VALUE, "note": "hi", "n": 3}
    assert out["responseBody"] == {"token": MASKED_VALUE, "name": "Ada", "ok": True, "items": [{"card_number": MASKED_VALUE}]}


def test_at_mask_user_input_what_the_visitor_sent_is_masked_and_what_came_back_scrubbed():
    out = mask_network(raw(), config(networkDetailUrls=["/api/*"], defaultPrivacy="mask-user-input"))
    assert out["requestBody"]["note"] == MASKED_VALUE
    assert out["responseBody"]["name"] == "Ada" and out["responseBody"]["token"] == MASKED_VALUE


def test_non_json_oversized_and_absurdly_nested_bodies_leave_as_sizes_only():
    cfg = config(networkDetailUrls=["/api/*"], networkBodyMaxBytes=64, defaultPrivacy="allow")
    out = mask_network(raw(requestBody="name=Ada&card=4111", responseBody=json.dumps({"x": "y" * 100})), cfg)
    assert "requestBody" not in out and "responseBody" not in out
    assert out["responseBytes"] == 80
    nested = "[" * 5000 + "]" * 5000
    out = mask_network(raw(requestBody=nested), config(networkDetailUrls=["/api/*"], networkBodyMaxBytes=20000))
    assert "requestBody" not in out
    # A body cap of 0 keeps headers but no bodies.
    out = mask_network(raw(), config(networkDetailUrls=["/api/*"], networkBodyMaxBytes=0))
    assert "requestBody" not in out and out["requestHeaders"]


def test_keys_that_look_like_identifiers_and_numbers_that_look_like_cards_are_masked():
    body = json.dumps({"ada@example.com": {"orders": 2}, "amount": 4111111111111111, "count": 12})
    assert mask_body(body, 10_000, clear=True) == {"***": {"orders": 2}, "amount": MASKED_VALUE, "count": 12}
    assert mask_body(json.dumps({"1234567": "x"}), 10_000, clear=True) == {"***": "x"}


@pytest.mark.parametrize("name", ["Authorization", "cookie", "Set-Cookie", "X-CSRF-Token", "X-Session-Id", "x-api-key",
                                  "X-Client-Secret", "proxy-authorization", "X-Amz-Security-Token"])
def test_credential_headers_are_denied(name):
    assert header_denied(name)


@pytest.mark.parametrize("name", ["content-type", "accept", "x-request-id", "cache-control", "content-length"])
def test_ordinary_headers_are_not_denied(name):
    assert not header_denied(name)


@pytest.mark.parametrize("key", ["password", "newPassword", "access_token", "client-secret", "cardNumber", "cvv", "ssn",
                                 "pin", "otp", "apiKey", "sessionId", "Authorization"])
def test_secret_body_keys_are_denied(key):
    assert key_denied(key)


@pytest.mark.parametrize("key", ["name", "shipping", "quantity", "monkey", "id", "items"])
def test_ordinary_body_keys_are_not_denied(key):
    assert not key_denied(key)


def test_url_patterns_match_like_exclude_urls_and_an_unreadable_regexp_matches_nothing():
    cfg = config(networkDetailUrls=["/api/*/items", {"regexp": "graphql$", "flags": "i"}])
    assert url_matches(cfg.network_detail_urls, "https://a.example/api/v2/items?x=1")
    assert url_matches(cfg.network_detail_urls, "https://a.example/GRAPHQL")
    assert not url_matches(cfg.network_detail_urls, "https://a.example/other/api/v2/items")
    from veil.config import UrlPattern
    assert not url_matches((UrlPattern("(?<x>a)", is_regexp=True),), "https://a.example/a")


def test_malformed_payloads_are_rejected_and_odd_fields_normalized():
    with pytest.raises(ValueError):
        mask_network(raw(initiator="beacon"), config())
    with pytest.raises(ValueError):
        mask_network(raw(url=None), config())
    out = mask_network(raw(method="GET /admin", status=True, durationMs=-5, requestBytes="9", responseBytes=float("nan")), config())
    assert (out["method"], out["status"], out["durationMs"], out["requestBytes"], out["responseBytes"]) == ("OTHER", 0, 0, 0, 0)
    long = "https://a.example/" + "x" * (2 * NETWORK_URL_MAX)
    assert len(mask_network(raw(url=long), config())["url"]) <= NETWORK_URL_MAX


@pytest.mark.parametrize("raw_config, key", [
    ({"network": "yes"}, "network"),
    ({"console": ["error", "trace"]}, "console"),
    ({"console": "error"}, "console"),
    ({"networkDetailUrls": "/api"}, "networkDetailUrls"),
    ({"networkDetailUrls": [{"regexp": "(?<id>\\d+)", "flags": ""}]}, "networkDetailUrls"),
    ({"networkHeaders": ["content type"]}, "networkHeaders"),
    ({"networkHeaders": ["Authorization"]}, "networkHeaders"),
    ({"networkHeaders": ["x-csrf-token"]}, "networkHeaders"),
    ({"networkBodyMaxBytes": -1}, "networkBodyMaxBytes"),
    ({"networkBodyMaxBytes": 1 << 20}, "networkBodyMaxBytes"),
    ({"networkBodyMaxBytes": 10.5}, "networkBodyMaxBytes"),
])
def test_bad_channel_config_names_the_key(raw_config, key):
    with pytest.raises(ConfigError) as err:
        config(**raw_config)
    assert err.value.key == key and f"`{key}`" in str(err.value)


def test_channel_config_defaults_and_normalization():
    cfg = config()
    assert cfg.network is True and cfg.console == () and cfg.network_detail_urls == ()
    assert cfg.network_headers == ("content-type", "content-length", "accept", "cache-control")
    assert cfg.network_body_max_bytes == 10240
    cfg = config(console=["warn", "error", "warn"], networkHeaders=["X-Request-Id", "x-request-id"])
    assert cfg.console == ("error", "warn") and cfg.network_headers == ("x-request-id",)


def test_the_recorder_sends_network_events_masked_and_drops_malformed_ones():
    page = document(el("p", {}, text("hi")))
    event = {"type": 5, "data": {"tag": NETWORK_TAG, "payload": raw()}, "timestamp": 9}
    bad = {"type": 5, "data": {"tag": NETWORK_TAG, "payload": raw(initiator=None)}, "timestamp": 10}
    recorder = record([meta(), full(page), event, bad], networkDetailUrls=["/api/*"])
    events = sent(recorder)
    payloads = [e["data"]["payload"] for e in events if e["type"] == 5]
    assert len(payloads) == 1 and payloads[0]["url"].endswith("?token=***&page=***#***")
    assert recorder.counters.dropped == 1
    assert "zq" not in json.dumps(events)
