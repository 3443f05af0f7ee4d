"""Talking to a target: its description, the transport, the pre-flight, failure wording, capped
reads, URL checks and token redaction — the one low layer under ``steps``, ``simulator`` and
``harness``, so each of these concepts has one home.

``preflight(Target(url, token))`` checks a target before a run; ``send(client, request)`` sends one
request with the body capped and failures in words; ``Redactor.of(target.secrets).text(s)`` is the
one way tokens leave output.
"""

from __future__ import annotations

from scim_client.failures import no_answer, redirect_note, redirected_elsewhere, tls_reason
from scim_client.options import CLI_OPTIONS, FRONTEND_VARIABLE, PYTEST_OPTIONS, OptionNames, options_for
from scim_client.preflight import HarnessExchange, TargetUnusable, preflight
from scim_client.reading import MAX_RESPONSE_BYTES, ResponseTooLarge, aread_capped, read_capped
from scim_client.redaction import MASK, MIN_SECRET_LENGTH, NO_SECRETS, Redactor
from scim_client.sending import Received, asend, send
from scim_client.target import (
    DEFAULT_TIMEOUT,
    INSECURE_WARNING,
    Target,
    Transport,
    checked_url,
    env_flag,
    public_url,
)

__all__ = [
    "CLI_OPTIONS",
    "DEFAULT_TIMEOUT",
    "FRONTEND_VARIABLE",
    "INSECURE_WARNING",
    "MASK",
    "MAX_RESPONSE_BYTES",
    "MIN_SECRET_LENGTH",
    "NO_SECRETS",
    "PYTEST_OPTIONS",
    "HarnessExchange",
    "OptionNames",
    "Received",
    "Redactor",
    "ResponseTooLarge",
    "Target",
    "TargetUnusable",
    "Transport",
    "aread_capped",
    "asend",
    "checked_url",
    "env_flag",
    "no_answer",
    "options_for",
    "preflight",
    "public_url",
    "read_capped",
    "redirect_note",
    "redirected_elsewhere",
    "send",
    "tls_reason",
]
