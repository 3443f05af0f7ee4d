"""The rotation worker: completes pending password rotations shortly after they are scheduled.

It runs as a task on the server's event loop, so its transactions never interleave with a
request's. Pending rotations are kept by the store, so a restart resumes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from reference_server.domain.accounts import Accounts

log = logging.getLogger("reference_server.rotations")


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class RotationWorker:
    """Completes each pending rotation once it is ``delay`` seconds old, polling every ``poll``."""

    def __init__(self, accounts: Accounts, delay: float, poll: float = 0.05) -> None:
        self.accounts = accounts
        self.delay = delay
        self.poll = poll
        self._task: asyncio.Task[None] | None = None

    def tick(self) -> int:
        due_before = _timestamp(datetime.now(UTC) - timedelta(seconds=self.delay))
        return self.accounts.complete_due_rotations(due_before)

    async def _run(self) -> None:
        while True:
            try:
                self.tick()
            except Exception:  # a bad tick must not stop rotations for good
                log.exception("rotation worker tick failed")
            await asyncio.sleep(self.poll)

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="rotation-worker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
