"""The collector's ingest throughput, measured against the HTTP stack's own limit, in one run.

    .venv/bin/python benchmarks/collector.py [--sessions 80] [--batches 5] [--concurrency 16]
    (or ./dev bench-collector, which installs PostgreSQL first when it is missing)

Targets, each a real server process on loopback fed the same batches (rrweb-shaped, 5–50 KB
gzip, many sessions, about 5 % sent twice as retries do) by a bounded load generator (a fixed
number of keep-alive connections, asyncio):
  noop        a Starlette endpoint that reads the body and answers 200: the HTTP stack's limit
  sqlite      the collector on SQLite
  pg x1/x2    the collector on PostgreSQL (a throwaway durable cluster), one and two processes
Prints batches/s, p50, p99, errors, the ratio to the no-op endpoint, and checks that every
acknowledged batch was stored exactly once. Results also go to benchmarks/collector-results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.collector_batches import session_batches  # noqa: E402

TOKEN = "bench-token"
MASTER = "42" * 32


# -- servers (run in child processes) ------------------------------------------------------------
def serve(kind: str, port: int, database: str, workers: int) -> None:
    import uvicorn

    if kind == "noop":
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def ingest(request: Request) -> JSONResponse:
            await request.body()
            return JSONResponse({"ok": True, "duplicate": False})

        async def healthz(request: Request) -> JSONResponse:
            return JSONResponse({"ok": True})

        app = Starlette(routes=[Route("/v1/batches", ingest, methods=["POST"]), Route("/healthz", healthz)])
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        return
    from examples.collector.app import CollectorSettings, create_app

    settings = CollectorSettings(db_path=database, client_token=TOKEN, rate_per_second=1e9, rate_burst=10**9)
    if workers > 1:
        from examples.collector.workers import run

        run(settings, "127.0.0.1", port, workers)
    else:
        uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def start_server(kind: str, database: str = "", workers: int = 1) -> tuple[subprocess.Popen, int]:
    from examples.demo.servers import free_port

    port = free_port()
    env = {**os.environ, "VEIL_MASTER_KEY": MASTER, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--port", str(port), "--database", database,
                             "--workers", str(workers)], env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if asyncio.run(_request(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{kind} did not start")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


# -- load generator --------------------------------------------------------------------------------
async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _request(port: int, raw: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        return await asyncio.wait_for(_read_response(reader), 10)
    finally:
        writer.close()


def build_request(body: bytes) -> bytes:
    return (b"POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Encoding: gzip\r\nX-Veil-Token: " + TOKEN.encode() + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


async def load(port: int, jobs: list[tuple[tuple[str, str, int], bytes]], concurrency: int) -> dict:
    """Send every job once over ``concurrency`` keep-alive connections; time each request."""
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []
    acknowledged: list[tuple[str, str, int]] = []
    errors: dict[str, int] = {}

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not queue.empty():
                ident, raw = queue.get_nowait()
                started = time.perf_counter()
                try:
                    writer.write(raw)
                    await writer.drain()
                    status, payload = await asyncio.wait_for(_read_response(reader), 30)
                except (TimeoutError, OSError, asyncio.IncompleteReadError) as err:
                    errors[type(err).__name__] = errors.get(type(err).__name__, 0) + 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - started)
                if status == 200 and json.loads(payload).get("ok"):
                    acknowledged.append(ident)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(jobs), "seconds": round(elapsed, 2), "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1) if latencies else None,
        "errors": sum(errors.values()), "error_kinds": errors, "acknowledged": acknowledged,
    }


def check_stored(database: str, acknowledged: list[tuple[str, str, int]]) -> str:
    """'yes' when every acknowledged batch is stored and nothing twice, else what went wrong."""
    from examples.collector.storage import Store

    store = Store(database, master_key=bytes.fromhex(MASTER))
    try:
        distinct = set(acknowledged)
        stored: set[tuple[str, str, int]] = set()
        for session in {s for s, _, _ in distinct}:
            ids = store.identities(session)
            if len(ids) != len(set(ids)):
                return f"duplicates in {session}"
            stored |= {(session, v, q) for v, q in ids}
        missing = distinct - stored
        if missing:
            return f"{len(missing)} acknowledged batches missing"
        total = store.totals()["batches"]
        return "yes" if total == len(distinct) else f"{total} stored for {len(distinct)} distinct"
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=80)
    parser.add_argument("--batches", type=int, default=5, help="batches per session")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--targets", default="noop,sqlite,pg1,pg2")
    parser.add_argument("--rounds", type=int, default=2,
                        help="runs per target, interleaved; the best is kept (the machine may be shared)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", default="", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.database, args.workers)
        return

    batches = [b for s in range(args.sessions) for b in session_batches(s, args.batches)]
    # Interleave sessions as live tabs do, and resend about 5 % later (a retry after a lost answer).
    batches.sort(key=lambda b: (b[2], b[0]))
    jobs = [((s, v, q), build_request(body)) for s, v, q, body in batches]
    jobs += jobs[:: 20]
    sizes = sorted(len(b[3]) for b in batches)
    print(f"{len(batches)} batches from {args.sessions} sessions (+{len(jobs) - len(batches)} resent), gzip "
          f"{sizes[0] // 1024}–{sizes[-1] // 1024} KB (median {sizes[len(sizes) // 2] // 1024} KB), "
          f"concurrency {args.concurrency}, {os.cpu_count()} CPUs")

    targets = args.targets.split(",")
    cluster = None
    if any(t.startswith("pg") for t in targets):
        from tests.pgcluster import Cluster, find_bindir

        bindir = find_bindir()
        if bindir is None:
            print("PostgreSQL is not installed (./dev bench-collector installs it): skipping pg targets")
            targets = [t for t in targets if not t.startswith("pg")]
        else:
            cluster = Cluster(bindir, durable=True).start()
    results = {}
    tmp = Path(tempfile.mkdtemp(prefix="veil-bench-"))
    try:
        for round_ in range(args.rounds):
            for target in targets:
                if target == "noop":
                    database, workers, kind = "", 1, "noop"
                elif target == "sqlite":
                    database, workers, kind = str(tmp / f"bench{round_}.sqlite3"), 1, "collector"
                else:
                    database = cluster.create_database(f"bench_{target}_{round_}")
                    workers, kind = int(target[2:]), "collector"
                proc, port = start_server(kind, database, workers)
                try:
                    result = asyncio.run(load(port, jobs, args.concurrency))
                finally:
                    stop_server(proc)
                result["stored_once"] = check_stored(database, result["acknowledged"]) if kind == "collector" else "-"
                result["acknowledged"] = len(result["acknowledged"])
                print(f"  round {round_ + 1} {target}: {result['per_second']}/s, stored once: {result['stored_once']}",
                      flush=True)
                best = results.get(target)
                if best is not None and best["stored_once"] != "yes" and best["stored_once"] != "-":
                    continue  # a failed check is kept: it must show in the table
                if best is None or result["per_second"] > best["per_second"] or result["stored_once"] not in ("yes", "-"):
                    results[target] = result
    finally:
        if cluster:
            cluster.stop()

    base = results.get("noop", {}).get("per_second")
    print(f"\n{'target':<10} {'batches/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs no-op':>9}  stored once")
    for target, r in results.items():
        ratio = f"{r['per_second'] / base:.2f}" if base else "-"
        r["ratio"] = ratio
        print(f"{target:<10} {r['per_second']:>10} {r['p50_ms']:>8} {r['p99_ms']:>8} {r['errors']:>7} {ratio:>9}  "
              f"{r['stored_once']}")
    (ROOT / "benchmarks" / "collector-results.json").write_text(json.dumps(
        {"batches": len(batches), "sessions": args.sessions, "concurrency": args.concurrency, "results": results},
        indent=2) + "\n")


if __name__ == "__main__":
    main()
