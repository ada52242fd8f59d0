"""A whole visit, judged by what the real collector STORED: several page views of one tab, an
endpoint that hangs on a busy page, and the collector's per-session write key.

Each test serves its own site with the collector mounted on the same origin (as a proxy would),
from a fresh database, so what it reads back is that test's visit only.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount, Route

from veil_collector.app import CollectorSettings, create_app
from examples.demo.servers import DistFiles, _ThreadedServer, free_port
from tests.browser.conftest import BOOT_TIMEOUT_MS, Capture, replay
from tests.browser.test_transport_faults import start_recording
from veil.masking import MASKED_VALUE

TOKEN = "demo-client-token"
ASSETS = Path(__file__).parent / "assets"


def veil_page(title: str, body: str, config: dict[str, Any] | None = None) -> str:
    cfg = {"endpoint": "/v1/batches", "clientToken": TOKEN, "consent": "not-required", **(config or {})}
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<h1 data-veil="allow">{title}</h1>{body}'
            f'<script src="/static/veil/veil.js"></script><script>Veil.init({json.dumps(cfg)})</script></body></html>')


OPERATOR = "visit-operator-token"


class Site:
    """Pages + dist/ + the real collector (optionally behind a wrapper), on one origin."""

    def __init__(self, dist: Path, db: Path, pages: dict[str, str], wrap=None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.collector = create_app(CollectorSettings(db_path=db, client_token=TOKEN, allowed_origins=(self.url,),
                                                      operator_token=OPERATOR))
        self.store = self.collector.state.store

        async def serve(request: Request) -> HTMLResponse:
            if request.method == "POST":
                await request.body()  # the page's own form data: not Veil's business
            return HTMLResponse(pages[request.path_params["name"]])

        app = Starlette(routes=[
            Route("/pages/{name}", serve, methods=["GET", "POST"]),
            Mount("/static/veil", DistFiles(directory=dist)),
            Mount("/", wrap(self.collector) if wrap else self.collector),
        ])
        self.server = _ThreadedServer(app, self.port)

    def __enter__(self) -> Site:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def get(self, path: str) -> Any:
        # Reads are an operator's, as in production.
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {OPERATOR}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def only_session(self) -> str:
        sessions = self.get("/v1/sessions")
        assert len(sessions) == 1, sessions
        return sessions[0]["session"]


def wait_recording(page) -> None:
    page.wait_for_function("window.Veil && Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)


def flushed(page) -> dict[str, Any]:
    result = page.evaluate("() => Veil.flush()")
    assert result["sent"], result
    return result


def test_a_visit_of_four_page_views_is_stored_whole_replays_in_order_and_leaks_nothing_typed(context, servers, dist, tmp_path):
    # Load, reload, follow a link, post a form: four page views of one tab, one session.
    typed = {"a": "Quokka Zebra 1", "a-again": "Narwhal Okapi 2", "b": "Axolotl Tapir 3"}
    pages = {
        "a": veil_page("page a", '<input id="name" autocomplete="off"><a id="next" href="/pages/b">next</a>'),
        "b": veil_page("page b", '<form method="post" action="/pages/c"><input id="name" name="name" autocomplete="off">'
                                 '<button id="send">send</button></form>'),
        "c": veil_page("page c", "<p>thanks</p>"),
    }
    with Site(dist, tmp_path / "visit.sqlite3", pages) as site:
        page = context.new_page()
        page.goto(site.url + "/pages/a")
        wait_recording(page)
        page.type("#name", typed["a"])
        flushed(page)
        page.reload()
        wait_recording(page)
        page.type("#name", typed["a-again"])
        flushed(page)
        page.click("#next")
        page.wait_for_url("**/pages/b")
        wait_recording(page)
        page.type("#name", typed["b"])
        flushed(page)
        page.click("#send")
        page.wait_for_url("**/pages/c")
        wait_recording(page)
        page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0")

        session = site.only_session()
        assert len(site.store.views(session)) == 4, "every page view of the visit is stored"
        events = site.get(f"/v1/sessions/{session}/events")
        metas = [e["data"]["href"] for e in events if e["type"] == 4]
        assert [href.rsplit("/", 1)[-1] for href in metas] == ["a", "a", "b", "c"], "page views in the order visited"
        assert [e["type"] for e in events if e["type"] in (2, 4)] == [4, 2] * 4, "each view starts with meta + snapshot"
        stored = json.dumps(events, ensure_ascii=False)
        for text in typed.values():
            assert text not in stored, "typed text was stored"
        # Each field's last typed value is stored, masked to a fixed length (not even its length leaks).
        inputs = [e["data"]["text"] for e in events if e["type"] == 3 and e["data"].get("source") == 5]
        assert len(inputs) >= len(typed) and set(inputs) == {MASKED_VALUE}, inputs
        result = replay(context, servers, events)
        assert not result["errors"], result["errors"]
        assert "page c" in result["text"], "the replay plays through to the last page view"


class Hang:
    """Holds every batch POST unanswered while ``hanging`` is set (longer than the client's
    timeout), then lets it through to the collector, as a stalled endpoint that recovers does."""

    def __init__(self, app) -> None:
        self.app = app
        self.hanging = False
        self.held = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/batches" and scope["method"] == "POST":
            while self.hanging:
                self.held += 1
                await asyncio.sleep(0.1)
        await self.app(scope, receive, send)


def test_a_hung_endpoint_costs_bounded_memory_and_only_reported_loss(context, servers, dist, tmp_path):
    busy = (ASSETS / "busy.html").read_text()
    config = {"endpoint": "/v1/batches", "clientToken": TOKEN, "consent": "not-required",
              "requestTimeoutMs": 1000, "maxQueueBytes": 128 * 1024}
    script = f'<script src="/static/veil/veil.js"></script><script>Veil.init({json.dumps(config)})</script>'
    pages = {"busy": busy.replace("</body>", script + "</body>")}
    hang = None

    def wrap(app):
        nonlocal hang
        hang = Hang(app)
        return hang

    with Site(dist, tmp_path / "hung.sqlite3", pages, wrap) as site:
        page = context.new_page()
        capture = Capture(context, site.url + "/v1/batches")
        page.goto(site.url + "/pages/busy")
        wait_recording(page)
        page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0")
        hang.hanging = True
        page.evaluate("() => window.startMutating()")
        worker_queue, memory = [], []
        # Quiet, two batches overflow in about 5 s; on CI's two busy cores masking runs slower and
        # the outbox fills later. The loop ends as soon as they have.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and page.evaluate("Veil.stats().batchesDropped") < 2:
            stats = page.evaluate("Veil.stats()")
            worker_queue.append(stats["workerQueueBytes"])
            memory.append(stats["workerMemoryBytes"])
            page.wait_for_timeout(250)
        hang.hanging = False
        page.evaluate("() => window.stopMutating()")
        stats = page.evaluate("Veil.stats()")
        assert stats["batchesDropped"] >= 2, ("the hang never overflowed the outbox", stats)
        # The head batch may be waiting out its backoff when the endpoint recovers: after a long
        # hang (on CI's busy cores the outbox fills later) up to 30 s (delivery.mjs RETRY_CAP_MS),
        # and Veil.flush() respects it.
        deadline = time.monotonic() + 75
        while time.monotonic() < deadline and (page.evaluate("Veil.stats().queuedBatches") or
                                               page.evaluate("Veil.stats().queueDropped")):
            # A loss is reported in the next batch: give the idle page one change to carry it.
            page.evaluate("() => { document.body.dataset.tick = String(Date.now()); }")
            page.evaluate("() => Veil.flush()")
            page.wait_for_timeout(250)
        page.evaluate("() => Veil.flush()")
        stats = page.evaluate("Veil.stats()")
        assert stats["queuedBatches"] == 0 and stats["queueDropped"] == 0, stats
        # Measured: the busy page's snapshot is ~1.3 MB of masked JSON, and the worker's memory does
        # not grow during the hang (before the fix: events piled up in the worker, 30 -> 136 MB).
        assert max(worker_queue) <= 2 * 1024 * 1024, ("the worker holds about one batch, not the backlog", worker_queue)
        assert max(memory) - memory[0] <= 32 * 1024 * 1024, ("the worker's memory stays bounded", memory)

        session = site.only_session()
        stored = site.store.identities(session)
        assert len(stored) == len(set(stored)), "each batch stored once"
        (view,) = {v for v, _ in stored}
        seqs = {seq for _, seq in stored}
        missing = set(range(max(seqs) + 1)) - seqs
        reported = site.get("/v1/stats")["droppedBatches"]
        # A batch dropped after a timed-out attempt may still have reached the collector: reported
        # losses can exceed the true ones, never fall short of them.
        assert 0 < len(missing) <= reported, ("every batch not stored was reported dropped", missing, reported, stored)
        # What was stored is what was sent under that identity; after each gap, a full snapshot.
        sent = {(b["view"], b["seq"]): b for b in capture.batches()}
        after_gaps = [sent[(view, seq)] for seq in sorted(seqs) if seq - 1 in missing]
        assert after_gaps and all(b.get("dropped") for b in after_gaps), ("the batch after a gap reports it", missing, seqs)
        for gap_end in (b["seq"] for b in after_gaps):
            following = [e["type"] for seq in sorted(seqs) if seq >= gap_end for e in sent[(view, seq)]["events"]]
            assert following[:2] == [4, 2], "the replay after a gap starts from a full snapshot"


def test_the_session_write_key_is_kept_for_the_session_and_refusals_are_reported(page, servers):
    # The collector's half is another module's; its protocol is fixed: an answer may carry
    # "sessionKey", later batches of that session send it as X-Veil-Session-Key.
    seen: list[str | None] = []
    answers = [(200, {"ok": True, "sessionKey": "k_Session-1"})]

    async def ingest(request: Request) -> JSONResponse:
        await request.body()
        seen.append(request.headers.get("x-veil-session-key"))
        status, body = answers[0] if len(answers) == 1 else answers.pop(0)
        return JSONResponse(body, status_code=status)

    app = Starlette(routes=[Route("/v1/batches", ingest, methods=["POST"])],
                    middleware=[Middleware(CORSMiddleware, allow_origins=[servers.site_url], allow_methods=["POST"],
                                           allow_headers=["content-type", "content-encoding", "x-veil-token",
                                                          "x-veil-session-key"])])
    port = free_port()
    server = _ThreadedServer(app, port)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}/v1/batches"
        start_recording(page, servers, endpoint)
        page.evaluate("() => { window.__errors = []; Veil.on('error', e => window.__errors.push(e.message)); }")
        page.wait_for_function("Veil.stats().batchesSent >= 1")
        page.evaluate("() => { document.body.append('more'); return Veil.flush(); }")
        assert seen[0] is None and seen[-1] == "k_Session-1", seen
        session = page.evaluate("JSON.parse(sessionStorage.getItem('veil:session')).id")
        assert page.evaluate(f"sessionStorage.getItem('veil:session-key:{session}')") == '"k_Session-1"'
        # The next page view of the session (a reload) sends it from its first batch.
        count = len(seen)
        start_recording(page, servers, endpoint)
        page.wait_for_function("Veil.stats().batchesSent >= 1")
        assert seen[count:] and all(key == "k_Session-1" for key in seen[count:]), seen
        # The unload path (keepalive standby chunks) carries it too.
        count = len(seen)
        page.evaluate("() => document.body.append('before unload')")
        page.wait_for_timeout(300)  # the observation reaches the worker, which prepares the chunks
        page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide'))")
        page.wait_for_function("Veil.stats().batchesSent >= 2")
        assert seen[count:] and all(key == "k_Session-1" for key in seen[count:]), seen
        page.evaluate("() => { window.__errors = []; Veil.on('error', e => window.__errors.push(e.message)); }")
        answers[:] = [(403, {"ok": False, "error": "wrong session key for this session"}), (413, {"ok": False, "error": "body exceeds 2097152 bytes"}),
                      (200, {"ok": True})]
        for text in ("refused", "too large"):
            page.evaluate("t => { document.body.append(t); return Veil.flush(); }", text)
        # Flush resolves at the hand-over; the answers arrive after it. A refused key for the
        # current session also moves the recording to a new session (its snapshot meets the 413).
        page.wait_for_function("() => Veil.stats().batchesFailed >= 2", timeout=20_000)
        stats = page.evaluate("Veil.stats()")
        assert (stats["batchesRefused"], stats["batchesTooLarge"], stats["batchesFailed"]) == (1, 1, 2), stats
        page.wait_for_function(f"() => JSON.parse(sessionStorage.getItem('veil:session')).id !== '{session}'",
                               timeout=20_000)
        errors = page.evaluate("window.__errors")
        assert any("session key" in e for e in errors) and any("413" in e for e in errors), errors
    finally:
        server.stop()
