"""The session index at scale: list and search queries over 100,000 visits, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/operators.py [--visits 100000] [--repeat 40] [--backends sqlite postgres]
    (or ./dev bench-operators, which installs PostgreSQL first when it is missing)

What it does: makes ``--visits`` visits of a made-up shop (seeded, so every run has the same data:
home, categories, products, cart, checkout, payment, thank-you, with drop-offs; clicks on named
and masked targets, errors, failed requests, rage and dead clicks; starts over 90 days), folds
each visit's batches into its index row with the collector's own fold (``visits.index``), seals
what the collector seals (each visit's state with a key of its own, the dictionary of paths and
names with the index key) and writes the rows in bulk into a fresh database of each backend (a
throwaway PostgreSQL cluster, durable). It does not store the batches' events: list and search
read only the index tables.
Then it asks each query of ``QUERIES`` through the storage's own ``search_visits`` (what
``GET /v1/sessions`` and the agent tools call: SQL, rows, summaries), ``--repeat`` times after
one warm-up, and prints p50, p95 and max in milliseconds, and how many visits the page showed.
The target: p95 <= 100 ms for every query on both backends. Results go to
benchmarks/operators-results.json. Timings taken while the machine is busy are noisy: the table
prints the load average beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from veil_collector.visits import store  # noqa: E402
from veil_collector.visits.index import batch_facts  # noqa: E402
from veil_collector.visits.search import parse_search  # noqa: E402

MASTER = bytes.fromhex("42" * 32)
DAY_MS = 86_400_000
END_MS = 1_780_000_000_000  # the newest visit starts about here (2026-05-28)
BUTTONS = ["Add to cart", "Checkout", "Pay now", "Continue", "Apply coupon", "Sign in", "Search", "Next", "Back",
           "Show more", "Filter", "Sort by price", "Contact us", "Track order", "Request a refund", "Subscribe"]
MASKED = ["***** **", "****", "** ******* ****"]

# (label, query): what an operator asks most, and the hard cases (no match, rare match, deep page).
QUERIES = [
    ("list, newest first", ""),
    ("list, page 21 (offset 1000)", "offset=1000"),
    ("reached /checkout, not /thank-you", "visited=/checkout&notVisited=/thank-you"),
    ("viewed a product, longest first", "visited=/product/*&sort=-duration"),
    ("has an error", "errors=1"),
    ("rage clicks", "frustration=rage"),
    ("dead clicks, most frustrated first", "frustration=dead&sort=-frustrations"),
    ("longer than 20 min", "minDuration=1200"),
    ("one day", "from=2026-05-01&to=2026-05-02"),
    ("clicked 'Pay now'", "clicked=pay now"),
    ("clicked 'request a*' (rare)", "clicked=request a*"),
    ("checkout + error + last 7 days", "visited=/checkout*&errors=1&from=2026-05-21"),
    ("payment page, rage, 10 s-5 min", "visited=/checkout/payment&frustration=rage&minDuration=10&maxDuration=300"),
    ("no match (/nowhere)", "visited=/nowhere"),
    ("never /cart, oldest first", "notVisited=/cart&sort=start"),
]


# -- data -----------------------------------------------------------------------------------------

def _visit_pages(rnd: random.Random) -> list[str]:
    pages = ["/"]
    if rnd.random() < 0.4:
        pages.append("/search")
    for _ in range(rnd.choice((0, 1, 1, 2, 3))):
        pages.append(f"/category/c{rnd.randrange(20)}")
        for _ in range(rnd.choice((0, 1, 2, 4))):
            pages.append(f"/product/{rnd.randrange(5000)}")
            if rnd.random() < 0.1:
                pages.append(f"/product/{rnd.randrange(5000)}/reviews")
    if rnd.random() < 0.35:
        pages.append("/cart")
        if rnd.random() < 0.6:
            pages.append("/checkout")
            if rnd.random() < 0.7:
                pages.append("/checkout/payment")
                if rnd.random() < 0.8:
                    pages.append("/thank-you")
    if rnd.random() < 0.1:
        pages.append(rnd.choice(["/account", "/help", "/orders", "/refunds"]))
    return pages


def visit_batches(rnd: random.Random, start: float) -> list[tuple[str, list[dict[str, Any]]]]:
    """One visit as its page views' batches: (view, events)."""
    out: list[tuple[str, list[dict[str, Any]]]] = []
    at = start
    for n, path in enumerate(_visit_pages(rnd)):
        view = f"{rnd.getrandbits(64):016x}"
        events: list[dict[str, Any]] = [
            {"type": 4, "data": {"href": f"https://shop.example{path}", "width": 1280, "height": 720}, "timestamp": at},
            {"type": 2, "data": {"node": {"type": 0, "id": 1, "childNodes": []}, "initialOffset": {"top": 0, "left": 0}},
             "timestamp": at + 5}]
        at += 50
        for _ in range(rnd.choice((0, 1, 2, 3, 5))):
            at += rnd.expovariate(1 / 8000)
            node = rnd.randrange(5, 400)
            events.append({"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": rnd.randrange(1280),
                                               "y": rnd.randrange(720)}, "timestamp": at})
            if rnd.random() < 0.6:
                name = rnd.choice(BUTTONS) if rnd.random() < 0.7 else rnd.choice(MASKED)
                events.append({"type": 5, "data": {"tag": "veil:action", "payload": {"id": node, "name": name}},
                               "timestamp": at + 1})
            if rnd.random() < 0.04:
                kind = rnd.choice(("rage", "dead", "dead", "error"))
                events.append({"type": 5, "data": {"tag": "veil:frustration", "payload": {"kind": kind, "id": node,
                                                                                           "x": 10, "y": 10}},
                               "timestamp": at + 1500})
        if rnd.random() < 0.15:
            at += rnd.expovariate(1 / 20000)
            events.append({"type": 3, "data": {"source": 5, "id": 9, "text": "********"}, "timestamp": at})
        if rnd.random() < 0.02:
            events.append({"type": 5, "data": {"tag": "veil:error", "payload": {"kind": "error", "type": "TypeError",
                                                                             "message": "*** is not a function"}},
                           "timestamp": at + 10})
        if rnd.random() < 0.05:
            events.append({"type": 5, "data": {"tag": "veil:network", "payload": {"method": "POST", "url": "https://shop.example/api/x",
                                                                               "status": rnd.choice((500, 502, 0, 404))}},
                           "timestamp": at + 20})
        at += rnd.expovariate(1 / 30000) + (rnd.expovariate(1 / 600_000) if n == 0 and rnd.random() < 0.05 else 0)
        events.append({"type": 3, "data": {"source": 1, "positions": []}, "timestamp": at})
        cut = rnd.randrange(1, len(events)) if len(events) > 3 and rnd.random() < 0.5 else len(events)
        out.append((view, events[:cut]))
        if cut < len(events):
            out.append((view, events[cut:]))
    return out


def visits(n: int, seed: int = 30) -> Iterator[tuple[str, list[tuple[str, list[dict[str, Any]]]], float]]:
    """``n`` visits (session, batches, received at), oldest first, the same for the same seed."""
    rnd = random.Random(seed)
    for i in range(n):
        start = END_MS - 90 * DAY_MS + i * (90 * DAY_MS / n) + rnd.random() * 1000
        yield f"{rnd.getrandbits(128):032x}", visit_batches(rnd, start), start / 1000 + 5


# -- loading --------------------------------------------------------------------------------------

class Collect:
    """An ``execute`` for ``visits.store`` that collects the writes, to run them in bulk."""

    def __init__(self) -> None:
        self.rows: dict[str, list[list[Any]]] = defaultdict(list)

    def __call__(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        self.rows[sql].append(list(params))
        return []


class BulkKeys:
    """The storage's index keys (``storage.index_crypto.IndexCipher``), with term ids handed out here
    (the terms are written in bulk with explicit ids, like every other row)."""

    TERM_SQL = "INSERT INTO index_terms (id, kind, tag, sealed) VALUES (?, ?, ?, ?)"

    def __init__(self) -> None:
        from veil_collector.storage.index_crypto import IndexCipher

        self.cipher = IndexCipher(MASTER)
        self.ids: dict[tuple[str, str], int] = {}

    def term_id(self, execute: Any, kind: str, value: str) -> int:
        found = self.ids.get((kind, value))
        if found is None:
            found = self.ids[(kind, value)] = len(self.ids) + 1
            execute(self.TERM_SQL, (found, kind, self.cipher.tag(kind, value), self.cipher.seal_term(kind, value)))
        return found

    def seal_state(self, key: Any, session: str, plaintext: bytes, part: str = "state") -> bytes:
        return self.cipher.seal_state(key, session, plaintext, part)


def fold_visit(collect: Collect, keys: BulkKeys, session: str, batches: list[tuple[str, list[dict[str, Any]]]],
               received: float) -> None:
    """Fold a visit's batches in order (as ingest does), then write its final rows once, sealed
    with a key of its own as the collector does."""
    from veil_collector.storage import crypto
    from veil_collector.visits.index import fold

    row = None
    clicks, paths, names = [], [], []
    seen: set[str] = set()
    for view, events in batches:
        done = fold(row, session, view, batch_facts(events), events=len(events), body_bytes=len(events) * 300,
                    dropped=0, new_view=view not in seen, received_at=received)
        seen.add(view)
        row = done.row
        clicks += done.clicks
        paths += done.paths
        names += done.names
    assert row is not None
    master = crypto.check_master_key(MASTER)
    wrapped = crypto.new_wrapped_key(master, session)
    collect.rows["INSERT INTO session_keys (session, wrapped, created_at) VALUES (?, ?, ?)"].append([session, wrapped, received])
    store.write(collect, keys, crypto.unwrap(master, session, wrapped), store.Folded(row, clicks, paths, names))  # type: ignore[arg-type]


def load(n: int, flush: Callable[[dict[str, list[list[Any]]]], None], every: int = 5000) -> float:
    """Generate, fold and write ``n`` visits in bulk; seconds taken."""
    began = time.perf_counter()
    collect = Collect()
    keys = BulkKeys()
    for i, (session, batches, received) in enumerate(visits(n), 1):
        fold_visit(collect, keys, session, batches, received)
        if i % every == 0 or i == n:
            flush(collect.rows)
            collect.rows.clear()
            print(f"  {i} visits", end="\r", flush=True)
    print()
    return time.perf_counter() - began


_FIRST = ("session_keys", "index_terms")  # what other rows point at goes first


def sqlite_flush(path: str) -> Callable[[dict[str, list[list[Any]]]], None]:
    import sqlite3

    def flush(rows: dict[str, list[list[Any]]]) -> None:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("BEGIN")
        for sql in sorted(rows, key=lambda s: not any(t in s for t in _FIRST)):
            db.executemany(sql, rows[sql])
        db.execute("COMMIT")
        db.close()

    return flush


def postgres_flush(url: str) -> Callable[[dict[str, list[list[Any]]]], None]:
    import psycopg

    def flush(rows: dict[str, list[list[Any]]]) -> None:
        with psycopg.connect(url) as conn, conn.cursor() as cur:
            for sql in sorted(rows, key=lambda s: not any(t in s for t in _FIRST)):
                cur.executemany(sql.replace("?", "%s"), rows[sql])

    return flush


# -- measuring ------------------------------------------------------------------------------------

def measure(search_visits: Callable[[Any], list[dict[str, Any]]], repeat: int) -> list[dict[str, Any]]:
    """Each query, ``repeat`` times after a warm-up (the first search also opens the dictionary of
    terms, once per process: its time is printed apart)."""
    import orjson

    results = []
    for label, query in QUERIES:
        search = parse_search(parse_qs(query))
        search_visits(search)  # warm-up
        times = []
        shown = 0
        for _ in range(repeat):
            began = time.perf_counter()
            rows = search_visits(search)
            orjson.dumps(rows[:search.limit])  # what the route serializes
            times.append((time.perf_counter() - began) * 1000)
            shown = min(len(rows), search.limit)
        times.sort()
        results.append({"query": label, "params": query, "p50": statistics.median(times),
                        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], "max": times[-1],
                        "shown": shown})
    return results


def run_backend(kind: str, n: int, repeat: int, workdir: str) -> tuple[list[dict[str, Any]], float]:
    from veil_collector.storage import open_storage

    if kind == "sqlite":
        where = os.path.join(workdir, "operators.sqlite3")
        storage = open_storage(where, MASTER)
        flush = sqlite_flush(where)
        cluster = None
    else:
        from tests.pgcluster import Cluster, find_bindir

        bindir = find_bindir()
        if bindir is None:
            raise SystemExit("PostgreSQL is not installed (./dev bench-operators installs it)")
        cluster = Cluster(bindir, durable=True).start()
        where = cluster.create_database("operators")
        storage = open_storage(where, MASTER)
        flush = postgres_flush(where)
    try:
        print(f"{kind}: loading {n} visits")
        seconds = load(n, flush)
        if kind == "sqlite":
            import sqlite3

            db = sqlite3.connect(where)
            db.execute("ANALYZE")
            db.close()
        else:
            import psycopg

            with psycopg.connect(where, autocommit=True) as conn:
                conn.execute("SELECT setval(pg_get_serial_sequence('index_terms', 'id'), (SELECT MAX(id) FROM index_terms))")
                conn.execute("ANALYZE")
        print(f"{kind}: loaded in {seconds:.0f} s; measuring")
        began = time.perf_counter()
        storage.search_visits(parse_search(parse_qs("visited=/")))
        print(f"{kind}: first search, opening the dictionary of terms: {(time.perf_counter() - began) * 1000:.0f} ms")
        return measure(storage.search_visits, repeat), seconds
    finally:
        storage.close()
        if cluster is not None:
            cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "operators-results.json"))
    args = parser.parse_args()
    by_backend: dict[str, list[dict[str, Any]]] = {}
    loaded: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="veil-operators-") as workdir:
        for kind in args.backends:
            by_backend[kind], loaded[kind] = run_backend(kind, args.visits, args.repeat, workdir)
    load_avg = os.getloadavg()[0]
    print(f"\n{args.visits} visits, {args.repeat} runs per query after a warm-up; load average {load_avg:.1f} "
          f"on {os.cpu_count()} CPUs; ms")
    header = f"{'query':42}" + "".join(f" {kind + ' p50':>12} {kind + ' p95':>12}" for kind in by_backend) + f" {'shown':>6}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for i, (label, _) in enumerate(QUERIES):
        cells = ""
        for kind in by_backend:
            r = by_backend[kind][i]
            cells += f" {r['p50']:12.1f} {r['p95']:12.1f}"
            worst = max(worst, r["p95"])
        print(f"{label:42}{cells} {by_backend[next(iter(by_backend))][i]['shown']:6d}")
    verdict = "meets" if worst <= 100 else "MISSES"
    print(f"\nworst p95: {worst:.1f} ms: {verdict} the target (p95 <= 100 ms)")
    Path(args.out).write_text(json.dumps({"visits": args.visits, "repeat": args.repeat, "loadAverage": load_avg,
                                          "loadSeconds": loaded, "results": by_backend, "worstP95": worst}, indent=1) + "\n")


if __name__ == "__main__":
    main()
