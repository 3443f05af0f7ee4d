"""Traffic figures in bounded memory: a latency histogram, a per-second timeline, the status mix.

An HTTP error is an attempt answered with a status of 400 or more, or not answered at all; the
timeline counts them per second (``errors``, split into ``4xx``, ``5xx`` and ``noAnswer``), and so
does the summary (``httpErrors``). Some are expected — a lookup's 404, a racing group create's
409 — so an error is not a problem: verification decides that.

Nothing here keeps a list of requests. Latencies go into a fixed array of logarithmic buckets (each
2 % wider than the last, from 10 µs to about 20 minutes), so percentiles are exact to within 2 %
whatever the number of requests; the timeline keeps one small summary per second of traffic, so it
grows with the run's duration, never with the tenant.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_FLOOR = 1e-5  # seconds: the lower edge of bucket 0
_GROWTH = 1.02
_BUCKETS = int(math.log(1200 / _FLOOR, _GROWTH)) + 2
_LOG_GROWTH = math.log(_GROWTH)


def _bucket(seconds: float) -> int:
    if seconds <= _FLOOR:
        return 0
    return min(_BUCKETS - 1, int(math.log(seconds / _FLOOR) / _LOG_GROWTH) + 1)


def _upper(bucket: int) -> float:
    return _FLOOR * _GROWTH**bucket


class Histogram:
    """Counts of latencies in logarithmic buckets; percentiles within 2 %."""

    __slots__ = ("count", "counts", "maximum", "total")

    def __init__(self) -> None:
        self.counts = [0] * _BUCKETS
        self.count = 0
        self.total = 0.0
        self.maximum = 0.0

    def add(self, seconds: float) -> None:
        """Count one latency."""
        self.counts[_bucket(seconds)] += 1
        self.count += 1
        self.total += seconds
        self.maximum = max(self.maximum, seconds)

    def percentile(self, q: float) -> float:
        """The latency (seconds) below which a fraction ``q`` of the counted ones fall; 0 when empty."""
        if not self.count:
            return 0.0
        rank = max(1, math.ceil(q * self.count))
        seen = 0
        for index, n in enumerate(self.counts):
            seen += n
            if seen >= rank:
                return min(_upper(index), self.maximum)
        return self.maximum

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0

    def summary(self) -> dict[str, float]:
        """Milliseconds: p50, p90, p99, mean and max."""
        return {
            "p50": _ms(self.percentile(0.50)),
            "p90": _ms(self.percentile(0.90)),
            "p99": _ms(self.percentile(0.99)),
            "mean": _ms(self.mean),
            "max": _ms(self.maximum),
        }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


@dataclass(slots=True)
class Errors:
    """HTTP errors: answered 4xx, answered 5xx, and not answered (a timeout, a refused connection)."""

    client: int = 0
    server: int = 0
    unanswered: int = 0

    def add(self, status: int) -> None:
        if status == 0:
            self.unanswered += 1
        elif status >= 500:
            self.server += 1
        elif status >= 400:
            self.client += 1

    @property
    def total(self) -> int:
        return self.client + self.server + self.unanswered

    def to_json(self) -> dict[str, int]:
        return {"errors": self.total, "4xx": self.client, "5xx": self.server, "noAnswer": self.unanswered}


@dataclass(slots=True)
class _Second:
    requests: int = 0
    errors: Errors = field(default_factory=Errors)
    latency: Histogram = field(default_factory=Histogram)


@dataclass(slots=True)
class Stats:
    """Every attempt sent: counts, statuses, latencies, and the per-second timeline.

    ``started`` is the clock reading (``time.perf_counter``) the timeline counts seconds from.
    """

    started: float
    latency: Histogram = field(default_factory=Histogram)
    statuses: Counter[str] = field(default_factory=Counter)
    operations: dict[str, Counter[str]] = field(default_factory=dict)
    retries: int = 0
    errors: Errors = field(default_factory=Errors)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    _current: int = 0
    _second: _Second = field(default_factory=_Second)

    @property
    def requests(self) -> int:
        return self.latency.count

    def add(self, operation: str | None, status: int, latency: float, at: float, attempt: int = 1) -> None:
        """Count one attempt: its status (0 for a transport error), latency and completion time."""
        key = str(status) if status else "error"
        self.latency.add(latency)
        self.statuses[key] += 1
        self.operations.setdefault(operation or "other", Counter())[key] += 1
        if attempt > 1:
            self.retries += 1
        second = max(0, int(at - self.started))
        if second != self._current:
            self._roll(second)
        self.errors.add(status)
        self._second.requests += 1
        self._second.errors.add(status)
        self._second.latency.add(latency)

    def _roll(self, second: int) -> None:
        if second < self._current:  # a late completion from the previous second: count it here
            return
        self._flush()
        # quiet seconds are charted as zero, so the timeline's index is the second
        for quiet in range(self._current + 1, second):
            self.timeline.append({"second": quiet, "requests": 0, **Errors().to_json()})
        self._current, self._second = second, _Second()

    def _flush(self) -> None:
        s = self._second
        entry: dict[str, Any] = {"second": self._current, "requests": s.requests, **s.errors.to_json()}
        if s.requests:
            entry.update(s.latency.summary())
        self.timeline.append(entry)

    def finish(self) -> list[dict[str, Any]]:
        """Close the current second and return the timeline (call once, at the end)."""
        if self._second.requests:
            self._flush()
            self._second = _Second()
            self._current += 1
        return self.timeline

    def summary(self, elapsed: float) -> dict[str, Any]:
        """The figures ``simulation.json`` reports for ``elapsed`` seconds of traffic."""
        return {
            "requests": self.requests,
            "retries": self.retries,
            "elapsed": round(elapsed, 3),
            "throughput": round(self.requests / elapsed, 2) if elapsed > 0 else 0.0,
            "latencyMs": self.latency.summary(),
            "statuses": dict(sorted(self.statuses.items())),
            "httpErrors": self.errors.to_json(),
            "operations": {op: dict(sorted(c.items())) for op, c in sorted(self.operations.items())},
        }
