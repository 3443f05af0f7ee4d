"""A load generator that is not the bottleneck: worker processes, raw keep-alive HTTP/1.1 sockets.

Each worker process runs an asyncio loop with a few keep-alive connections, one virtual user per
connection. A virtual user walks a :class:`Workload`'s request templates in order, over and over;
each request is built from the user's variables (ids captured from earlier responses), sent as
pre-encoded bytes, and its response is parsed no further than the status line, the
``Content-Length``/chunked framing and, for a capturing request, the JSON body. httpx is not used:
its per-request cost (about 2 ms of CPU here) would cap the load near 500 requests/s a core.

A run is bounded by a request count and a time limit, whichever comes first. It reports
requests/s over the common window, status counts per operation, latency percentiles, and the
CPU the workers themselves used, so the bench can show the load side had headroom.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import os
import queue
import time
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from http1 import Endpoint, encode, parse

Vars = dict[str, str]


@dataclass(frozen=True, slots=True)
class RequestTemplate:
    """One request a virtual user sends: ``path`` is formatted with the user's variables, ``body``
    builds the body from them; ``op`` names the request kind in the figures."""

    op: str
    method: str
    path: str
    body: Callable[[Vars], bytes] | None = None
    expect: tuple[int, ...] = (200,)
    capture: str | None = None
    """Store the response's ``id`` under this variable; the iteration is abandoned without it."""

    def encode(self, endpoint: Endpoint, preamble: bytes, vu: Vars) -> bytes:
        body = None if self.body is None else self.body(vu)
        return encode(endpoint, preamble, self.method, self.path.format_map(vu), body)

    def keep(self, vu: Vars, status: int, body: bytes) -> bool:
        """Record what the response gives the user's later requests; False when they cannot go on."""
        if self.capture is None:
            return True
        if status not in self.expect:
            return False
        vu[self.capture] = str(json.loads(body)["id"])
        return True


class Workload(Protocol):
    """What a virtual user does: ``begin`` fills fresh variables, then ``requests`` run in order."""

    @property
    def requests(self) -> Sequence[RequestTemplate]: ...

    def begin(self, vu: Vars, key: str) -> None: ...


class Connection(asyncio.Protocol):
    """One keep-alive connection with at most one request in flight."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if self.waiter is not None and (parsed := parse(self.buf)) is not None:
            status, body, consumed = parsed
            del self.buf[:consumed]
            waiter, self.waiter = self.waiter, None
            waiter.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection closed"))

    def request(self, data: bytes) -> asyncio.Future[tuple[int, bytes]]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return self.waiter


@dataclass
class _Tally:
    remaining: int
    deadline: float = 0.0
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    latencies: dict[str, array[float]] = field(default_factory=dict)
    last: float = 0.0


async def _virtual_user(
    endpoint: Endpoint, workload: Workload, key: str, tally: _Tally, conn: Connection
) -> None:
    loop = asyncio.get_running_loop()
    preamble = endpoint.preamble()
    vu: Vars = {}
    iteration = 0
    clock = time.perf_counter
    while True:
        workload.begin(vu, f"{key}-{iteration}")
        iteration += 1
        for template in workload.requests:
            if tally.remaining <= 0 or clock() >= tally.deadline:
                return
            tally.remaining -= 1
            data = template.encode(endpoint, preamble, vu)
            started = clock()
            try:
                status, body = await conn.request(data)
            except ConnectionError:
                status, body = 0, b""
                try:
                    _, conn = await loop.create_connection(Connection, endpoint.host, endpoint.port)
                except OSError:
                    tally.statuses[template.op, 0] += 1
                    return  # the server is gone: this virtual user stops, the others find out alike
            tally.last = done = clock()
            tally.latencies.setdefault(template.op, array("d")).append(done - started)
            tally.statuses[template.op, status] += 1
            if not template.keep(vu, status, body):
                break


async def _worker_async(
    endpoint: Endpoint,
    workload: Workload,
    label: str,
    connections: int,
    quota: int,
    seconds: float,
    go: Any,
    ready: Any,
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    conns = [
        (await loop.create_connection(Connection, endpoint.host, endpoint.port))[1]
        for _ in range(connections)
    ]
    ready.put(os.getpid())
    go.wait()  # every worker connected before the clock starts; nothing else runs on this loop yet
    # perf_counter is CLOCK_MONOTONIC on Linux: one clock for all workers, so windows can be merged
    cpu0, started = time.process_time(), time.perf_counter()
    tally = _Tally(remaining=quota, deadline=started + seconds)
    await asyncio.gather(
        *(_virtual_user(endpoint, workload, f"{label}-{i}", tally, c) for i, c in enumerate(conns))
    )
    for conn in conns:
        if conn.transport is not None:
            conn.transport.close()
    return {
        "started": started,
        "ended": tally.last or started,
        "cpu": time.process_time() - cpu0,
        "statuses": dict(tally.statuses),
        "latencies": {op: values.tobytes() for op, values in tally.latencies.items()},
    }


def _worker(
    endpoint: Endpoint, workload: Workload, label: str, connections: int, quota: int, seconds: float,
    go: Any, ready: Any, out: Any,
) -> None:  # fmt: skip
    out.put(asyncio.run(_worker_async(endpoint, workload, label, connections, quota, seconds, go, ready)))


@dataclass(frozen=True)
class LoadResult:
    """One bounded run: totals, per-operation status counts, latencies (seconds) and CPU used."""

    requests: int
    seconds: float
    client_cpu: float
    statuses: dict[str, dict[int, int]]
    latencies: dict[str, list[float]]
    expected: dict[str, tuple[int, ...]]
    server_cpu: float | None = None
    server_wait: float | None = None
    """Seconds the server waited runnable for a CPU that other processes held."""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def errors(self) -> dict[str, int]:
        """Responses per ``"op status"`` that were not among the expected statuses (0: no answer)."""
        return {
            f"{op} {status}": n
            for op, per_op in sorted(self.statuses.items())
            for status, n in sorted(per_op.items())
            if status not in self.expected.get(op, ())
        }

    def percentile(self, q: float, op: str | None = None) -> float:
        values = sorted(
            self.latencies.get(op, []) if op else [v for vs in self.latencies.values() for v in vs]
        )
        return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def process_times(pid: int) -> tuple[float, float]:
    """Seconds process ``pid`` ran on a CPU, and seconds it waited runnable for one (all threads).

    From ``/proc/<pid>/task/*/schedstat`` (Linux, nanoseconds): the wait is what other processes on
    a shared machine took from the server; wall time minus both is time it was blocked or idle.
    """
    ran = waited = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            on_cpu, runnable, _ = (task / "schedstat").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended meanwhile
        ran, waited = ran + int(on_cpu), waited + int(runnable)
    return ran / 1e9, waited / 1e9


def _collect(channel: Any, procs: list[Any], seconds: float, failure: str) -> list[Any]:
    """One message per worker from ``channel``; kill them all if one dies or time runs out."""
    deadline = time.monotonic() + seconds
    messages: list[Any] = []
    while len(messages) < len(procs):
        try:
            messages.append(channel.get(timeout=0.5))
        except queue.Empty:
            if time.monotonic() > deadline or not all(p.is_alive() or p.exitcode == 0 for p in procs):
                for proc in procs:
                    proc.kill()
                raise RuntimeError(f"a load generator worker {failure}") from None
    return messages


def run_load(
    endpoint: Endpoint,
    workload: Workload,
    *,
    label: str,
    workers: int = 2,
    connections: int = 8,
    max_requests: int = 20_000,
    max_seconds: float = 10.0,
    server_pid: int | None = None,
) -> LoadResult:
    """Drive ``workload`` from ``workers`` processes until ``max_requests`` or ``max_seconds``."""
    # fork: no re-import of the caller's __main__ (spawn would need a __main__ guard in every
    # script using this), and a worker is up in milliseconds; the parent runs no threads here
    ctx = mp.get_context("fork")
    go, ready, out = ctx.Event(), ctx.Queue(), ctx.Queue()
    quota = max(1, max_requests // workers)
    procs = [
        ctx.Process(
            target=_worker,
            args=(endpoint, workload, f"{label}-w{i}", connections, quota, max_seconds, go, ready, out),
            daemon=True,
        )
        for i in range(workers)
    ]
    for proc in procs:
        proc.start()
    _collect(ready, procs, 30, "did not connect")
    server0 = process_times(server_pid) if server_pid else (0.0, 0.0)
    go.set()
    parts: list[dict[str, Any]] = _collect(out, procs, max_seconds + 60, "did not report")
    server1 = process_times(server_pid) if server_pid else (0.0, 0.0)
    for proc in procs:
        proc.join(timeout=10)
    statuses: dict[str, dict[int, int]] = {}
    latencies: dict[str, list[float]] = {}
    for part in parts:
        for (op, status), n in part["statuses"].items():
            per_op = statuses.setdefault(op, {})
            per_op[status] = per_op.get(status, 0) + n
        for op, raw in part["latencies"].items():
            values = array("d")
            values.frombytes(raw)
            latencies.setdefault(op, []).extend(values)
    return LoadResult(
        requests=sum(n for per_op in statuses.values() for n in per_op.values()),
        seconds=max(p["ended"] for p in parts) - min(p["started"] for p in parts),
        client_cpu=sum(p["cpu"] for p in parts),
        statuses=statuses,
        latencies=latencies,
        expected={template.op: template.expect for template in workload.requests},
        server_cpu=server1[0] - server0[0] if server_pid else None,
        server_wait=server1[1] - server0[1] if server_pid else None,
    )
