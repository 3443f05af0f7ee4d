"""A load generator that is not the bottleneck: worker processes, raw keep-alive HTTP/1.1 sockets.

Each worker process runs an asyncio loop with a few keep-alive connections, one virtual user per
connection. A virtual user walks a :class:`Workload`'s steps in order, over and over; a step's
request is built from the user's variables (ids captured from earlier responses), sent as
pre-encoded bytes, and its response is parsed no further than the status line, the
``Content-Length``/chunked framing and, for a capturing step, the JSON body. httpx is not used:
its per-request cost (about 2 ms of CPU here) would cap the load near 500 requests/s a core.

A run is bounded by a request count and a time limit, whichever comes first. It reports
requests/s over the common window, status counts per operation, latency percentiles, and the
CPU the workers themselves used, so the bench can show the load side had headroom.

    python bench/loadgen.py --trivial-server PORT   # a fixed-answer server, for the ceiling
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import os
import queue
import socket
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

Vars = dict[str, str]


@dataclass(frozen=True, slots=True)
class Step:
    """One request a virtual user sends: ``path`` is formatted with the user's variables."""

    op: str
    method: str
    path: str
    body: Callable[[Vars], bytes] | None = None
    expect: tuple[int, ...] = (200,)
    capture: str | None = None
    """Store the response's ``id`` under this variable; the iteration is abandoned without it."""


class Workload(Protocol):
    """What a virtual user does: ``begin`` fills fresh variables, then ``steps`` run in order."""

    @property
    def steps(self) -> Sequence[Step]: ...

    def begin(self, vu: Vars, key: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where to send: ``base`` is the path prefix (``/scim/v2``), ``token`` a throwaway bearer."""

    host: str
    port: int
    base: str
    token: str | None = field(default=None, repr=False)

    def preamble(self) -> bytes:
        auth = f"Authorization: Bearer {self.token}\r\n" if self.token else ""
        return f"Host: {self.host}:{self.port}\r\n{auth}".encode()


def encode(endpoint: Endpoint, preamble: bytes, method: str, path: str, body: bytes | None) -> bytes:
    """The bytes of one request (HTTP/1.1, keep-alive is the default)."""
    line = f"{method} {endpoint.base}{path} HTTP/1.1\r\n".encode()
    if body is None:
        return line + preamble + b"\r\n"
    length = f"Content-Type: application/scim+json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    return line + preamble + length + body


def parse(buf: bytearray) -> tuple[int, bytes, int] | None:
    """``(status, body, consumed)`` once ``buf`` holds a whole response, else None."""
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    head = bytes(buf[:head_end]).lower()
    status = int(head[9:12])
    start = head_end + 4
    at = head.find(b"\r\ncontent-length:")
    if at >= 0:
        stop = head.find(b"\r\n", at + 2)
        end = start + int(head[at + 17 : stop if stop >= 0 else None])
        return (status, bytes(buf[start:end]), end) if len(buf) >= end else None
    if b"\r\ntransfer-encoding: chunked" not in head:
        return status, b"", start  # 204 and 304 carry no body
    body = bytearray()
    pos = start
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size = int(bytes(buf[pos:eol]).split(b";")[0], 16)
        if size == 0:
            end = buf.find(b"\r\n\r\n", eol)  # no trailers are expected
            return (status, bytes(body), end + 4) if end >= 0 else None
        if len(buf) < eol + 2 + size + 2:
            return None
        body += buf[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2


class BlockingClient:
    """One keep-alive connection for setup steps (seeding groups and users) outside the timed runs."""

    def __init__(self, endpoint: Endpoint, timeout: float = 30.0) -> None:
        self.endpoint = endpoint
        self.preamble = endpoint.preamble()
        self.sock = socket.create_connection((endpoint.host, endpoint.port), timeout=timeout)
        self.buf = bytearray()

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        self.sock.sendall(encode(self.endpoint, self.preamble, method, path, body))
        while (parsed := parse(self.buf)) is None:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buf += chunk
        status, data, consumed = parsed
        del self.buf[:consumed]
        return status, data

    def close(self) -> None:
        self.sock.close()


class _Connection(asyncio.Protocol):
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
    endpoint: Endpoint, workload: Workload, key: str, tally: _Tally, conn: _Connection
) -> None:
    loop = asyncio.get_running_loop()
    preamble = endpoint.preamble()
    vu: Vars = {}
    iteration = 0
    clock = time.perf_counter
    while True:
        workload.begin(vu, f"{key}-{iteration}")
        iteration += 1
        for step in workload.steps:
            if tally.remaining <= 0 or clock() >= tally.deadline:
                return
            tally.remaining -= 1
            body_bytes = None if step.body is None else step.body(vu)
            data = encode(endpoint, preamble, step.method, step.path.format_map(vu), body_bytes)
            started = clock()
            try:
                status, body = await conn.request(data)
            except ConnectionError:
                status, body = 0, b""
                _, conn = await loop.create_connection(_Connection, endpoint.host, endpoint.port)
            tally.last = done = clock()
            tally.latencies.setdefault(step.op, array("d")).append(done - started)
            tally.statuses[step.op, status] += 1
            if step.capture:
                if status not in step.expect:
                    break
                vu[step.capture] = str(json.loads(body)["id"])


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
        (await loop.create_connection(_Connection, endpoint.host, endpoint.port))[1]
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

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def errors(self) -> dict[str, int]:
        """Responses per ``"op status"`` that were not among the step's expected statuses (0: no answer)."""
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


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    deadline = time.monotonic() + 30
    for _ in procs:
        while True:
            try:
                ready.get(timeout=0.5)
                break
            except queue.Empty:
                if time.monotonic() > deadline or not all(p.is_alive() for p in procs):
                    for proc in procs:
                        proc.kill()
                    raise RuntimeError("a load generator worker did not start") from None
    server_cpu0 = process_cpu(server_pid) if server_pid else 0.0
    go.set()
    parts = [out.get(timeout=max_seconds + 60) for _ in procs]
    server_cpu = process_cpu(server_pid) - server_cpu0 if server_pid else None
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
        expected={step.op: step.expect for step in workload.steps},
        server_cpu=server_cpu,
    )


# --- the trivial endpoint the ceiling is measured against --------------------------------------------
_FIXED = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}'


class _Trivial(asyncio.Protocol):
    def __init__(self) -> None:
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while (end := self.buf.find(b"\r\n\r\n")) >= 0:
            at = self.buf.find(b"Content-Length: ", 0, end)
            length = int(self.buf[at + 16 : self.buf.find(b"\r\n", at)]) if at >= 0 else 0
            if len(self.buf) < end + 4 + length:
                return
            del self.buf[: end + 4 + length]
            assert self.transport is not None
            self.transport.write(_FIXED)


async def _serve_trivial(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(_Trivial, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--trivial-server":
        asyncio.run(_serve_trivial(int(sys.argv[2])))
    else:
        raise SystemExit("usage: python bench/loadgen.py --trivial-server PORT")
