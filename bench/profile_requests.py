"""The reference server's cost per request of the user-only lifecycle, by request kind, in-process.

The throughput bench (``bench_throughput.py``) measures what a client sees over HTTP; its CPU
figures move with whatever else runs on the machine. This script drives the same requests
(``workload.USERS``: lookup_miss, create, lookup_hit, put, suspend, delete, with the same bodies)
straight into the ASGI app that ``scim-harness serve`` runs (``reference_server.build_server`` on a
SQLite file), one phase per request kind over ``--users`` fresh users, and reports per kind:

- CPU per request (``time.process_time``, every thread of the process, the WAL checkpointer too);
- with ``--callgrind``, run under valgrind, **instructions per request**: instrumentation is off
  while seeding and warming up and is switched on (``callgrind_control``) only around each
  measured phase, then dumped, so the count is the server's work for that kind alone. It is the
  same on a loaded machine as on an idle one, which makes it the figure to compare changes by::

      valgrind --tool=callgrind --separate-threads=yes --instr-atstart=no \\
          .venv/bin/python bench/profile_requests.py --callgrind --users 200 --warmup 50

  (the dumps go to ``callgrind.out.<pid>.*`` in the working directory; ``--keep`` leaves them
  there for ``callgrind_annotate``, otherwise they are removed after reading).

There is no HTTP here: uvicorn's parsing and the socket are left out, so these figures are the
app's (Litestar + the server) and a little lower than the bench's µs/req.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from loadgen import RequestTemplate, Vars  # noqa: E402
from workload import USERS, Directory, Lifecycle, _dumps, user_doc  # noqa: E402

TOKEN = "bench-profile-token-not-secret"
BASE = "/scim/v2"


class App:
    """An ASGI app driven in-process: one request at a time, the response's status and body."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers = [(b"host", b"127.0.0.1:8000"), (b"authorization", f"Bearer {TOKEN}".encode())]

    async def request(self, method: str, target: str, body: bytes | None = None) -> tuple[int, bytes]:
        path, _, query = f"{BASE}{target}".partition("?")
        headers = list(self.headers)
        if body is not None:
            headers += [
                (b"content-type", b"application/scim+json"),
                (b"content-length", str(len(body)).encode()),
            ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()
            sent = True
            return {"type": "http.request", "body": body or b"", "more_body": False}

        status = 0
        chunks: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)

    async def lifespan(self) -> tuple[asyncio.Task[None], asyncio.Queue[dict[str, str]]]:
        inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        await inbox.put({"type": "lifespan.startup"})
        task = asyncio.ensure_future(
            self.app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, outbox.put)
        )
        started = await outbox.get()
        if started["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"startup failed: {started}")
        return task, inbox


async def _created(app: App, target: str, body: bytes) -> str:
    status, data = await app.request("POST", target, body)
    if status != 201:
        raise RuntimeError(f"setup POST {target}: {status} {data[:200]!r}")
    return str(json.loads(data)["id"])


async def prepare(app: App, groups: int, seed_users: int) -> Directory:
    """What ``workload.prepare`` creates, in-process: groups and seed users (the managers)."""
    group_ids = [
        await _created(
            app,
            "/Groups",
            _dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": f"role {g}"}),
        )
        for g in range(groups)
    ]
    users = []
    seed: Vars = {"mgr": ""}
    for i in range(seed_users):
        seed.update(name=f"seed.{i}@example.com", first=f"Seed{i}", last=f"Person{i}")
        doc = user_doc(seed, "Staff")
        del doc["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]
        users.append(await _created(app, "/Users", _dumps(doc)))
    return Directory(tuple(group_ids), tuple(users))


class Callgrind:
    """Instrumentation switched on and dumped from outside, by ``callgrind_control``."""

    def __init__(self, keep: bool) -> None:
        self.pid = os.getpid()
        self.keep = keep
        self.parts = 0

    def _control(self, *args: str) -> None:
        subprocess.run(["callgrind_control", *args, str(self.pid)], check=True, capture_output=True)

    def on(self) -> None:
        self._control("--instr=on")

    def dump(self, label: str) -> int:
        """Dump the counts since the last dump, switch instrumentation off, return the instructions."""
        self._control(f"--dump={label}")
        self._control("--instr=off")
        self.parts += 1
        total = 0
        files = glob.glob(f"callgrind.out.{self.pid}.{self.parts}") + glob.glob(
            f"callgrind.out.{self.pid}.{self.parts}-*"
        )
        if not files:
            raise RuntimeError(f"no callgrind dump {self.parts} of process {self.pid} in {os.getcwd()}")
        for name in files:
            for line in Path(name).read_text(errors="replace").splitlines():
                # "totals:", not "summary:": the latter is garbage after toggling (valgrind 3.2x)
                if line.startswith("totals:"):
                    total += int(line.split()[1])
                    break
            if not self.keep:
                os.unlink(name)
        return total


async def run_phases(
    app: App, workload: Lifecycle, keys: Sequence[str], meter: Callgrind | None
) -> dict[str, dict[str, float]]:
    """Each request template over every user in turn; the cost of each phase by kind."""
    users: list[Vars] = []
    for key in keys:
        vu: Vars = {}
        workload.begin(vu, key)
        users.append(vu)
    figures: dict[str, dict[str, float]] = {}
    for template in workload.requests:
        requests = _encode(template, users)
        if meter is not None:
            meter.on()
        started = time.process_time()
        answers = [await app.request(method, target, body) for method, target, body in requests]
        cpu = time.process_time() - started
        instructions = meter.dump(template.op) if meter is not None else 0
        for vu, (status, data) in zip(users, answers, strict=True):
            if status not in template.expect:
                raise RuntimeError(f"{template.op}: {status} {data[:200]!r}")
            template.keep(vu, status, data)
        kind = figures.setdefault(template.op, {"requests": 0, "cpu_s": 0.0, "instructions": 0})
        kind["requests"] += len(requests)
        kind["cpu_s"] += cpu
        kind["instructions"] += instructions
    return figures


def _encode(template: RequestTemplate, users: Sequence[Vars]) -> list[tuple[str, str, bytes | None]]:
    return [
        (template.method, template.path.format_map(vu), None if template.body is None else template.body(vu))
        for vu in users
    ]


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    from reference_server import ServerConfig, build_server

    meter = Callgrind(args.keep) if args.callgrind else None
    with tempfile.TemporaryDirectory(prefix="profile-requests-") as tmp:
        config = ServerConfig(db_path=str(Path(tmp) / "scim.db"), token=TOKEN)
        app = App(build_server(config))
        task, inbox = await app.lifespan()
        directory = await prepare(app, args.groups, args.seed_users)
        workload = Lifecycle(directory, USERS)
        await run_phases(app, workload, [f"warm{i}" for i in range(args.warmup)], None)
        figures = await run_phases(app, workload, [f"user{i}" for i in range(args.users)], meter)
        await inbox.put({"type": "lifespan.shutdown"})
        await task
    return figures


def report(figures: dict[str, dict[str, float]], callgrind: bool) -> None:
    total_requests = sum(f["requests"] for f in figures.values())
    header = f"{'kind':<12} {'requests':>8} {'µs CPU/req':>11}"
    if callgrind:
        header += f" {'instr/req':>12}"
    print(header)
    for op, f in [*figures.items(), ("all", _sum(figures))]:
        line = f"{op:<12} {int(f['requests']):>8} {f['cpu_s'] / f['requests'] * 1e6:>11.0f}"
        if callgrind:
            line += f" {f['instructions'] / f['requests']:>12,.0f}"
        print(line)
    print(f"({total_requests} measured requests; the CPU column is valgrind-slowed under --callgrind)")


def _sum(figures: dict[str, dict[str, float]]) -> dict[str, float]:
    return {k: sum(f[k] for f in figures.values()) for k in ("requests", "cpu_s", "instructions")}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--users", type=int, default=200, help="fresh users in the measured phases")
    parser.add_argument("--warmup", type=int, default=50, help="whole lifecycles run first, unmeasured")
    parser.add_argument("--seed-users", type=int, default=500)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--callgrind", action="store_true", help="running under valgrind --tool=callgrind")
    parser.add_argument("--keep", action="store_true", help="leave the callgrind dumps in place")
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    figures = asyncio.run(main_async(args))
    report(figures, args.callgrind)
    if args.output is not None:
        args.output.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
