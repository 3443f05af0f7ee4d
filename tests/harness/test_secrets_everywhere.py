"""Tokens never reach logs, reports, recordings or messages: run everything and grep every output.

``serve`` runs as a child process with a recognisable token; ``check`` (writing its reports),
``simulate --record`` and ``replay`` run against it with that token; then the token — as is,
base64-encoded (as in Basic auth) and URL-encoded — is looked for in each command's stdout and
stderr, the server's log, and every file under the report folders and the recording.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.procserver import ServerProcess

pytestmark = pytest.mark.slow
SECRET = "SECRET-TOKEN-Zq81x"
OBSERVER_SECRET = "OBSERVER-SECRET-Qv27k"
FORMS = (SECRET, base64.b64encode(SECRET.encode()).decode(), quote(SECRET, safe=""), OBSERVER_SECRET)


def _harness(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "harness", *args], env=env, capture_output=True, text=True, timeout=180
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.stdout + result.stderr


def test_the_token_appears_in_no_output(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "scim.db", SECRET, observer_token=OBSERVER_SECRET).start()
    try:
        env = {
            **os.environ,
            "SCIM_BASE_URL": server.base_url,
            "SCIM_TOKEN": SECRET,
            "SCIM_OBSERVER_URL": server.observer_url,
            "SCIM_OBSERVER_TOKEN": OBSERVER_SECRET,
        }
        outputs = [
            _harness(
                "check", "--tags", "@req_C_01 and @users", "--report-dir", str(tmp_path / "check"), env=env
            ),
            _harness(
                "simulate",
                "--scenario",
                "onboarding",
                "--users",
                "5",
                "--no-progress",
                "--record",
                str(tmp_path / "traffic.jsonl"),
                "--report-dir",
                str(tmp_path / "sim"),
                env=env,
            ),
            _harness(
                "replay",
                str(tmp_path / "traffic.jsonl"),
                "--no-progress",
                "--report-dir",
                str(tmp_path / "replay"),
                env=env,
            ),
        ]
    finally:
        server.stop()
    outputs.append(server.output)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("scim.db")]
    assert (tmp_path / "check" / "report.html").exists() and (tmp_path / "traffic.jsonl").exists()
    assert (tmp_path / "sim" / "simulation.json").exists() and (tmp_path / "replay" / "replay.json").exists()
    texts = {str(p): p.read_text(encoding="utf-8", errors="replace") for p in files}
    texts.update({f"output {i}": text for i, text in enumerate(outputs)})
    for where, text in texts.items():
        for form in FORMS:
            assert form not in text, f"{form!r} found in {where}"


def test_the_token_appears_in_no_repr_and_no_error_message() -> None:
    """In process: every object holding a token shows none in its ``repr``, and the failures the
    client layer words — a refused connection, a target that is not a SCIM API — carry no token,
    even when the token was put in the URL itself."""
    from scim_client import Redactor, Target, TargetUnusable, Transport, preflight
    from simulator import Connector, Tenant
    from simulator.requests import Requests
    from steps.wire import ScimClient
    from tests.support.procserver import free_port

    url = f"http://127.0.0.1:{free_port()}/{quote(SECRET, safe='')}/scim/v2"
    target = Target(url, SECRET, "http://127.0.0.1:1/observer", OBSERVER_SECRET, Transport(timeout=2))
    connector = Connector(Tenant.generate(2, seed=1), SECRET)
    client = ScimClient(target, [])
    try:
        objects = [target, Redactor.of(target.secrets), client, connector, connector.requests]
        objects.append(Requests(connector.profile, connector.tenant.settings, SECRET, connector.template))
        texts = {type(o).__name__: repr(o) for o in objects}
        with pytest.raises(TargetUnusable) as unusable:
            preflight(target)
        texts["TargetUnusable"] = str(unusable.value)
        with pytest.raises(AssertionError) as refused:
            client.request("GET", "/Users", headers={"X-Echo": SECRET}, params={"token": SECRET})
        texts["ScimClient failure"] = str(refused.value)
        texts["recorded exchange"] = str(client.wire[-1].as_dict())
    finally:
        client.close()
    for where, text in texts.items():
        for form in FORMS:
            assert form not in text, f"{form!r} found in {where}: {text}"
