"""Styles built by script (the CSSOM) are recorded and replay in rrweb's Replayer, and text inside
CSS never leaves in clear.

tests/browser/assets/cssom.html builds its styles by script once recording runs: insertRule and
deleteRule on a <style>, setProperty on a rule's style, a constructed sheet filled by replaceSync
and adopted by the document (one before recording, one after), a web component adopting a sheet
in its shadow root, and style.setProperty on an element. Secrets are planted in a stylesheet's
content: string, url() query, custom property, an inline style's url(), an inserted rule, a
replaceSync'd sheet and a property set by script. The bytes that left are searched for each, the
masked form is looked for, and the recording is replayed to check the computed styles.
"""

from __future__ import annotations

import json

from tests.browser.conftest import inject_veil

SECRETS = {
    # secret: the masked form that must have left instead under mask
    "ZQCONTENT": '"*********"',
    "ZQSHEETURL": "token=***",
    "ZQCUSTOM": '"********"',
    "ZQINLINEURL": "token=***",
    "ZQINSERT": '"********"',
    "ZQRULEURL": "token=***",
    "ZQSETPROP": '"*********"',
    "ZQREPLACESYNC": '"*************"',
    "ZQSHADOWCONTENT": '"***************"',
    "ZQSTYLEURL": "token=***",
}
URL_SECRETS = {"ZQSHEETURL", "ZQINLINEURL", "ZQRULEURL", "ZQSTYLEURL"}

# Computed colours the replay must show: each comes from a different way of building styles.
EXPECTED_COLOURS = {
    "plain": "rgb(40, 50, 60)",  # a custom property in the page's stylesheet (_cssText)
    "by-rule": "rgb(255, 0, 0)",  # insertRule into a <style>
    "by-decl": "rgb(0, 0, 255)",  # setProperty on a rule's style (StyleDeclaration)
    "by-doc-sheet": "rgb(0, 128, 0)",  # a sheet the document adopted before recording began
    "by-late-sheet": "rgb(4, 5, 6)",  # replaceSync'd and adopted by the document while recording
    "inline-set": "rgb(7, 8, 9)",  # style.setProperty on an element (a style attribute mutation)
}

READ_REPLAY = """() => {
  const doc = window.replayedDocument;
  const win = doc.defaultView;
  const colours = {};
  for (const id of %s) {
    const el = doc.getElementById(id);
    colours[id] = el ? win.getComputedStyle(el).color : null;
  }
  const card = doc.querySelector("x-card");
  const inShadow = card && card.shadowRoot && card.shadowRoot.querySelector("p");
  const late = doc.getElementById("by-late-sheet");
  const upgraded = doc.getElementById("late-host");
  const inUpgraded = upgraded && upgraded.shadowRoot && upgraded.shadowRoot.querySelector("p");
  return {
    upgraded: inUpgraded ? [inUpgraded.textContent, win.getComputedStyle(inUpgraded).color] : null,
    colours,
    shadow: inShadow ? win.getComputedStyle(inShadow).color : null,
    lateBackground: late ? win.getComputedStyle(late).backgroundColor : null,
    before: win.getComputedStyle(doc.getElementById("quote"), "::before").content,
    after: win.getComputedStyle(doc.getElementById("quote"), "::after").content,
  };
}"""


def record(page, servers, capture, level: str) -> list[dict]:
    page.goto(f"{servers.site_url}/test-assets/cssom.html")
    page.wait_for_load_state("load")
    assert inject_veil(page, servers, {"defaultPrivacy": level}) == {"recording": True}
    page.evaluate("() => window.buildStyles()")
    page.wait_for_timeout(150)  # the component renders into its shadow root, its adoption follows
    page.evaluate("() => Veil.flush()")
    return capture.events()


def replayed_styles(context, servers, events) -> dict:
    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda err: errors.append(str(err)))
    viewer.goto(servers.site_url + "/test-assets/replay.html")
    viewer.evaluate("events => window.replayEvents(events)", events)
    viewer.wait_for_timeout(100)  # the Replayer retries an adoption whose sheets it lacks after 0-100 ms
    shown = viewer.evaluate(READ_REPLAY % sorted(EXPECTED_COLOURS))
    viewer.close()
    assert errors == []
    return shown


def test_no_text_inside_css_leaves_under_mask_and_script_built_styles_replay(page, servers, capture, context):
    events = record(page, servers, capture, "mask")
    wire = capture.wire_text()
    leaked = [secret for secret in SECRETS if secret in wire]
    assert not leaked, f"leaked through CSS: {leaked}"
    missing = [secret for secret, masked in SECRETS.items() if json.dumps(masked)[1:-1] not in wire]  # as JSON writes it
    assert not missing, f"the masked form of {missing} did not leave: masking must not work by dropping"
    sources = {e["data"].get("source") for e in events if e["type"] == 3}
    assert {8, 13, 15} <= sources, f"CSSOM events missing: {sources}"

    shown = replayed_styles(context, servers, events)
    assert shown["colours"] == EXPECTED_COLOURS
    assert shown["shadow"] == "rgb(10, 20, 30)"  # a web component's adopted sheet, in its shadow root
    assert shown["lateBackground"] == "rgb(1, 2, 3)"  # insertRule into an adopted constructed sheet
    # A recorded element upgraded after the snapshot: its late shadow root and adopted sheet replay.
    assert shown["upgraded"] == ["******** ****", "rgb(11, 22, 33)"]
    assert shown["before"] == '"*********"' and shown["after"] == '"********"'


def test_under_allow_css_strings_are_recorded_and_urls_still_scrubbed(page, servers, capture, context):
    events = record(page, servers, capture, "allow")
    wire = capture.wire_text()
    for secret in SECRETS:
        assert (secret in wire) is (secret not in URL_SECRETS), secret
    assert wire.count("token=***") >= 4
    shown = replayed_styles(context, servers, events)
    assert shown["colours"] == EXPECTED_COLOURS
    assert shown["before"] == '"ZQCONTENT"' and shown["after"] == '"ZQINSERT"'
    assert shown["upgraded"] == ["upgraded late", "rgb(11, 22, 33)"]


# Every method and accessor the styles tracker wraps: the browser's own before, wrapped while
# recording, the browser's own again after Veil.stop(). Stashed before any page script runs.
WRAPPED = [["CSSStyleSheet", "insertRule"], ["CSSStyleSheet", "deleteRule"], ["CSSStyleSheet", "addRule"],
           ["CSSStyleSheet", "removeRule"], ["CSSStyleSheet", "replace"], ["CSSStyleSheet", "replaceSync"],
           ["CSSGroupingRule", "insertRule"], ["CSSGroupingRule", "deleteRule"], ["CSSStyleDeclaration", "setProperty"],
           ["CSSStyleDeclaration", "removeProperty"], ["Document", "adoptedStyleSheets"], ["ShadowRoot", "adoptedStyleSheets"],
           ["Element", "attachShadow"]]
PICK = "const pick = ([c, p]) => { const d = Object.getOwnPropertyDescriptor(window[c].prototype, p); return d.set || d.value; };"
STASH = PICK + " window.__native = %s.map(pick);"
NATIVE = "w => { " + PICK + " return w.map((x, i) => pick(x) === window.__native[i]); }"


def test_stop_restores_every_cssom_method_and_accessor(page, servers, capture):
    page.add_init_script(STASH % str(WRAPPED).replace("'", '"'))
    page.goto(f"{servers.site_url}/test-assets/cssom.html")
    page.wait_for_load_state("load")
    assert inject_veil(page, servers, {"defaultPrivacy": "mask"}) == {"recording": True}
    assert page.evaluate(NATIVE, WRAPPED) == [False] * len(WRAPPED)
    page.evaluate("() => Veil.stop()")
    assert page.evaluate(NATIVE, WRAPPED) == [True] * len(WRAPPED)
    page.evaluate("() => window.buildStyles()")  # the page's own calls still work, unrecorded
    assert page.evaluate("() => document.getElementById('dyn').sheet.cssRules.length") == 3
