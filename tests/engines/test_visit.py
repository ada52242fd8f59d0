"""A whole visit in each engine, judged by what the collector STORED: four page views of one tab
(load, reload, a link, a form post) are one session, in order, each starting with its snapshot,
what the visitor typed stored only as the fixed mask, and the visit replays to its last page in
rrweb's Replayer on the same engine."""

from __future__ import annotations

import json

from tests.engines.conftest import delivered, flush, page_errors, replay, wait_recording
from tests.engines.site import Site, veil_page
from veil.masking import MASKED_VALUE


def test_a_visit_of_four_page_views_is_stored_whole_in_order_and_masked(engine, page, dist, tmp_path):
    typed = {"a": "Quokka Zebra", "a-again": "Narwhal Okapi", "b": "Axolotl Tapir"}
    pages = {
        "a": veil_page("page a", '<input id="name" autocomplete="off"><a id="next" href="/pages/b">next</a>'),
        "b": veil_page("page b", '<form method="post" action="/pages/c"><input id="name" name="name" autocomplete="off">'
                                 '<button id="send">send</button></form>'),
        "c": veil_page("page c", "<p>thanks</p>"),
    }
    with Site(dist, tmp_path / "visit.sqlite3", pages) as site:
        page.goto(site.url + "/pages/a")
        wait_recording(page)
        page.type("#name", typed["a"])
        flush(page)
        page.reload()
        wait_recording(page)
        page.type("#name", typed["a-again"])
        flush(page)
        page.click("#next")
        page.wait_for_navigation("/pages/b")
        wait_recording(page)
        page.type("#name", typed["b"])
        flush(page)
        page.click("#send")
        page.wait_for_navigation("/pages/c")
        wait_recording(page)
        delivered(page)
        assert page_errors(page) == []

        session = site.only_session()
        assert len(site.store.views(session)) == 4, "every page view of the visit is stored"
        events = site.stored_events(session)
        metas = [e["data"]["href"] for e in events if e["type"] == 4]
        assert [href.rsplit("/", 1)[-1] for href in metas] == ["a", "a", "b", "c"], "page views in the order visited"
        assert [e["type"] for e in events if e["type"] in (2, 4)] == [4, 2] * 4, "each view starts with meta + snapshot"
        stored = json.dumps(events, ensure_ascii=False)
        for text in typed.values():
            for word in text.split():
                assert word not in stored, f"typed {word!r} was stored"
        inputs = [e["data"]["text"] for e in events if e["type"] == 3 and e["data"].get("source") == 5]
        assert len(inputs) >= len(typed) and set(inputs) == {MASKED_VALUE}, inputs
        result = replay(page, site.url, events)
        assert result["errors"] == [], result["errors"]
        assert "page c" in result["text"], "the replay plays through to the last page view"
