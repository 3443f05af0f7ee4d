"""The three servers the throughput bench compares, each a child process on 127.0.0.1.

- ``reference``: ``python -m harness serve`` on a fresh temporary SQLite file, as a user runs it;
- ``bare-litestar``: :mod:`bare_app`, the framework ceiling;
- ``scim2-server``: :mod:`peer_app` under ``bench/.venv-peer``, a separate venv the bench creates on
  first use (``python -m venv`` + ``pip install scim2-server uvicorn``), so the bench never
  installs into the project venv.

All run one uvicorn process with the settings of :mod:`uvicorn_settings` (those of
``harness/serve.py``). :func:`check_same_stack` verifies that both venvs have uvloop and
httptools, so every target runs on the same event loop and HTTP parser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from http1 import BlockingClient, Endpoint
from uvicorn_settings import HOST

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEER_VENV = BENCH / ".venv-peer"
PEER_PYTHON = PEER_VENV / "bin" / "python"
PEER_REQUIREMENTS = ("scim2-server>=0.8", "uvicorn>=0.36", "uvloop>=0.21", "httptools>=0.6")
TOKEN = "bench-throughput-token-not-secret"
"""A throwaway token: the targets live on loopback for the length of the run."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def ensure_peer_venv() -> str:
    """Create ``bench/.venv-peer`` with scim2-server, uvicorn, uvloop and httptools when it lacks
    one of them; return scim2-server's version."""
    probe = "import importlib.metadata as m, uvloop, httptools; print(m.version('scim2-server'))"
    if PEER_PYTHON.exists():
        found = subprocess.run([PEER_PYTHON, "-c", probe], capture_output=True, text=True, check=False)
        if found.returncode == 0:
            return found.stdout.strip()
    print(f"setting up {PEER_VENV.relative_to(ROOT)} ({', '.join(PEER_REQUIREMENTS)}) ...", flush=True)
    if not PEER_PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", PEER_VENV], check=True)
    subprocess.run(
        [PEER_PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PEER_REQUIREMENTS],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return subprocess.run(
        [PEER_PYTHON, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()


def check_same_stack() -> dict[str, str]:
    """uvicorn's version, event loop and HTTP parser in each venv; raise unless both have uvloop and
    httptools (the settings name them, so a venv without them could not run its target)."""
    probe = (
        "import importlib.util as u, uvicorn;"
        "print(uvicorn.__version__, 'uvloop' if u.find_spec('uvloop') else 'asyncio',"
        " 'httptools' if u.find_spec('httptools') else 'h11')"
    )
    stacks = {
        name: subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
        for name, python in (("project", sys.executable), ("peer", str(PEER_PYTHON)))
    }
    loops = {stack.split(" ", 1)[1] for stack in stacks.values()}
    if loops != {"uvloop httptools"}:
        raise SystemExit(f"a venv lacks uvloop or httptools, the targets would not match: {stacks}")
    return stacks


@dataclass
class ServerUnderTest:
    """One server under test: how to start it and where its SCIM endpoints are."""

    name: str
    argv: list[str]
    base: str
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(HOST, self.port, self.base, TOKEN)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, logs: Path, timeout: float = 30.0) -> ServerUnderTest:
        self.log = logs / f"{self.name}.log"
        argv = [part.replace("{port}", str(self.port)) for part in self.argv]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                argv, cwd=ROOT, env={**os.environ, **self.env}, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log.read_text()[-2000:]}")
            try:
                client = BlockingClient(self.endpoint, timeout=2)
            except OSError:
                time.sleep(0.05)
                continue
            try:
                status, _ = client.request("GET", "/ServiceProviderConfig")
            finally:
                client.close()
            if status == 200:
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not come up within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def make_targets(workdir: Path) -> list[ServerUnderTest]:
    """The three targets, not started; the reference server's database lives in ``workdir``."""
    db = workdir / "reference.db"
    return [
        ServerUnderTest(
            "reference",
            [sys.executable, "-m", "harness", "serve", "--host", HOST, "--port", "{port}", "--db", str(db)],
            "/scim/v2",
            # both tokens given, so the server echoes neither
            {"SCIM_TOKEN": TOKEN, "SCIM_OBSERVER_TOKEN": TOKEN + "-observer"},
        ),
        ServerUnderTest(
            "bare-litestar", [sys.executable, str(BENCH / "bare_app.py"), "--port", "{port}"], "/scim/v2"
        ),
        ServerUnderTest(
            "scim2-server",
            [str(PEER_PYTHON), str(BENCH / "peer_app.py"), "--port", "{port}"],
            "/v2",
            {"BENCH_TOKEN": TOKEN},
        ),
    ]


def trivial_server(logs: Path) -> ServerUnderTest:
    """The fixed-answer server of :mod:`trivial_server`, for the load generator's own ceiling."""
    target = ServerUnderTest("trivial", [sys.executable, str(BENCH / "trivial_server.py"), "{port}"], "")
    target.start(logs)
    return target


def workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="scim-bench-")
