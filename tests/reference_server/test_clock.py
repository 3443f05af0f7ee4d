"""The server's clock: the stored timestamps (``meta.created``, ``meta.lastModified``)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from reference_server.service import utc_now


def test_utc_now_is_the_isoformat_text_of_the_same_clock() -> None:
    pattern = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
    for _ in range(3):
        before = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        now = utc_now()
        after = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        assert pattern.fullmatch(now) and before <= now <= after
        time.sleep(0.6)  # across a second: the cached date and time of day move on
