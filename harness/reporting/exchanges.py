"""How a recorded SCIM exchange reads in a report: a one-line title and a curl-like transcript.

The exchanges arrive as the dicts of ``steps.wire.Exchange.as_dict()`` (tokens already redacted at
recording); missing keys are tolerated so older or hand-made records still render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.scheme else url


def title(exchange: dict[str, Any]) -> str:
    """``POST /scim/v2/Users → 201 (12.3 ms)`` or ``GET /x → no answer (ConnectError ...)``."""
    head = f"{exchange.get('method', '?')} {_path(str(exchange.get('url', '')))}"
    if exchange.get("error"):
        return f"{head} → no answer ({exchange['error']})"
    elapsed = exchange.get("elapsed_ms")
    timing = f" ({float(elapsed):.1f} ms)" if isinstance(elapsed, int | float) else ""
    return f"{head} → {exchange.get('status')}{timing}"


def request_text(exchange: dict[str, Any]) -> str:
    lines = [f"{exchange.get('method', '?')} {exchange.get('url', '')}"]
    lines += [f"{k}: {v}" for k, v in (exchange.get("request_headers") or {}).items()]
    body = exchange.get("request_body")
    if body:
        lines += ["", str(body)]
    return "\n".join(lines)


def response_text(exchange: dict[str, Any]) -> str:
    if exchange.get("error"):
        return f"(no answer: {exchange['error']})"
    lines = [f"HTTP {exchange.get('status')}"]
    lines += [f"{k}: {v}" for k, v in (exchange.get("response_headers") or {}).items()]
    body = exchange.get("response_body")
    if body:
        lines += ["", str(body)]
    return "\n".join(lines)


def transcript(exchanges: list[dict[str, Any]]) -> str:
    """Every exchange, ``>`` for what was sent and ``<`` for what came back."""
    blocks = []
    for exchange in exchanges:
        sent = "\n".join("> " + line if line else ">" for line in request_text(exchange).splitlines())
        got = "\n".join("< " + line if line else "<" for line in response_text(exchange).splitlines())
        blocks.append(f"{sent}\n{got}")
    return "\n\n".join(blocks)
