"""The privacy engine against real Chromium: an adversarial page plants a secret in every leak class,
the visitor interacts, and the bytes that actually left the page are searched for each secret.

Each secret has an expectation:
  never       leaves at no level (forced secrets, URLs' query values, block, script, PII, ...)
  mask-only   hidden under mask; recorded under mask-user-input and allow (static content)
  allow-only  hidden under mask and mask-user-input; recorded under allow (what the visitor typed)
  always      recorded at every level (explicit allow overrides): masking never works by dropping
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import inject_veil, replay
from tests.helpers import walk
from veil.masking import MASKED_VALUE

LEVELS = ["mask", "mask-user-input", "allow"]

EXPECT = {
    "never": [
        "ZQSCRIPT", "ZQTEMPLATE", "ZQHREFQUERY", "zqmail", "ZQPATH", "ZQIMGQUERY", "ZQPOSTER", "ZQACTION",
        "ZQHIDDENINPUT", "zqpassword", "zqafter", "zqcard", "zqotp", "ZQBLOCKTEXT", "ZQBLOCKINPUT", "zqblockid",
        "zqblockclass", "ZQNESTEDALLOW", "ZQBLOCKADD", "ZQCFGBLOCK", "ZQCFGMASK", "ZQCLASSMASK", "ada.zq@example.com",
        "7946 0958", "ZQPAGEQUERY", "ZQPAGEFRAG", "ZQSPAPATH", "ZQSPAQUERY", "ZQHASH", "ZQCONSOLE", "ZQPROGPW",
    ],
    "mask-only": [
        "ZQMETADESC", "ZQTITLE", "ZQHEADING", "ZQTITLEATTR", "ZQDATAATTR", "ZQSVGTEXT", "ZQSUMMARY", "ZQDETAILS",
        "ZQCODE", "ZQHIDDENTEXT", "ZQNOSCRIPT", "ZQARIALABEL", "ZQARIADESC", "ZQARIAVT", "ZQARIARD", "ZQIMGPATH",
        "ZQALT", "ZQSRCSET", "ZQSRCDOC", "ZQLABEL", "ZQPLACEHOLDER", "ZQOPTA", "ZQOPTB", "ZQOPTLABEL", "ZQBTNVALUE",
        "ZQBUTTON", "ZQADDED", "ZQTEXTCHANGE", "ZQATTRCHANGE", "ZQDATACHANGE", "ZQNEWTITLE", "ZQSHADOW",
        "ZQSHADOWADD",
    ],
    "allow-only": ["ZQCOMMENT", "zqtyped", "ZQTEXTAREAINIT", "zqtextarea", "ZQPROG", "ZQATTRVAL"],
    "always": ["ZQCFGALLOW", "ZQATTRALLOW"],
}

VISIBLE_AT = {
    "never": set(),
    "mask-only": {"mask-user-input", "allow"},
    "allow-only": {"allow"},
    "always": set(LEVELS),
}

INTERACT = """async () => {
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  console.log("ZQCONSOLE");
  // Mutations of every kind.
  const p = document.createElement("p");
  p.textContent = "ZQADDED";
  document.body.appendChild(p);
  document.getElementById("mut").textContent = "ZQTEXTCHANGE";
  document.getElementById("mut").setAttribute("title", "ZQATTRCHANGE");
  document.getElementById("mut").setAttribute("data-note", "ZQDATACHANGE");
  document.title = "ZQNEWTITLE";
  document.getElementById("host").shadowRoot.appendChild(Object.assign(document.createElement("p"), {textContent: "ZQSHADOWADD"}));
  document.querySelector("[data-veil=block]").appendChild(Object.assign(document.createElement("p"), {textContent: "ZQBLOCKADD"}));
  // Values set by script, not typed (React-controlled inputs and the like).
  document.getElementById("t2").value = "ZQPROG";
  document.getElementById("t3").setAttribute("value", "ZQATTRVAL");
  document.getElementById("pw").value = "ZQPROGPW";
  document.getElementById("sel").value = "zqoptb";
  // SPA navigation.
  history.pushState({}, "", "/spa/ZQSPAPATH@example.com/?x=ZQSPAQUERY");
  location.hash = "ZQHASH";
  await pause(50);
}"""


def type_into(page, selector: str, text: str) -> None:
    page.click(selector)
    page.keyboard.type(text, delay=2)


@pytest.mark.parametrize("level", LEVELS)
def test_no_planted_secret_leaves_and_allowed_content_does(level, page, servers, capture, context):
    page.goto(f"{servers.site_url}/test-assets/adversarial.html?user=ZQPAGEQUERY#ZQPAGEFRAG")
    page.wait_for_load_state("load")
    config = {
        "defaultPrivacy": level,
        "blockSelectors": [".cfg-block"],
        "maskSelectors": [".cfg-mask"],
        "allowSelectors": [".cfg-allow"],
    }
    assert inject_veil(page, servers, config) == {"recording": True}
    type_into(page, "#t1", "zqtyped")
    type_into(page, "#ta", " zqtextarea")
    type_into(page, "#pw", "zqpassword")
    page.evaluate("() => document.getElementById('pw').setAttribute('type', 'text')")  # show-password toggle
    type_into(page, "#pw", "zqafter")
    type_into(page, "#cc", "zqcard")
    type_into(page, "#otp", "zqotp")
    page.evaluate(INTERACT)
    page.wait_for_timeout(400)  # the iframe's document attaches once it has loaded
    page.evaluate("() => Veil.flush()")

    wire = capture.wire_text()
    wrong = []
    for expectation, secrets in EXPECT.items():
        for secret in secrets:
            should_appear = level in VISIBLE_AT[expectation]
            if (secret in wire) != should_appear:
                wrong.append(f"{secret} ({expectation}) {'missing' if should_appear else 'LEAKED'}")
    assert not wrong, f"under {level}: " + ", ".join(wrong)

    # Absence is not enough: what was typed into each forced secret (the password before and after
    # its show-password toggle, the card number, the one-time code) did leave, as the fixed mask.
    events = capture.events()
    for field in ("pw", "cc", "otp"):
        ids = {n["id"] for e in events if e["type"] == 2 for n in walk(e["data"]["node"]) if n.get("attributes", {}).get("id") == field}
        typed = [e["data"]["text"] for e in events if e["type"] == 3 and e["data"].get("source") == 5 and e["data"].get("id") in ids]
        assert ids and typed, f"under {level}: no input event for #{field} left the page"
        assert all(text == MASKED_VALUE for text in typed), f"under {level}: #{field} sent {typed}"

    shown = replay(context, servers, capture.events())
    assert shown["errors"] == []
    assert 'id="t1"' in shown["html"] and 'id="form"' in shown["html"]
    for secret in EXPECT["always"]:
        assert secret in shown["text"], f"{secret} not replayed under {level}"
