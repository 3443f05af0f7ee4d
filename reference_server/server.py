"""Assemble the full reference server: the SCIM API plus the app-side domain and its observer API."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar

from reference_server.app import create_app
from reference_server.config import ServerConfig
from reference_server.domain import Accounts, Deprovisioning, RotationWorker, observer_router
from reference_server.service import Effects, utc_now
from reference_server.storage.base import Store
from reference_server.storage.sqlite import SqliteStore


def build_server(
    config: ServerConfig,
    effects: Effects | None = None,
    store: Store | None = None,
    *,
    accounts: Callable[[Store, Callable[[], str]], Accounts] = Accounts,
) -> Litestar:
    """The server as ``scim-harness serve`` and the embedded target run it.

    ``effects`` replaces the app-side reaction to SCIM writes (deprovisioning); the harness's
    own tests pass a deliberately broken one. ``store`` is any implementation of the storage
    contract; by default the SQLite file (or ``:memory:``) of ``config.db_path``. ``accounts``
    builds the observer's accounts and grants (a test passes one that breaks a grant rule).
    """
    store = store if store is not None else SqliteStore(config.db_path)
    domain = accounts(store, utc_now)
    worker = RotationWorker(domain, delay=config.rotation_delay)

    async def start_worker(_: Litestar) -> None:
        await worker.start()

    async def stop_worker(_: Litestar) -> None:
        await worker.stop()

    return create_app(
        config,
        store=store,
        effects=effects if effects is not None else Deprovisioning(utc_now),
        extra_routers=[observer_router(domain)],
        on_startup=[start_worker],
        on_shutdown=[stop_worker],
    )
