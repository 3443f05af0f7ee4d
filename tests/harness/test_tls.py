"""TLS: certificates are verified by default; ``--ca-bundle`` trusts a private CA; ``--insecure`` exists.

A self-signed certificate (made with ``openssl``) on an HTTPS proxy in front of the reference server:
without options the pre-flight stops the run with one line about the certificate (exit 2); with the
certificate as ``--ca-bundle`` the run works; ``--insecure`` works too and says, on one line, that
certificates are not verified.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_server.embedded import EmbeddedServer
from tests.support.misbehaving import MisbehavingServer
from tests.support.scimtest import TOKEN, make_config

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a certificate"),
]


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def https_target(cert: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert[0]), str(cert[1]))
    db = tmp_path_factory.mktemp("tls-db") / "scim.db"
    with (
        EmbeddedServer(make_config(db)) as upstream,
        MisbehavingServer("forward", upstream.base_url, tls=context) as proxy,
    ):
        yield proxy.base_url


def _harness(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCIM_TOKEN": TOKEN, "SCIM_BASE_URL": "", "SCIM_CA_BUNDLE": "", "SCIM_INSECURE": ""}
    return subprocess.run(
        [sys.executable, "-m", "harness", *args], env=env, capture_output=True, text=True, timeout=120
    )


def _simulate(url: str, reports: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _harness(
        "simulate", "--scenario", "connection-test", "--users", "3", "--no-progress",
        "--base-url", url, "--report-dir", str(reports), *extra,
    )  # fmt: skip


def test_an_unknown_certificate_stops_check_with_one_line(https_target: str, tmp_path: Path) -> None:
    result = _harness("check", "--base-url", https_target, "--report-dir", str(tmp_path))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "certificate" in lines[0], result.stderr
    assert "--ca-bundle" in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


def test_an_unknown_certificate_stops_simulate_with_one_line(https_target: str, tmp_path: Path) -> None:
    result = _simulate(https_target, tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "certificate" in lines[0], result.stderr


def test_check_trusts_the_ca_bundle(https_target: str, cert: tuple[Path, Path], tmp_path: Path) -> None:
    result = _harness(
        "check", "--base-url", https_target, "--ca-bundle", str(cert[0]), "--tags", "@req_D_01",
        "--report-dir", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((tmp_path / "summary.json").read_text())["counts"]["passed"] >= 1


def test_simulate_trusts_the_ca_bundle(https_target: str, cert: tuple[Path, Path], tmp_path: Path) -> None:
    result = _simulate(https_target, tmp_path, "--ca-bundle", str(cert[0]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "problems: 0" in result.stdout


def test_insecure_works_and_warns_once(https_target: str, tmp_path: Path) -> None:
    result = _simulate(https_target, tmp_path, "--insecure")
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stderr.splitlines() if "not verified" in line]
    assert len(warnings) == 1, result.stderr


def test_insecure_and_a_ca_bundle_contradict(cert: tuple[Path, Path], tmp_path: Path) -> None:
    result = _simulate("https://127.0.0.1:1/scim/v2", tmp_path, "--insecure", "--ca-bundle", str(cert[0]))
    assert result.returncode == 2
    assert "contradict" in result.stderr
