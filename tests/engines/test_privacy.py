"""The privacy rules in each engine, judged by the bytes the collector STORED: the adversarial page's
planted secrets under mask-all and under allow (forced secrets masked at every level), echoes of
typed values under mask-user-input, and text inside CSS. The expectations are tests/browser's own
(imported, not copied), so Chromium, Firefox and WebKit are held to one list.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.test_cssom import EXPECTED_COLOURS, READ_REPLAY, SECRETS as CSS_SECRETS
from tests.browser.test_echo import MONACO, TYPED as ECHO_TYPED
from tests.browser.test_privacy import EXPECT, INTERACT, VISIBLE_AT
from tests.engines.conftest import flush, inject_veil, page_errors, replay
from tests.engines.site import TOKEN, Site
from tests.helpers import walk
from veil.masking import MASKED_VALUE as M


def config(level: str, **more) -> dict:
    return {"endpoint": "/v1/batches", "clientToken": TOKEN, "defaultPrivacy": level, **more}


@pytest.mark.parametrize("level", ["mask", "allow"])
def test_no_planted_secret_is_stored_and_forced_secrets_are_the_fixed_mask(level, engine, page, dist, tmp_path):
    with Site(dist, tmp_path / "privacy.sqlite3") as site:
        page.goto(f"{site.url}/test-assets/adversarial.html?user=ZQPAGEQUERY#ZQPAGEFRAG")
        cfg = config(level, blockSelectors=[".cfg-block"], maskSelectors=[".cfg-mask"], allowSelectors=[".cfg-allow"])
        assert inject_veil(page, cfg) == {"recording": True}
        page.type("#t1", "zqtyped")
        page.type("#ta", " zqtextarea")
        page.type("#pw", "zqpassword")
        page.evaluate("() => document.getElementById('pw').setAttribute('type', 'text')")  # show-password toggle
        page.type("#pw", "zqafter")
        page.type("#cc", "zqcard")
        page.type("#otp", "zqotp")
        page.evaluate(INTERACT)
        page.sleep(400)  # the iframe's document attaches once it has loaded
        assert flush(page)["sent"] is True
        assert page_errors(page) == []

        stored = site.stored_text()
        wrong = []
        for expectation, secrets in EXPECT.items():
            for secret in secrets:
                should_appear = level in VISIBLE_AT[expectation]
                if (secret in stored) != should_appear:
                    wrong.append(f"{secret} ({expectation}) {'missing' if should_appear else 'STORED'}")
        assert not wrong, f"{engine.name} under {level}: " + ", ".join(wrong)

        # What was typed into each forced secret was stored, as the fixed mask.
        events = site.stored_events()
        for field in ("pw", "cc", "otp"):
            ids = {n["id"] for e in events if e["type"] == 2 for n in walk(e["data"]["node"]) if n.get("attributes", {}).get("id") == field}
            typed = [e["data"]["text"] for e in events if e["type"] == 3 and e["data"].get("source") == 5 and e["data"].get("id") in ids]
            assert ids and typed, f"{engine.name} under {level}: no input event for #{field} was stored"
            assert set(typed) == {M}, f"{engine.name} under {level}: #{field} stored {typed}"

        shown = replay(page, site.url, events)
        assert shown["errors"] == [], shown["errors"]
        assert 'id="t1"' in shown["html"] and 'id="form"' in shown["html"]
        for secret in EXPECT["always"]:
            assert secret in shown["text"], f"{secret} not replayed under {level}"


def test_echoes_of_typed_values_are_stored_masked(engine, page, dist, tmp_path):
    with Site(dist, tmp_path / "echo.sqlite3") as site:
        page.goto(f"{site.url}/test-assets/echo.html")
        assert inject_veil(page, config("mask-user-input")) == {"recording": True}
        for selector, value in ECHO_TYPED.items():
            page.type(selector, value)
        page.press("Enter")  # the grid editor writes its cell
        page.type(".inputarea", MONACO)
        page.sleep(100)
        assert flush(page)["sent"] is True
        assert page_errors(page) == []

        stored = site.stored_text()
        folded = stored.lower()
        for secret in [*ECHO_TYPED.values(), MONACO, "zqnam", "zqmon"]:
            assert secret not in folded, f"{secret} was stored by {engine.name}"
        assert "Profile" in stored, "static content is recorded under mask-user-input"
        for masked in (f"Hello {M}", f'"aria-label": "Send as {M}"', f'"data-preview": "{M}"', f"NAME: {M}",
                       f'"data-value": "{M}"', "Line 1: " + M):
            assert masked in stored, f"{masked!r} was not stored ({engine.name})"
        assert stored.count(f'"textContent": "{M}"') >= 2
        assert re.search(r'"textContent": "\*{3} \* \* \*+"', stored), "the editor's view line was not stored masked"


def test_no_text_inside_css_is_stored_and_script_built_styles_replay(engine, page, dist, tmp_path):
    with Site(dist, tmp_path / "css.sqlite3") as site:
        page.goto(f"{site.url}/test-assets/cssom.html")
        assert inject_veil(page, config("mask")) == {"recording": True}
        page.evaluate("() => window.buildStyles()")
        page.sleep(150)  # the component renders into its shadow root, its adoption follows
        assert flush(page)["sent"] is True
        assert page_errors(page) == []

        stored = site.stored_text()
        leaked = [secret for secret in CSS_SECRETS if secret in stored]
        assert not leaked, f"stored through CSS by {engine.name}: {leaked}"
        missing = [secret for secret, masked in CSS_SECRETS.items() if json.dumps(masked, ensure_ascii=False)[1:-1] not in stored]
        assert not missing, f"the masked form of {missing} was not stored: masking must not work by dropping"
        events = site.stored_events()
        sources = {e["data"].get("source") for e in events if e["type"] == 3}
        assert {8, 13, 15} <= sources, f"CSSOM events missing: {sources}"

        replay(page, site.url, events)
        page.sleep(100)  # the Replayer retries an adoption whose sheets it lacks after 0-100 ms
        shown = page.evaluate(READ_REPLAY % sorted(EXPECTED_COLOURS))
        assert page_errors(page) == []
        assert shown["colours"] == EXPECTED_COLOURS
        assert shown["shadow"] == "rgb(10, 20, 30)"
        assert shown["lateBackground"] == "rgb(1, 2, 3)"
        assert shown["upgraded"] == ["******** ****", "rgb(11, 22, 33)"]
        assert shown["before"] == '"*********"' and shown["after"] == '"********"'
