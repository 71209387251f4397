"""What the load tests (``load_oruk_api.py``, ``load_referrals.py``) share.

A scratch PostgreSQL database, ``rescomm migrate`` and ``rescomm serve`` (gunicorn) against it on
127.0.0.1, concurrent HTTP clients on the loopback interface, and the latency table
(p50/p95/p99 in milliseconds, throughput in requests per second of wall-clock time).

Loopback only: the server listens on 127.0.0.1 and every request goes there. Importing this
module puts this checkout's ``src/`` first on ``sys.path`` (the server gets the same through
``PYTHONPATH``), so the scripts measure the code next to them.
"""

from __future__ import annotations

import http.client
import itertools
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
RESCOMM = [sys.executable, "-m", "rescomm"]
HOST = "127.0.0.1"
HEADER = ("endpoint", "requests", "p50", "p95", "p99", "throughput", "wall", "status")


def pg(admin_url: str, sql: str) -> None:
    """Run one statement on the ``postgres`` database of the server ``admin_url`` (autocommit)."""
    import psycopg

    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def scratch_database(admin_url: str, name: str | None = None, *,
                     keep: bool = False) -> Iterator[str]:
    """Create database ``name`` (default ``rescomm_bench_<pid>``) on ``admin_url``; yield its URL.

    On the way out, Django's connections (if any) are closed and the database is dropped
    (``WITH (FORCE)``), unless ``keep``. It must not exist beforehand: ``CREATE DATABASE`` fails.
    """
    name = name or f"rescomm_bench_{os.getpid()}"
    pg(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin_url}/{name}"
    finally:
        if "django" in sys.modules:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001 (Django may not be set up if migrate failed)
                pass
        if keep:
            print(f"database {name} kept")
        else:
            pg(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"database {name} dropped")


def server_env(url: str) -> dict[str, str]:
    """The environment of a ``rescomm`` subprocess: this checkout's code, database ``url``."""
    return {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}


def migrate(url: str) -> float:
    """``rescomm migrate`` against database ``url``; returns the seconds it took."""
    t = time.perf_counter()
    subprocess.run([*RESCOMM, "migrate", "--database-url", url], env=server_env(url),
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def port_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:``port`` (else the health check and the load would
    reach that other server, not ours)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Poll ``GET /healthz`` until it answers 200; raise if ``proc`` exits or ``timeout`` s pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on {HOST}:{port} not healthy within {timeout:g} s")


@contextmanager
def rescomm_server(url: str, *, port: int, workers: int) -> Iterator[subprocess.Popen]:
    """Run ``rescomm serve`` (gunicorn, ``workers`` x 4 threads) on 127.0.0.1:``port`` against
    database ``url``; yield once ``/healthz`` answers; stop it (SIGTERM to its process group,
    SIGKILL after 20 s) on the way out, even if it never became healthy."""
    proc = subprocess.Popen(
        [*RESCOMM, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers),
         "--database-url", url],
        env=server_env(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        wait_healthy(port, proc)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        print("server stopped")


@dataclass(frozen=True)
class Request:
    """One HTTP request of a load run."""

    method: str
    path: str
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def run_clients(port: int, requests: Sequence[Request], *, clients: int, strided: bool = False,
                max_seconds: float = math.inf, timeout: float = 60,
                on_response: Callable[[int, int, bytes], None] | None = None,
                while_running: subprocess.Popen | None = None) -> dict:
    """Send ``requests`` to 127.0.0.1:``port`` from ``clients`` threads, one keep-alive
    ``http.client`` connection each.

    By default every client takes the next request from one shared queue; with ``strided``,
    client ``c`` sends requests ``c, c + clients, c + 2 * clients, ...`` (so each request's
    headers can carry that client's own credentials). No request starts after ``max_seconds``.
    With ``while_running`` (a process, e.g. a background job), the clients go round
    ``requests`` again and again (shared queue only) until that process has ended, and send at
    least ``len(requests)``: so the latencies cover the whole of its run.
    A request that fails (connection error, or no answer within ``timeout`` seconds) counts as
    status ``-1`` with the time it took, and the client reconnects. ``on_response(i, status,
    body)`` is called for each request sent (under a lock shared by the clients).

    Returns ``{"lat": latencies in seconds of the requests sent (request and whole response),
    "wall": seconds from the first client's start to the last one's end, "status": {status:
    count}}``.
    """
    lock = threading.Lock()
    if while_running is not None and strided:
        raise ValueError("while_running needs the shared queue (strided=False)")
    queue = (itertools.count() if while_running is not None else iter(range(len(requests))))
    lat_list: list[float] = []
    lat = np.full(len(requests), np.nan)
    status: dict[int, int] = {}
    deadline = time.monotonic() + max_seconds

    def client(c: int) -> None:
        mine = iter(range(c, len(requests), clients)) if strided else None
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        while time.monotonic() < deadline:
            if mine is not None:
                i = next(mine, None)
            else:
                with lock:
                    i = next(queue, None)
            if i is None:
                break
            if while_running is not None:
                if i >= len(requests) and while_running.poll() is not None:
                    break
                i %= len(requests)
            req = requests[i]
            t = time.perf_counter()
            try:
                conn.request(req.method, req.path, body=req.body, headers=dict(req.headers))
                resp = conn.getresponse()
                body = resp.read()
                code = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
                code, body = -1, b""
            took = time.perf_counter() - t
            with lock:
                if while_running is not None:
                    lat_list.append(took)
                else:
                    lat[i] = took
                status[code] = status.get(code, 0) + 1
                if on_response is not None:
                    on_response(i, code, body)
        conn.close()

    t = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(client, c) for c in range(clients)]:
            f.result()
    wall = time.perf_counter() - t
    if while_running is not None:
        return {"lat": np.array(lat_list), "wall": wall, "status": status}
    return {"lat": lat[~np.isnan(lat)], "wall": wall, "status": status}


def report(label: str, res: dict) -> tuple[str, ...]:
    """One row of the table (cells under ``HEADER``) for a ``run_clients`` result."""
    lat = res["lat"] * 1000
    return (label, f"{len(lat):,}", f"{np.percentile(lat, 50):.1f} ms",
            f"{np.percentile(lat, 95):.1f} ms", f"{np.percentile(lat, 99):.1f} ms",
            f"{len(lat) / res['wall']:.1f} req/s", f"{res['wall']:.1f} s",
            ", ".join(f"{k}: {v}" for k, v in sorted(res["status"].items())))


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    """Print ``rows`` (from ``report``) under ``HEADER``, columns padded to their widest cell."""
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for r in [HEADER, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))


def p95(res: dict) -> float:
    """The 95th percentile latency of a ``run_clients`` result, in milliseconds."""
    return float(np.percentile(res["lat"], 95) * 1000)
