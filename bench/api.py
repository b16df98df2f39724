"""Throughput of GET /connectedcar/v2/vehicles/{id}/lastPosition against a bare Starlette baseline.

    .venv/bin/python bench/api.py [--requests 20000] [--concurrency 32] [--rounds 3]

Two servers, one process each, on loopback, over the same SQLite database:
  full  `connectedcar serve`: the real app (OAuth2 bearer check, client_id, rate limiting, ownership
        check, SQLite read, GeoJSON rendering); the rate limit is raised through
        CONNECTEDCAR_RATE_LIMIT_REQUESTS so that no 429 distorts the numbers, but stays in the path.
  bare  a Starlette route running the same statement as the endpoint (store.history.vehicle_last_position:
        ownership and last position in one round trip) on an engine built
        the same way (store.database.create_store_engine), returning the position as JSON.
The load comes from this process (not the servers'): a fixed number of requests over a fixed number
of concurrent keep-alive connections, every response checked to be 200. Rounds alternate the
order of the two targets; the best round of each is reported (the least disturbed by the machine).
Benchmarks are not tests: the ratio (full / bare) is printed, not asserted; the target is >= 0.6.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

HOST = "127.0.0.1"
PATH = "/connectedcar/v2/vehicles/{id}/lastPosition"


# -- the bare baseline server ---------------------------------------------------------------------


def serve_bare(database_url: str, port: int) -> None:
    import orjson
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from connectedcar.store import history
    from connectedcar.store.store import Store

    store = Store.open(database_url, migrate_schema=False)

    async def last_position(request: Request) -> Response:
        vehicle_id = request.path_params["id"]
        _, _, found = store.call(lambda conn: history.vehicle_last_position(conn, vehicle_id))
        if found is None:
            return Response(status_code=404)
        body = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [found.lon, found.lat, found.alt]},
            "properties": {"id": found.id, "heading": found.heading, "createdAt": found.recorded_at.isoformat()},
        }
        return Response(orjson.dumps(body), media_type="application/geo+json")

    async def health(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    app = Starlette(routes=[Route(PATH, last_position), Route("/health", health)])
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False, lifespan="off")


# -- fixture data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    database_url: str
    client_id: str
    token: str
    vehicle_id: str


def build_fixture(directory: Path, vehicles: int = 20, positions: int = 500) -> Fixture:
    """A user with `vehicles` vehicles of `positions` positions each; the bench reads one of them."""
    from connectedcar import provision
    from connectedcar.config import Settings
    from connectedcar.domain.entities import Position
    from connectedcar.domain.ids import position_id
    from connectedcar.runtime import build_runtime
    from connectedcar.store import history

    url = f"sqlite:///{directory / 'bench.db'}"
    runtime = build_runtime(Settings(database_url=url))
    try:
        clock = runtime.clock
        with runtime.store.transaction() as conn:
            user = provision.create_user(conn, clock, email="bench@example.com", password="Bench-p4ss")
            client = provision.create_client(conn, clock, name="bench", redirect_uris=["http://127.0.0.1:9/cb"])
            ids = []
            for n in range(vehicles):
                vehicle = provision.create_vehicle(
                    conn, clock, vin=f"VF3BENCH{n:09d}", owner_email="bench@example.com", energy="Electric"
                )
                ids.append(vehicle.id)
                start = clock.now() - timedelta(days=1)
                history.add_positions(
                    conn,
                    [
                        Position(
                            id=position_id(vehicle.id, 1, start + timedelta(seconds=60 * i)),
                            vehicle_id=vehicle.id,
                            recorded_at=start + timedelta(seconds=60 * i),
                            lon=2.35 + i / 10_000,
                            lat=48.85,
                            alt=35.0,
                            heading=90.0,
                            speed=50.0,
                        )
                        for i in range(positions)
                    ],
                    clock.now(),
                )
            pair = runtime.tokens.issue_direct(conn, client_id=client.client.client_id, user_id=user.id)
    finally:
        runtime.close()
    return Fixture(url, client.client.client_id, pair.access_token, ids[len(ids) // 2])


# -- servers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Target:
    name: str
    url: str
    headers: dict[str, str]
    process: subprocess.Popen[bytes]


def start(name: str, command: list[str], env: dict[str, str], url: str, headers: dict[str, str], port: int) -> Target:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} server exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(f"http://{HOST}:{port}/health", timeout=1).status_code == 200:
                return Target(name, url, headers, process)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{name} server did not start in 30 s")


def stop(target: Target) -> None:
    target.process.send_signal(signal.SIGINT)
    try:
        target.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        target.process.kill()
        target.process.wait()


# -- load -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def load(target: Target, requests: int, concurrency: int, seconds_allowed: float) -> Result:
    """`requests` GETs over `concurrency` keep-alive HTTP/1.1 connections.

    A minimal client on asyncio streams: httpx's async pool tops out near 600 req/s at 32 connections
    on a 2-CPU machine (measured), which would cap both targets and hide the difference between them.
    """
    parts = urlsplit(target.url)
    head = [f"GET {parts.path}?{parts.query} HTTP/1.1", f"Host: {parts.netloc}"]
    head += [f"{k}: {v}" for k, v in target.headers.items()]
    request = ("\r\n".join(head) + "\r\n\r\n").encode()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    remaining = requests

    async def connection() -> None:
        nonlocal remaining
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while remaining > 0:
                remaining -= 1
                began = time.perf_counter()
                writer.write(request)
                header = await reader.readuntil(b"\r\n\r\n")
                status = int(header[9:12])
                length = _content_length(header)
                if length:
                    await reader.readexactly(length)
                latencies.append(time.perf_counter() - began)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    began = time.perf_counter()
    async with asyncio.timeout(seconds_allowed):
        await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    if statuses != {200: requests}:
        raise SystemExit(f"{target.name}: every response must be 200, got {statuses}")
    return Result(requests, elapsed, latencies)


def _content_length(header: bytes) -> int:
    for line in header.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    raise SystemExit("a response without Content-Length: this client only reads sized bodies")


def run_load(target: Target, requests: int, concurrency: int, seconds_allowed: float) -> Result:
    try:
        import uvloop

        return uvloop.run(load(target, requests, concurrency, seconds_allowed))
    except ImportError:
        return asyncio.run(load(target, requests, concurrency, seconds_allowed))


# -- machine --------------------------------------------------------------------------------------


# -- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=20_000, help="requests per target and round")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent keep-alive connections")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (the order of the targets alternates)")
    parser.add_argument("--warmup", type=int, default=1_000, help="unmeasured requests before each target")
    parser.add_argument("--timeout", type=float, default=120, help="give up on a run after this many seconds")
    parser.add_argument("--serve-bare", nargs=2, metavar=("DATABASE_URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare[0], int(args.serve_bare[1]))
        return

    directory = Path(tempfile.mkdtemp(prefix="connectedcar-bench-"))
    targets: list[Target] = []
    try:
        fixture = build_fixture(directory)
        env = {
            **os.environ,
            "CONNECTEDCAR_DATABASE_URL": fixture.database_url,
            "CONNECTEDCAR_RATE_LIMIT_REQUESTS": str(10**9),
            "CONNECTEDCAR_LOG_LEVEL": "WARNING",
        }
        path = PATH.format(id=fixture.vehicle_id)
        full_port, bare_port = free_port(), free_port()
        serve = "from connectedcar.cli import main; main()"
        full = start(
            "full",
            [sys.executable, "-c", serve, "serve", "--host", HOST, "--port", str(full_port)],
            env,
            f"http://{HOST}:{full_port}{path}?client_id={fixture.client_id}",
            {"Authorization": f"Bearer {fixture.token}", "Accept": "application/hal+json"},
            full_port,
        )
        targets.append(full)
        bare = start(
            "bare",
            [sys.executable, __file__, "--serve-bare", fixture.database_url, str(bare_port)],
            env,
            f"http://{HOST}:{bare_port}{path}",
            {"Accept": "application/hal+json"},
            bare_port,
        )
        targets.append(bare)

        results: dict[str, list[Result]] = {"full": [], "bare": []}
        for round_number in range(args.rounds):
            order = (bare, full) if round_number % 2 == 0 else (full, bare)
            for target in order:
                run_load(target, args.warmup, args.concurrency, args.timeout)
                result = run_load(target, args.requests, args.concurrency, args.timeout)
                results[target.name].append(result)
                print(
                    f"round {round_number + 1} {target.name:<4} {result.rps:8.0f} req/s  "
                    f"p50 {result.percentile(50):6.2f} ms  p99 {result.percentile(99):6.2f} ms",
                    flush=True,
                )
        best = {name: max(runs, key=lambda r: r.rps) for name, runs in results.items()}
        ratio = best["full"].rps / best["bare"].rps
        spread = {
            name: statistics.pstdev([r.rps for r in runs]) / statistics.mean([r.rps for r in runs]) * 100
            for name, runs in results.items()
        }
        print()
        print(f"{'target':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'spread':>7}")
        labels = {"full": "full app (auth + rate limit + SQLite)", "bare": "bare Starlette, same query (baseline)"}
        for name in ("full", "bare"):
            r = best[name]
            print(
                f"{labels[name]:<44} {r.rps:8.0f} {r.percentile(50):8.2f} {r.percentile(99):8.2f} {spread[name]:6.1f}%"
            )
        verdict = "meets" if ratio >= 0.6 else "below"
        print(f"ratio full/bare: {ratio:.2f} ({verdict} the 0.6 target)")
        print(
            f"{args.requests} requests x {args.rounds} rounds per target, concurrency {args.concurrency}, "
            "keep-alive HTTP/1.1, one uvicorn process per server, load from a third process"
        )
        print("machine: " + ", ".join(f"{k} {v}" for k, v in describe().items()))
    finally:
        for target in targets:
            stop(target)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
