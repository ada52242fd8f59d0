"""Replay fidelity on real component pages, as benchmarks/fidelity.py measures it (./dev bench-fidelity).

A page built from a library installed from npm is recorded by Veil at ``allow`` and by rrweb's own
``record``; each recording is replayed in rrweb's Replayer and screenshot against the original.
What a site owner relies on: Veil's replay looks at least as much like the page as rrweb's does.
rrweb's own score is checked too, so a broken harness (a blank replay, a wrong viewport) fails
here instead of passing as "both equally bad".
"""

from __future__ import annotations

import pytest

from benchmarks.fidelity import build_pages, measure_page, new_context
from examples.demo.servers import start_servers

# The whole benchmark has five pages; these three (styles inserted by CSS-in-JS, web components
# with adopted sheets, a rich-text editor) keep this test to a few seconds each.
PAGES = ["emotion", "shoelace", "quill"]


@pytest.fixture(scope="module")
def fidelity_servers(dist, tmp_path_factory):
    served = tmp_path_factory.mktemp("fidelity")
    build_pages(served, PAGES)
    running = start_servers(dist, tmp_path_factory.mktemp("fidelity-db") / "collector.sqlite3", extra_dirs={"/fidelity": served})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def comparer(browser, fidelity_servers):
    context = new_context(browser)
    page = context.new_page()
    page.goto(fidelity_servers.site_url + "/fidelity/replay.html")
    yield page
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_veil_replays_a_component_page_at_least_as_faithfully_as_rrweb(browser, fidelity_servers, comparer, name):
    result = measure_page(browser, fidelity_servers, comparer, name, None)
    veil, rrweb = result["veil"], result["rrweb"]
    assert result["original_vs_original"] > 0.99, "the page does not look the same twice: the comparison means nothing"
    assert rrweb["similarity"] > 0.95, f"rrweb's own replay looks wrong ({rrweb['similarity']:.3f}): the harness is broken"
    assert veil["content_pixels"] > 1000, "the page drew next to nothing"
    assert veil["similarity"] >= rrweb["similarity"], f"Veil {veil['similarity']:.3f} < rrweb {rrweb['similarity']:.3f}"
    assert not veil["page_errors"] and not veil["replay_errors"]
