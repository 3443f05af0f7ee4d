"""Recording traffic as JSONL: one exchange per line, streamed to the file, tokens redacted.

Each line is :meth:`Exchange.record() <simulator.wire.Exchange.record>` (the single place the
bearer token is redacted) plus ``seq``, the line's number, and ``at``, seconds since the recording
began. Lines are written in completion order, so a request appears after every response it could
have depended on: replaying the file in order replays the causality of the run. As a second guard,
any secret handed to the recorder is masked wherever it appears (a custom header may carry one).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from scim_client import Redactor
from simulator.wire import Exchange


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
    """The records of a recording, one at a time; :class:`RecordingError` on a malformed line."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise RecordingError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                raise RecordingError(f"{path} line {number}: not JSON") from None
            if not _well_formed(record):
                raise RecordingError(f"{path} line {number}: not a recorded exchange")
            yield record


def _well_formed(record: Any) -> bool:
    if not isinstance(record, dict):
        return False
    request, response = record.get("request"), record.get("response")
    return (
        isinstance(request, dict)
        and isinstance(request.get("method"), str)
        and isinstance(request.get("target"), str)
        and isinstance(request.get("headers"), list)
        and isinstance(response, dict)
        and isinstance(response.get("status"), int)
    )
