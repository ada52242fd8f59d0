from veil.config import normalize_config
from veil.gate import autostart, decide, is_excluded, precheck, tcf_allows


def config(**kw):
    return normalize_config({"endpoint": "/c", **kw})


HREF = {"href": "https://x/"}


def test_records_by_default():
    assert decide(config(), HREF, sampled=True).record


def test_do_not_track_and_gpc_decline():
    assert decide(config(), {**HREF, "doNotTrack": "1"}, True).reason == "do-not-track"
    assert decide(config(), {**HREF, "globalPrivacyControl": True}, True).reason == "do-not-track"
    assert decide(config(respectDoNotTrack=False), {**HREF, "doNotTrack": "1"}, True).record


def test_sampled_out_sessions_are_declined():
    assert decide(config(), HREF, sampled=False).reason == "sampled-out"


def test_a_missing_url_is_treated_as_excluded():
    assert precheck(config(), {}).reason == "excluded-url"


def test_excluded_urls_by_prefix_wildcard_and_regexp():
    cfg = config(excludeUrls=["/admin", "/u/*/settings", {"regexp": "checkout$", "flags": "i"}])
    assert is_excluded(cfg, "https://x/admin/users")
    assert is_excluded(cfg, "https://x/u/42/settings")
    assert is_excluded(cfg, "https://x/CHECKOUT")
    assert not is_excluded(cfg, "https://x/shop")
    assert decide(cfg, {"href": "https://x/admin"}, True).reason == "excluded-url"


def test_tcf_requires_every_configured_purpose():
    cfg = config(consent="tcf")
    granted = {"gdprApplies": True, "purposeConsents": {"1": True, "8": True, "10": True}}
    assert tcf_allows(cfg, granted)
    assert not tcf_allows(cfg, {"gdprApplies": True, "purposeConsents": {"1": True, "8": True}})
    assert tcf_allows(cfg, {"gdprApplies": False})
    assert not tcf_allows(cfg, None)
    assert decide(cfg, {**HREF, "tcf": {"gdprApplies": True, "purposeConsents": {}}}, True).reason == "tcf-consent"
    assert tcf_allows(config(consent="tcf", tcfPurposes=[1]), {"gdprApplies": True, "purposeConsents": {"1": True}})


def test_autostart():
    assert autostart(config(consent="not-required"), {})
    assert autostart(config(consent="tcf"), {})
    assert not autostart(config(), {"storedConsent": "granted"})
    assert autostart(config(persistConsent=True), {"storedConsent": "granted"})
