"""The collector's replay viewer in each engine: a session recorded in that engine plays to its end
in the viewer on that engine, masked, in the form's layout, and nothing the recording carried can
run. Each engine's screenshot is kept in test-artifacts/viewer-<engine>.png."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_viewer import HOSTILE
from tests.engines.conftest import page_errors, wait_recording
from tests.engines.site import OPERATOR, Site, veil_page

FORM = """<form id="checkout-form"><label for="name">Name</label><input id="name" autocomplete="off">
<label for="email">Email</label><input id="email" type="email" autocomplete="off">
<p>Acme Corporation, order 1234</p><button id="checkout" type="button">Pay</button></form>"""
READ = """() => {
    const frame = document.querySelector(".rr-player iframe");
    const doc = frame && frame.contentDocument;
    if (!doc || !doc.body) return null;
    return {
        text: doc.body.innerText,
        name: doc.querySelectorAll("#name").length,
        checkout: doc.querySelectorAll("#checkout").length,
        nameValue: doc.querySelector("#name") && doc.querySelector("#name").getAttribute("value"),
        values: Array.from(doc.querySelectorAll("input"), (e) => e.value),
        images: doc.querySelectorAll("img").length,
        pwned: window.__pwned === undefined ? null : window.__pwned,
    };
}"""


def test_the_viewer_plays_the_masked_session_to_the_end_and_runs_nothing(engine, page, dist, tmp_path):
    with Site(dist, tmp_path / "viewer.sqlite3", {"form": veil_page("checkout", FORM)}) as site:
        page.goto(site.url + "/pages/form")
        wait_recording(page)
        page.type("#name", "Grace Hopper")
        page.type("#email", "grace@navy.example")
        page.evaluate(HOSTILE)
        page.click("#checkout")
        assert page.evaluate("() => Veil.flush()")["sent"] is True
        session = site.only_session()

        page.goto(f"{site.url}/viewer/#session={session}&token={OPERATOR}")
        page.wait_for("(s) => window.veilViewer && window.veilViewer.session === s", session, timeout_s=30)
        assert "token" not in page.url, "the operator token must leave the address bar"
        page.evaluate("() => { const p = window.veilViewer.player; p.goto(p.getMetaData().totalTime, false); }")
        page.sleep(500)
        shown = page.wait_for(READ, timeout_s=10)
        assert "Grace" not in shown["text"] and "Acme" not in shown["text"] and "****" in shown["text"], shown
        assert shown["name"] == 1 and shown["checkout"] == 1, shown
        assert shown["nameValue"] in ("********", None) and "Grace Hopper" not in shown["values"], shown
        assert shown["images"] >= 1, "the hostile image replays as an element"
        assert shown["pwned"] is None, "a recorded script or handler ran in the viewer"
        assert page_errors(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"viewer-{engine.name}.png"
        page.screenshot(shot)
        assert shot.stat().st_size > 10_000
