"""Run ``scim-harness serve`` as a real child process, for restart and ``kill -9`` tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """The reference server in a child process on a SQLite file."""

    def __init__(
        self,
        db: Path,
        token: str,
        observer_token: str = "observer-token-d4e5f6",
        port: int | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.extra_args = extra_args
        self.db = db
        self.port = port or free_port()
        self.token = token
        self.observer_token = observer_token
        self.base_url = f"http://127.0.0.1:{self.port}/scim/v2"
        self.observer_url = f"http://127.0.0.1:{self.port}/observer"
        self.proc: subprocess.Popen[str] | None = None
        self.output = ""

    def start(self, timeout: float = 20.0) -> ServerProcess:
        env = {**os.environ, "SCIM_TOKEN": self.token, "SCIM_OBSERVER_TOKEN": self.observer_token}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness",
                "serve",
                "--port",
                str(self.port),
                "--db",
                str(self.db),
                *self.extra_args,
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited early: {self.proc.stdout.read() if self.proc.stdout else ''}"
                )
            try:
                httpx.get(self.base_url + "/ServiceProviderConfig", headers=self.headers, timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not come up")

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/scim+json"}

    def kill(self) -> None:
        """``kill -9``: no shutdown hooks, no flush."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self._reap()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._reap()

    def _reap(self) -> None:
        if self.proc is not None:
            out, _ = self.proc.communicate(timeout=10)
            self.output += out or ""
            self.proc = None
