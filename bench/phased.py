"""Server CPU per request kind: a workload's requests run as phases, one kind at a time.

A mixed run gives the server CPU per request of the whole mix, not what each kind costs: requests
of every kind are in flight at once. Here every virtual user takes a batch of fresh users, and
the workload's request templates run one after the other over all of them: each virtual user
sends template *k* for each of its users, every worker waits at a barrier, the parent reads the
server's CPU time, and template *k + 1* starts. The server is idle at every reading, so a phase's
CPU is its own. A kind's CPU per request is the CPU of its phases over their requests (a kind
that occurs twice in a workload, such as the lookup before each PUT, adds both phases).

The same load generator as :mod:`loadgen` (worker processes, raw keep-alive connections); each
phase is bounded by the batch size, each wait at a barrier by :data:`PHASE_TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Any

from http1 import Endpoint
from loadgen import Connection, RequestTemplate, Vars, Workload, process_times

PHASE_TIMEOUT = 120.0
"""Seconds a phase may take before the run is given up (a hung server, a dead worker)."""
_SETTLE = 0.02
"""Seconds left to the server after the last response of a phase, to finish its bookkeeping."""


@dataclass(frozen=True)
class Phase:
    """One request template sent for every user of the batch: its server CPU and latencies."""

    op: str
    requests: int
    seconds: float
    server_cpu: float
    latencies: list[float]
    statuses: dict[int, int]


async def _send_all(
    endpoint: Endpoint,
    conn: Connection,
    template: RequestTemplate,
    users: list[Vars],
    alive: list[bool],
    statuses: Counter[int],
    latencies: array[float],
) -> Connection:
    preamble = endpoint.preamble()
    clock = time.perf_counter
    for i, vu in enumerate(users):
        if not alive[i]:
            continue  # an earlier request of this user failed (no id): nothing to send
        data = template.encode(endpoint, preamble, vu)
        started = clock()
        try:
            status, body = await conn.request(data)
        except ConnectionError:
            status, body = 0, b""
            loop = asyncio.get_running_loop()
            _, conn = await loop.create_connection(Connection, endpoint.host, endpoint.port)
        latencies.append(clock() - started)
        statuses[status] += 1
        alive[i] = template.keep(vu, status, body)
    return conn


async def _phased_worker_async(
    endpoint: Endpoint, workload: Workload, label: str, connections: int, batch: int, barrier: Any
) -> list[tuple[dict[int, int], bytes]]:
    loop = asyncio.get_running_loop()
    conns = [
        (await loop.create_connection(Connection, endpoint.host, endpoint.port))[1]
        for _ in range(connections)
    ]
    users: list[list[Vars]] = []
    for c in range(connections):
        users.append([])
        for u in range(batch):
            vu: Vars = {}
            workload.begin(vu, f"{label}-{c}-{u}")
            users[c].append(vu)
    alive = [[True] * batch for _ in range(connections)]
    barrier.wait(PHASE_TIMEOUT)  # connected: the parent reads the server's CPU from here on
    phases: list[tuple[dict[int, int], bytes]] = []
    for template in workload.requests:
        # Blocking waits on the event loop are fine here: no request is in flight between phases.
        barrier.wait(PHASE_TIMEOUT)
        statuses: Counter[int] = Counter()
        latencies = array("d")
        conns = list(
            await asyncio.gather(
                *(
                    _send_all(endpoint, conn, template, users[c], alive[c], statuses, latencies)
                    for c, conn in enumerate(conns)
                )
            )
        )
        barrier.wait(PHASE_TIMEOUT)
        phases.append((dict(statuses), latencies.tobytes()))
    for conn in conns:
        if conn.transport is not None:
            conn.transport.close()
    return phases


def _phased_worker(
    endpoint: Endpoint, workload: Workload, label: str, connections: int, batch: int, barrier: Any, out: Any
) -> None:
    out.put(asyncio.run(_phased_worker_async(endpoint, workload, label, connections, batch, barrier)))


def run_phases(
    endpoint: Endpoint,
    workload: Workload,
    *,
    label: str,
    server_pid: int,
    workers: int = 2,
    connections: int = 8,
    batch: int = 25,
) -> list[Phase]:
    """Run each of ``workload``'s requests for ``workers × connections × batch`` fresh users, one
    request template at a time; the figures of each phase, in order."""
    ctx = mp.get_context("fork")  # as in loadgen.run_load
    barrier, out = ctx.Barrier(workers + 1), ctx.Queue()
    procs = [
        ctx.Process(
            target=_phased_worker,
            args=(endpoint, workload, f"{label}-w{i}", connections, batch, barrier, out),
            daemon=True,
        )
        for i in range(workers)
    ]
    for proc in procs:
        proc.start()
    marks: list[tuple[float, float]] = []
    try:
        barrier.wait(PHASE_TIMEOUT)
        for _ in workload.requests:
            cpu0 = process_times(server_pid)[0]
            barrier.wait(PHASE_TIMEOUT)
            started = time.perf_counter()
            barrier.wait(PHASE_TIMEOUT)
            seconds = time.perf_counter() - started
            time.sleep(_SETTLE)
            marks.append((seconds, process_times(server_pid)[0] - cpu0))
        parts = [out.get(timeout=PHASE_TIMEOUT) for _ in procs]
    except Exception as exc:  # a broken barrier, a dead worker, a timeout: no figures from this run
        for proc in procs:
            proc.kill()
        raise RuntimeError(f"a phased load worker failed or timed out: {exc!r}") from exc
    for proc in procs:
        proc.join(timeout=10)
    phases: list[Phase] = []
    for k, template in enumerate(workload.requests):
        statuses: Counter[int] = Counter()
        latencies: list[float] = []
        for part in parts:
            statuses.update(part[k][0])
            values = array("d")
            values.frombytes(part[k][1])
            latencies.extend(values)
        seconds, cpu = marks[k]
        phases.append(Phase(template.op, sum(statuses.values()), seconds, cpu, latencies, dict(statuses)))
    return phases
