import pytest

from veil.config import CONFIG_KEYS, ConfigError, UrlPattern, normalize_config
from veil.levels import Level


def test_minimal_config_gets_the_documented_defaults():
    config = normalize_config({"endpoint": "https://collect.example/v1/batches"})
    assert config.consent == "opt-in"
    assert config.default_privacy is Level.MASK
    assert config.sample_rate == 100
    assert config.respect_do_not_track is True
    assert config.client_token is None


def test_full_config_is_normalized():
    config = normalize_config(
        {
            "endpoint": "/collect",
            "clientToken": "pk_live_123",
            "consent": "not-required",
            "defaultPrivacy": "mask-user-input",
            "allowSelectors": [".public"],
            "maskSelectors": [" .private "],
            "blockSelectors": ["#card"],
            "excludeUrls": ["/admin", {"regexp": "^https://x/", "flags": "i"}],
            "sampleRate": 12.5,
            "respectDoNotTrack": False,
        }
    )
    assert config.mask_selectors == (".private",)
    assert config.exclude_urls == (UrlPattern("/admin"), UrlPattern("^https://x/", True, "i"))
    assert config.default_privacy is Level.MASK_USER_INPUT


@pytest.mark.parametrize(
    "raw, key",
    [
        ({}, "endpoint"),
        ({"endpoint": "ftp://x"}, "endpoint"),
        ({"endpoint": "//evil.example/x"}, "endpoint"),
        ({"endpoint": "/c", "endpiont": 1}, "endpiont"),
        ({"endpoint": "/c", "consent": "yes"}, "consent"),
        ({"endpoint": "/c", "defaultPrivacy": "block"}, "defaultPrivacy"),
        ({"endpoint": "/c", "sampleRate": 101}, "sampleRate"),
        ({"endpoint": "/c", "sampleRate": True}, "sampleRate"),
        ({"endpoint": "/c", "sampleRate": "50"}, "sampleRate"),
        ({"endpoint": "/c", "respectDoNotTrack": "false"}, "respectDoNotTrack"),
        ({"endpoint": "/c", "allowSelectors": ".a"}, "allowSelectors"),
        ({"endpoint": "/c", "blockSelectors": [""]}, "blockSelectors"),
        ({"endpoint": "/c", "excludeUrls": [{"function": True}]}, "excludeUrls"),
        ({"endpoint": "/c", "clientToken": "has space"}, "clientToken"),
        ({"endpoint": "/c", "clientToken": "line\nbreak"}, "clientToken"),
        ({"endpoint": "/c", "requestTimeoutMs": 100}, "requestTimeoutMs"),
        ({"endpoint": "/c", "requestTimeoutMs": 1500.5}, "requestTimeoutMs"),
        ({"endpoint": "/c", "requestTimeoutMs": "15000"}, "requestTimeoutMs"),
    ],
)
def test_bad_config_names_the_key(raw, key):
    with pytest.raises(ConfigError) as err:
        normalize_config(raw)
    assert err.value.key == key
    assert f"`{key}`" in str(err.value)


def test_non_object_config_is_rejected():
    with pytest.raises(ConfigError):
        normalize_config(["endpoint"])


def test_config_keys_are_the_pinned_public_names():
    assert set(CONFIG_KEYS) == {
        "endpoint", "clientToken", "consent", "defaultPrivacy", "allowSelectors", "maskSelectors",
        "blockSelectors", "excludeUrls", "sampleRate", "respectDoNotTrack", "scrubPatterns", "mouseMoveSampleMs",
        "persistConsent", "beforeSend", "tcfPurposes", "maxQueueBytes", "requestTimeoutMs", "debug",
        "recordingMode", "errorSampleRate", "bufferSeconds",
        "network", "console", "networkDetailUrls", "networkHeaders", "networkBodyMaxBytes",
        "allowText", "allowTextUrl", "allowTextIntegrity",
        "canvasMaskRegions", "iframeOrigins", "parentOrigin",
    }


@pytest.mark.parametrize(
    "raw, key",
    [
        ({"canvasMaskRegions": True}, "canvasMaskRegions"),
        ({"canvasMaskRegions": [{"x": 0}]}, "canvasMaskRegions"),
        ({"iframeOrigins": "https://widgets.example"}, "iframeOrigins"),
        ({"iframeOrigins": ["*"]}, "iframeOrigins"),
        ({"iframeOrigins": ["https://*.example"]}, "iframeOrigins"),
        ({"iframeOrigins": ["https://widgets.example/embed"]}, "iframeOrigins"),
        ({"iframeOrigins": ["widgets.example"]}, "iframeOrigins"),
        ({"iframeOrigins": ["file:///x"]}, "iframeOrigins"),
        ({"iframeOrigins": ["https://widgets.example?x"]}, "iframeOrigins"),
        ({"iframeOrigins": [" https://widgets.example"]}, "iframeOrigins"),
        ({"parentOrigin": ["https://shop.example"]}, "parentOrigin"),
        ({"parentOrigin": "*"}, "parentOrigin"),
        ({"parentOrigin": "https://user:pw@shop.example"}, "parentOrigin"),
        ({"parentOrigin": "https://shop.example:99999"}, "parentOrigin"),
    ],
)
def test_bad_canvas_and_iframe_config_names_the_key(raw, key):
    with pytest.raises(ConfigError) as err:
        normalize_config({"endpoint": "/c", **raw})
    assert err.value.key == key and f"`{key}`" in str(err.value)


def test_origins_are_normalized_as_the_browser_writes_them():
    config = normalize_config({"endpoint": "/c", "iframeOrigins": ["HTTPS://Widgets.Example:443/", "http://127.0.0.1:8001",
                                                                    "https://widgets.example"],
                               "parentOrigin": "http://Shop.Example:80", "canvasMaskRegions": {"function": True}})
    assert config.iframe_origins == ("https://widgets.example", "http://127.0.0.1:8001")
    assert config.parent_origin == "http://shop.example"
    assert config.canvas_mask_regions is True
    assert normalize_config({"endpoint": "/c"}).iframe_origins == () and normalize_config({"endpoint": "/c"}).parent_origin is None
