"""The target description: URLs checked and shown without credentials, tokens kept out of reprs,
and the hand-off to a child process through the environment."""

from __future__ import annotations

import pytest

from scim_client import DEFAULT_TIMEOUT, Target, Transport, checked_url, env_flag, public_url

TOKEN = "tok-target-ABC123"
OBSERVER = "obs-target-XYZ789"


def test_a_target_never_shows_its_tokens() -> None:
    target = Target("https://scim.example.com/v2", TOKEN, "https://scim.example.com/observer", OBSERVER)
    for text in (repr(target), str(target), target.label):
        assert TOKEN not in text and OBSERVER not in text
    assert target.secrets == (TOKEN, OBSERVER)
    assert target.has_observer
    assert Target("https://x/scim", TOKEN, "https://x/observer").has_observer is False


def test_a_target_crosses_to_a_child_process_in_its_environment() -> None:
    target = Target(
        "https://x/scim/v2", TOKEN, "https://x/observer", OBSERVER, Transport(7.5, "/tmp/ca.pem", False)
    )
    env = target.environment()
    assert env["SCIM_BASE_URL"] == "https://x/scim/v2" and env["SCIM_TOKEN"] == TOKEN
    assert env["SCIM_OBSERVER_URL"] == "https://x/observer" and env["SCIM_OBSERVER_TOKEN"] == OBSERVER
    assert Transport.from_environment(env) == Transport(7.5, "/tmp/ca.pem", False)
    plain = Target("https://x/scim/v2", TOKEN).environment()
    assert plain["SCIM_OBSERVER_URL"] == "" and plain["SCIM_OBSERVER_TOKEN"] == ""
    assert Transport.from_environment({}) == Transport(DEFAULT_TIMEOUT)


@pytest.mark.parametrize("bad", ["", "0", "-1", "soon"])
def test_a_bad_timeout_in_the_environment_is_one_clear_error(bad: str) -> None:
    if bad == "":
        assert Transport.from_environment({"SCIM_TIMEOUT": bad}).timeout == DEFAULT_TIMEOUT
        return
    with pytest.raises(ValueError, match="SCIM_TIMEOUT"):
        Transport.from_environment({"SCIM_TIMEOUT": bad})


def test_urls_are_checked_and_shown_without_credentials() -> None:
    assert checked_url("https://scim.example.com/v2/") == "https://scim.example.com/v2"
    for bad in ("scim.example.com/v2", "ftp://x/scim", "https://", ""):
        with pytest.raises(ValueError, match="--base-url must be an http"):
            checked_url(bad, "--base-url")
    assert public_url("https://svc:s3cret@scim.example.com:8443/v2") == "https://scim.example.com:8443/v2"
    assert public_url("http://127.0.0.1:8000/scim/v2") == "http://127.0.0.1:8000/scim/v2"
    label = Target("https://svc:s3cret@scim.example.com/v2", TOKEN).label
    assert "s3cret" not in label


def test_insecure_turns_verification_off_and_a_bad_bundle_is_an_error(tmp_path) -> None:
    assert Transport(insecure=True).verify() is False
    assert Transport().verify() is not False
    bad = tmp_path / "not-a-ca.pem"
    bad.write_text("not a certificate")
    with pytest.raises(OSError):  # ssl.SSLError is an OSError
        Transport(ca_bundle=str(bad)).verify()
    assert env_flag("YES") and env_flag(" 1 ") and not env_flag("0") and not env_flag(None)
