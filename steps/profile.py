"""The run's OneLogin profile for the feature suite: ``--scim-profile FILE`` and ``--scim-set KNOB=VALUE``.

Also ``SCIM_PROFILE`` and ``SCIM_SET`` (one ``KNOB=VALUE`` per line, applied before the options), which
is how ``scim-harness check`` hands its ``--profile``/``--set`` to the pytest workers. The profile
is read once, when pytest starts: a bad file or value stops the run with one line before any
scenario. The ``scim_profile`` session fixture is what the OneLogin steps build their connector
from; a scenario that sets a knob itself ("the app's deletion action is ...") overrides that knob
only, for that scenario.

A scenario about one particular value of a knob (OneLogin's form-encoded filter, the Suspend action)
calls :func:`require`: when the run's profile gives the knob another value, the scenario is skipped
with the reason, never failed — the server is not at fault for a request the profile does not send.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from simulator import IDP_PROFILES, KNOBS, EffectiveProfile, ProfileError, load_profile
from steps.failures import SuiteError

_PROFILE_KEY = pytest.StashKey[EffectiveProfile]()
_IDP_KEY = pytest.StashKey[dict[str, EffectiveProfile]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scim", "SCIM target (default: the embedded reference server)")
    group.addoption(
        "--scim-profile",
        default=os.environ.get("SCIM_PROFILE") or None,
        help="profile file (TOML) of OneLogin knobs for the OneLogin scenarios (or SCIM_PROFILE)",
    )
    group.addoption(
        "--scim-set",
        action="append",
        default=[],
        metavar="KNOB=VALUE",
        help="set one OneLogin knob, after the profile file (repeatable; or SCIM_SET, one per line)",
    )


def pytest_configure(config: pytest.Config) -> None:
    file = config.getoption("--scim-profile")
    from_env = [line for line in os.environ.get("SCIM_SET", "").splitlines() if line.strip()]
    try:
        sets = [*from_env, *config.getoption("--scim-set")]
        effective = load_profile(Path(file) if file else None, sets, option="--scim-set")
    except ProfileError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_PROFILE_KEY] = effective
    # the same file and knobs over each other IdP's own profile (checked once, here, like OneLogin's)
    try:
        config.stash[_IDP_KEY] = {
            tag: load_profile(Path(file) if file else None, sets, option="--scim-set", base=idp.base)
            for tag, idp in IDP_PROFILES.items()
            if tag != "onelogin"
        }
    except ProfileError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_report_header(config: pytest.Config) -> str | None:
    effective = config.stash.get(_PROFILE_KEY, None)
    if effective is None or not effective.origins:
        return None
    return f"OneLogin profile: {effective.name}, knobs set: {', '.join(effective.origins)}"


@pytest.fixture(scope="session")
def scim_profile(pytestconfig: pytest.Config) -> EffectiveProfile:
    """The run's effective OneLogin profile: knobs, app settings and template."""
    return pytestconfig.stash[_PROFILE_KEY]


def idp_scim_profile(config: pytest.Config, tag: str) -> EffectiveProfile:
    """The run's profile as the IdP ``tag`` (``okta``, ``entra``): its own knobs, then the run's."""
    if tag == "onelogin":
        return config.stash[_PROFILE_KEY]
    return config.stash[_IDP_KEY][tag]


def require(scim_profile: EffectiveProfile, knob: str, actual: Any, holds: bool, about: str) -> None:
    """Skip the scenario, saying why, unless ``holds``: it is ``about`` another value of ``knob``.

    ``actual`` is the knob's value in the scenario. Only a value the run's profile set skips; a
    scenario contradicting itself is an error in the suite, not a skip.
    """
    if holds:
        return
    spec = KNOBS[knob]
    shown = _shown(knob, actual)
    if scim_profile.origin(knob) == "default" or scim_profile.value(spec) != actual:
        raise SuiteError(f"the scenario runs with {knob}={shown} but {about}")
    pytest.skip(
        f"{about}; the run's profile sets {knob}={shown} [{spec.certainty}] ({scim_profile.where(knob)})"
    )


def skip_if_set(scim_profile: EffectiveProfile, knobs: tuple[str, ...], about: str) -> None:
    """Skip the scenario, saying why, when the run's profile set any of ``knobs`` (else return)."""
    chosen = [k for k in knobs if scim_profile.origin(k) != "default"]
    if chosen:
        shown = ", ".join(
            f"{k}={_shown(k, scim_profile.value(KNOBS[k]))} ({scim_profile.where(k)})" for k in chosen
        )
        pytest.skip(f"{about}; the run's profile sets {shown}")


def _shown(knob: str, value: Any) -> str:
    """A knob's value for a skip reason: strings quoted, custom headers by name only (their values
    may be credentials, and skip reasons go into every report)."""
    if knob == "app.custom_headers":
        return "[" + ", ".join(name for name, _ in value) + "]"
    return json.dumps(value) if isinstance(value, str) else KNOBS[knob].format(value)
