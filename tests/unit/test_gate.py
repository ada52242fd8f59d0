from veil.config import normalize_config
from veil.gate import decide, is_excluded


def config(**kw):
    return normalize_config({"endpoint": "/c", **kw})


def test_records_by_default():
    assert decide(config(), {"href": "https://x/"}, 50).record


def test_do_not_track_and_gpc_decline():
    assert decide(config(), {"doNotTrack": "1"}, 0).reason == "do-not-track"
    assert decide(config(), {"globalPrivacyControl": True}, 0).reason == "do-not-track"
    assert decide(config(respectDoNotTrack=False), {"doNotTrack": "1"}, 0).record


def test_sampling():
    assert decide(config(sampleRate=0), {}, 0).reason == "sampled-out"
    assert decide(config(sampleRate=50), {}, 49.99).record
    assert not decide(config(sampleRate=50), {}, 50).record


def test_excluded_urls_by_prefix_wildcard_and_regexp():
    cfg = config(excludeUrls=["/admin", "/u/*/settings", {"regexp": "checkout$", "flags": "i"}])
    assert is_excluded(cfg, "https://x/admin/users")
    assert is_excluded(cfg, "https://x/u/42/settings")
    assert is_excluded(cfg, "https://x/CHECKOUT")
    assert not is_excluded(cfg, "https://x/shop")
    assert decide(cfg, {"href": "https://x/admin"}, 0).reason == "excluded-url"
