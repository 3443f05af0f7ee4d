"""The Locust user that replays the OneLogin profile's events: ``locust -f simulator/load/locustfile.py``.

Importing this module imports Locust, which monkey-patches the process with gevent: it is loaded
only through the locustfile, never from :mod:`simulator` or the asyncio engine's import path.

Each process (a standalone ``--headless`` run, or each ``--worker``) builds the scenario's
:class:`~simulator.load.feed.Feed` when the test starts: the same tenant, connector, trigger stream
and request plans as ``scim-harness simulate``, keeping the triggers of its partition. The master
deals partitions out to the workers connected at the start (``--scim-partitions``, forwarded to
them); a worker that joins later idles. Each Locust user takes a trigger, drives its plan with
:func:`simulator.plans.run` over its own single-connection ``httpx.Client`` (so the requests are
byte for byte those the engine sends, through :func:`simulator.wire.send_sync`), retries as the
profile's :class:`~simulator.profile.RetryPolicy` says, and reports every attempt to Locust's
statistics under the operation's name (``create_user``, ``lookup_user``, …). A final response is a
failure when :func:`simulator.verify.check` has findings; an event that fails without one is
reported as ``EVENT <name>``; a retried attempt is counted under ``<operation> (retried)``.

Before any of that, the master (or the standalone process) sends OneLogin's connection test alone
and waits for its answer: only when OneLogin would accept it are the workers given their spawn jobs
with a partition; otherwise every worker stays idle, the run stops, and the report's
``connectionTest`` says why.

When a process has run all its triggers it says so; once every partition is done, a headless run
quits (the scenario is over) and a run with the web UI stops. ``soak`` never ends: give
``--run-time``.

Configuration (Locust options, or their environment variables):

- ``--host`` or ``SCIM_BASE_URL``: the SCIM base URL; ``SCIM_TOKEN``: the bearer token (environment
  only, so it is never on a command line; set it on the master, which sends the connection test,
  and on every worker);
- ``--scim-scenario`` / ``SCIM_SCENARIO``, ``--scim-tenant-users`` / ``SCIM_TENANT_USERS``,
  ``--scim-seed`` / ``SCIM_SEED``: the scenario and tenant (the master's values reach the workers);
- ``SCIM_TIMEOUT``, ``SCIM_RETRIES``, ``SCIM_CA_BUNDLE``, ``SCIM_INSECURE``: as for ``simulate``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import gevent  # type: ignore[import-untyped]  # gevent ships no type information
import httpx
from locust import User, constant, events, task
from locust.argument_parser import LocustArgumentParser
from locust.env import Environment
from locust.event import EventHook
from locust.exception import StopUser
from locust.rpc.protocol import Message
from locust.runners import MasterRunner, Runner, WorkerRunner

from scim_client import Transport
from simulator import verify
from simulator.connector import Connector
from simulator.load.feed import Feed, Partition
from simulator.load.figures import figures
from simulator.plans import run
from simulator.profile import ONELOGIN, Profile, Timeouts
from simulator.scenarios import SCENARIOS
from simulator.settings import AppSettings
from simulator.tenant import Tenant
from simulator.triggers import Trigger
from simulator.wire import Exchange, WireRequest, WireResponse, send_sync

logger = logging.getLogger(__name__)
for _name in ("httpx", "httpcore"):  # one INFO line per request otherwise
    logging.getLogger(_name).setLevel(logging.WARNING)
DONE_MESSAGE = "scim_done"
SATURATED_PAUSE = 0.05
"""Seconds a Locust user waits when too many triggers queue behind running users."""


def _listen(hook: EventHook) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``hook.add_listener`` as a typed decorator."""

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        hook.add_listener(handler)  # type: ignore[no-untyped-call]  # locust leaves it unannotated
        return handler

    return register


class VerificationFailed(Exception):
    """A response OneLogin would not accept, or that breaks the RFCs (the message says how)."""


class EventFailed(Exception):
    """An event OneLogin could not complete (the plan's detail)."""


@dataclass(slots=True)
class _Process:
    """What this process runs: its feed, where, and whether it said it is done."""

    feed: Feed | None = None
    base_url: str = ""
    profile: Profile = ONELOGIN
    transport: Transport = field(default_factory=Transport)
    announced: bool = False
    environment: Environment | None = None
    done_partitions: set[int] | None = None
    """On the master: the worker indexes that finished."""
    partition_workers: tuple[int, ...] = ()
    """On the master: the worker indexes that received a partition, in partition order."""
    connection_test: dict[str, Any] | None = None
    """On the master (or a standalone process): how the connection test went, for the report."""


_process = _Process()


def _profile_from_env() -> Profile:
    profile = ONELOGIN
    timeout = os.environ.get("SCIM_TIMEOUT")
    if timeout:
        seconds = float(timeout)
        profile = replace(profile, timeouts=Timeouts(seconds, seconds, seconds, seconds))
    retries = os.environ.get("SCIM_RETRIES")
    if retries:
        profile = replace(profile, retry=replace(profile.retry, retries=int(retries)))
    return profile


def _transport_from_env() -> Transport:
    return Transport.from_environment(os.environ)


@_listen(events.init_command_line_parser)
def _options(parser: LocustArgumentParser, **_: Any) -> None:
    group = parser.add_argument_group("OneLogin simulation (scim-harness)")
    group.add_argument(
        "--scim-scenario",
        env_var="SCIM_SCENARIO",
        default="onboarding",
        choices=list(SCENARIOS),
        help="The traffic mix (or SCIM_SCENARIO).",
    )
    group.add_argument(
        "--scim-tenant-users",
        env_var="SCIM_TENANT_USERS",
        type=int,
        default=100,
        help="OneLogin users in the generated tenant (or SCIM_TENANT_USERS).",
    )
    group.add_argument(
        "--scim-seed", env_var="SCIM_SEED", type=int, default=0, help="Same seed, same tenant and traffic."
    )
    group.add_argument(
        "--scim-report",
        env_var="SCIM_LOCUST_REPORT",
        default="",
        help="Write the final figures (requests, failures, rps, percentiles) as JSON to this file.",
    )
    parser.add_argument(  # set by the master at test start; forwarded to the workers with the others
        "--scim-partitions", default="", include_in_web_ui=False, help=argparse.SUPPRESS
    )
    parser.add_argument(  # set by the master when the connection test failed: workers then send nothing
        "--scim-not-enabled", default="", include_in_web_ui=False, help=argparse.SUPPRESS
    )


def _stop(runner: Runner, headless: bool) -> None:
    runner.stop()
    if headless:
        runner.quit()


def _headless(environment: Environment) -> bool:
    return bool(environment.parsed_options and environment.parsed_options.headless)


def _on_done(environment: Environment, msg: Message, **_: Any) -> None:
    """On the master: a worker ran its partition; when all have, the scenario is over."""
    done = _process.done_partitions
    if done is None:
        return
    done.add(int(msg.data["index"]))
    if done.issuperset(_process.partition_workers):
        logger.info("every partition of the scenario has run: stopping")
        gevent.spawn(_stop, environment.runner, _headless(environment))


@_listen(events.init)
def _on_init(environment: Environment, **_: Any) -> None:
    _process.environment = environment
    if isinstance(environment.runner, MasterRunner):
        environment.runner.register_message(DONE_MESSAGE, _on_done)


def _partition(environment: Environment) -> Partition | None:
    runner = environment.runner
    if not isinstance(runner, WorkerRunner):
        return Partition()
    options = environment.parsed_options
    listed = str(getattr(options, "scim_partitions", "") or "")
    workers = [int(i) for i in listed.split(",") if i]
    if runner.worker_index not in workers:
        logger.warning("worker %d joined after the test started: it sends nothing", runner.worker_index)
        return None
    return Partition(workers.index(runner.worker_index), len(workers))


@_listen(events.test_start)
def _on_test_start(environment: Environment, **_: Any) -> None:
    runner, options = environment.runner, environment.parsed_options
    host = environment.host or os.environ.get("SCIM_BASE_URL", "")
    token = os.environ.get("SCIM_TOKEN", "")
    _process.feed, _process.announced = None, False
    if not host or not token:
        logger.error("give the SCIM base URL (--host or SCIM_BASE_URL) and SCIM_TOKEN in the environment")
        if runner is not None:
            gevent.spawn(runner.quit)
        return
    _process.base_url = host.rstrip("/")
    _process.profile, _process.transport = _profile_from_env(), _transport_from_env()
    if not isinstance(runner, WorkerRunner):
        # OneLogin's order: Enable (the connection test) alone, and provisioning only once OneLogin
        # accepts its answer. The master fires test_start before it sends workers their spawn jobs,
        # so no worker sends anything until this returns.
        refused = _enable(environment, token)
        if refused is not None:
            logger.error("%s: OneLogin would not enable provisioning; no user request is sent", refused)
            if options is not None:
                options.scim_not_enabled = refused  # forwarded: the workers stay idle
            if runner is not None:
                gevent.spawn(_stop, runner, _headless(environment))
            return
    if isinstance(runner, MasterRunner):
        clients = runner.clients
        connected = (*clients.ready, *clients.spawning, *clients.running)
        indexes = sorted(runner.worker_indexes[c.id] for c in connected if c.id in runner.worker_indexes)
        _process.partition_workers, _process.done_partitions = tuple(indexes), set()
        if options is not None:
            options.scim_partitions = ",".join(str(i) for i in indexes)
        return
    if getattr(options, "scim_not_enabled", ""):
        return
    partition = _partition(environment)
    if partition is None or options is None:
        return
    scenario, users, seed = options.scim_scenario, options.scim_tenant_users, options.scim_seed
    _process.feed = Feed.build(scenario, users, seed, token, partition, _process.profile)
    logger.info(
        "scenario %s over %d users (seed %d): partition %d of %d",
        scenario,
        users,
        seed,
        partition.index,
        partition.count,
    )


def _announce(environment: Environment) -> None:
    """This process ran all its triggers: tell the master (a worker) or stop the run (standalone)."""
    if _process.announced:
        return
    _process.announced = True
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        runner._send_stats()  # the last samples reach the master before it may stop the run
        runner.send_message(DONE_MESSAGE, {"index": runner.worker_index})
    elif runner is not None:
        gevent.spawn(_stop, runner, _headless(environment))


class OneLoginApp(User):
    """OneLogin's provisioning connector, one of many: runs triggers of its process's feed."""

    wait_time = constant(0)

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self.http = httpx.Client(limits=limits, verify=_process.transport.verify(), follow_redirects=False)

    def on_stop(self) -> None:
        self.http.close()

    @task
    def push(self) -> None:
        """Take a trigger and run it, then the triggers that queued behind it for the same user."""
        feed = _process.feed
        if feed is None:
            raise StopUser()
        trigger = feed.take()
        if trigger is None:
            if not feed.exhausted:  # saturated: running users will free triggers
                time.sleep(SATURATED_PAUSE)
                return
            if feed.done:
                _announce(self.environment)
            raise StopUser()
        next_trigger: Trigger | None = trigger
        while next_trigger is not None:
            self._run(feed, next_trigger)
            next_trigger = feed.finished(next_trigger)
        if feed.done:
            _announce(self.environment)

    def _run(self, feed: Feed, trigger: Trigger) -> None:
        flagged = False

        def send(request: WireRequest) -> WireResponse:
            nonlocal flagged
            exchange, flagged = _exchange(self.environment, self.http, request)
            return exchange.response

        began = time.perf_counter()
        outcome = run(feed.plan(trigger), send)
        if not outcome.ok and not flagged:
            error = EventFailed(outcome.detail)
            _report(self.environment, "EVENT", trigger.event, time.perf_counter() - began, 0, error, None)


def _exchange(environment: Environment, http: httpx.Client, request: WireRequest) -> tuple[Exchange, bool]:
    """Send ``request`` until the retry policy stops; the final exchange and whether it failed."""
    profile, base_url = _process.profile, _process.base_url
    timeout = profile.timeouts.as_dict()
    name = request.operation or request.path
    attempt = 1
    while True:
        began = time.perf_counter()
        response = send_sync(http, base_url, request, timeout)
        latency = time.perf_counter() - began
        exchange = Exchange(request, response, attempt)
        delay = profile.retry.delay(attempt, response.status, response.header("Retry-After"))
        if delay is None:
            findings = verify.check(exchange, profile)
            error = VerificationFailed("; ".join(f.message for f in findings)) if findings else None
            _report(environment, request.method, name, latency, len(response.body), error, request)
            return exchange, bool(findings)
        _report(environment, request.method, f"{name} (retried)", latency, len(response.body), None, request)
        time.sleep(delay)
        attempt += 1


def _report(
    environment: Environment,
    kind: str,
    name: str,
    seconds: float,
    length: int,
    error: Exception | None,
    request: WireRequest | None,
) -> None:
    environment.events.request.fire(  # type: ignore[no-untyped-call]  # locust leaves it unannotated
        request_type=kind,
        name=name,
        response_time=seconds * 1000,
        response_length=length,
        response=None,
        context={},
        exception=error,
        url=None if request is None else request.url(_process.base_url),
    )


def _enable(environment: Environment, token: str) -> str | None:
    """Send the connection test alone and wait for it: None when OneLogin would enable
    provisioning [doc: 200 with an empty ListResponse, or 404], else why it would not."""
    seed = int(getattr(environment.parsed_options, "scim_seed", 0) or 0)
    # the connection test needs no directory: an empty tenant spares the master generating one
    connector = Connector(Tenant([], [], AppSettings()), token, _process.profile, seed=seed)
    with httpx.Client(verify=_process.transport.verify(), follow_redirects=False) as http:
        outcome = run(connector.connection_test(), lambda r: _exchange(environment, http, r)[0].response)
    _process.connection_test = {"ok": outcome.ok, "detail": outcome.detail}
    return None if outcome.ok else f"the connection test failed: {outcome.detail}"


@_listen(events.quit)
def _on_quit(**_: Any) -> None:
    """Write ``--scim-report`` once the run is over (the master's stats then include every worker's)."""
    environment = _process.environment
    if environment is None or isinstance(environment.runner, WorkerRunner):
        return
    path = str(getattr(environment.parsed_options, "scim_report", "") or "")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(
                {**figures(environment.stats), "connectionTest": _process.connection_test}, out, indent=2
            )
