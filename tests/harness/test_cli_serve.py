"""``scim-harness serve``: prints the base URL, never a token it was given; user mistakes exit 2."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.procserver import ServerProcess


def test_serve_prints_the_base_url_and_never_a_given_token(tmp_path: Path) -> None:
    token = "given-secret-token-QZ81"
    server = ServerProcess(tmp_path / "scim.db", token).start()
    try:
        response = httpx.get(server.base_url + "/Users", headers=server.headers)
        assert response.status_code == 200
    finally:
        server.stop()
    assert f"http://127.0.0.1:{server.port}/scim/v2" in server.output
    assert token not in server.output
    assert server.observer_token not in server.output


def test_serve_generates_and_prints_a_token_once_when_none_is_given(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "scim.db", token="unused")
    env = {k: v for k, v in os.environ.items() if k not in ("SCIM_TOKEN", "SCIM_OBSERVER_TOKEN")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness",
            "serve",
            "--port",
            str(server.port),
            "--db",
            str(tmp_path / "g.db"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(5)]
        token_line = next(line for line in lines if line.startswith("SCIM token"))
        token = token_line.rsplit(" ", 1)[1].strip()
        assert len(token) >= 32
        url = f"http://127.0.0.1:{server.port}/scim/v2/ServiceProviderConfig"
        for _ in range(200):
            try:
                ok = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
                break
            except httpx.TransportError:
                import time

                time.sleep(0.05)
        assert ok.status_code == 200
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert (("".join(lines)) + out).count(token) == 1


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", *args], capture_output=True, text=True, timeout=30
    )


def test_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _run_cli("serve", "--port", str(port), "--db", str(tmp_path / "x.db"), "--token", "t")
    assert result.returncode == 2
    assert "address already in use" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unopenable_database_is_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _run_cli("serve", "--port", "0", "--db", str(blocker / "sub" / "x.db"), "--token", "t")
    assert result.returncode == 2
    assert "database" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
