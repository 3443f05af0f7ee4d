"""Recording traffic as JSONL: one exchange per line, streamed to the file, tokens redacted.

Each line is :meth:`Exchange.record() <simulator.wire.Exchange.record>` (the single place the
bearer token is redacted) plus ``seq``, the line's number, and ``at``, seconds since the recording
began. Lines are written in completion order, so a request appears after every response it could
have depended on: replaying the file in order replays the causality of the run. As a second guard,
any secret handed to the recorder is masked wherever it appears (a custom header may carry one).

:func:`read_recording` checks every line as it reads it (the shape replay relies on, and that the
``operation`` is one the profile knows), so a hand-edited or foreign file is refused with the line
number and the problem instead of failing halfway through a replay.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO, TypeGuard, get_args

from scim_client import Redactor
from simulator.profile import Operation
from simulator.wire import Exchange

_METHOD = re.compile(r"[A-Z]+")


class RecordingError(ValueError):
    """A recording file cannot be read; the message names the line."""


class Recorder:
    """``with Recorder(path, [token]) as rec: rec.write(exchange)``."""

    def __init__(self, path: Path, secrets: Sequence[str] = ()) -> None:
        self.path = path
        self._redactor = Redactor.of(secrets)
        self._file: TextIO = path.open("w", encoding="utf-8")
        self._began = time.monotonic()
        self.lines = 0

    def write(self, exchange: Exchange) -> None:
        """Append ``exchange`` (redacted) as one line."""
        self.lines += 1
        record: dict[str, Any] = {"seq": self.lines, "at": round(time.monotonic() - self._began, 4)}
        record.update(exchange.record())
        self._file.write(self._redactor.text(json.dumps(record, ensure_ascii=False)) + "\n")

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Recorder:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def read_recording(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a recording, one at a time, each checked before it is handed out.

    :class:`RecordingError` names the first bad line and what is wrong with it. Callers that must
    not send anything from a bad file (``scim-harness replay``) read it to the end first.
    """
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise RecordingError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    raise RecordingError(f"{path} line {number}: not JSON") from None
                problem = _problem(record)
                if problem is not None:
                    raise RecordingError(f"{path} line {number}: {problem}")
                yield record
        except UnicodeDecodeError:
            raise RecordingError(f"{path}: not UTF-8 text") from None


OPERATIONS: frozenset[str] = frozenset(get_args(Operation))


def is_operation(value: object) -> TypeGuard[Operation]:
    """Whether ``value`` names one of the IdP's operations (``lookup_user``, ``create_user``, …)."""
    return isinstance(value, str) and value in OPERATIONS


def _problem(record: Any) -> str | None:
    """What keeps ``record`` from being a recorded exchange replay can send; None when it is one."""
    if not isinstance(record, dict):
        return "not a recorded exchange (a JSON object with request and response)"
    request, response = record.get("request"), record.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        return "not a recorded exchange (a JSON object with request and response)"
    operation = record.get("operation")
    if not is_operation(operation):
        known = ", ".join(sorted(OPERATIONS))
        return f"unknown operation {operation!r} (one of: {known})"
    if not isinstance(record.get("event", ""), str):
        return "event is not a string"
    user_id = record.get("userId")
    if user_id is not None and (not isinstance(user_id, int) or isinstance(user_id, bool)):
        return f"userId {user_id!r} is not an integer"
    method = request.get("method")
    if not isinstance(method, str) or not _METHOD.fullmatch(method):
        return f"request method {method!r} is not an HTTP method"
    target = request.get("target")
    if not isinstance(target, str) or not target.startswith("/"):
        return f"request target {target!r} is not a path (it must start with /)"
    headers = request.get("headers")
    if not isinstance(headers, list) or not all(
        isinstance(h, list) and len(h) == 2 and all(isinstance(part, str) for part in h) for h in headers
    ):
        return "request headers are not a list of [name, value] strings"
    if not isinstance(request.get("body"), str | None):
        return "request body is not a string or null"
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 0 <= status <= 599:
        return f"response status {status!r} is not an HTTP status (or 0 for no answer)"
    if not isinstance(response.get("body"), str | None):
        return "response body is not a string or null"
    return None
