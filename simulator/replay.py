"""Replaying a recording against another target and reporting where it answers differently.

The recording's lines are sent in order (completion order, so causality holds), one at a time,
with the new target's token and with server-assigned ids remapped (:class:`~simulator.idmap.IdMap`).
Each answer is compared with the recorded one — a different status, an ``id`` missing where the
recording had one, a lookup finding a different number of resources — and verified like live
traffic (:func:`simulator.verify.check`: schemas, OneLogin's needs). Each difference is a
:class:`~simulator.problems.Problem` with the new exchange, token redacted.

Requests of different users ran concurrently in the recorded run, and two answers the server sent
one after the other can be recorded the other way round. So these are races, not differences:
``POST /Groups`` answering 409 (or the sample server's 400 ``name_already_exists``, per the profile)
where the recording has 201, or the reverse — the replay finds the existing group as the profile
does (``GET /Groups``, or the filtered lookup) and goes on — and a lookup finding a resource the
replay itself created where the recording found none (or finding none where the recording's
resource is created later in the file). A resource the target had before the replay is still a
difference.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from scim_client import Transport, public_url
from simulator.flow import group_exists
from simulator.idmap import IdMap
from simulator.problems import DEFAULT_CAP, Kind, Problem, Problems, exchange_record
from simulator.profile import ONELOGIN, Profile
from simulator.progress import Progress, Silent
from simulator.record import is_operation
from simulator.sender import Sender, clients_for
from simulator.stats import Stats
from simulator.verify import check
from simulator.wire import Exchange, WireRequest

_LOOKUPS = frozenset({"connection_test", "lookup_user", "lookup_group"})


@dataclass(slots=True)
class ReplayReport:
    """What a replay found; ``to_json()`` is ``replay.json``."""

    recording: str
    target: str
    exchanges: int = 0
    remapped_ids: int = 0
    traffic: dict[str, Any] = field(default_factory=dict)
    differences: Problems = field(default_factory=lambda: Problems(DEFAULT_CAP))

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_json(self) -> dict[str, Any]:
        return {
            "recording": self.recording,
            "target": self.target,
            "ok": self.ok,
            "exchanges": self.exchanges,
            "remappedIds": self.remapped_ids,
            **self.traffic,
            "differences": self.differences.to_json(),
        }


def _json(text: Any) -> Any:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def rebuild(record: dict[str, Any], token: str, ids: IdMap, profile: Profile = ONELOGIN) -> WireRequest:
    """The recorded request for the new target: its token, and new ids in the path and body.

    ``record`` is one :func:`~simulator.record.read_recording` checked.
    """
    recorded, operation = record["request"], record["operation"]
    if not is_operation(operation):
        raise ValueError(f"unknown operation {operation!r}: read recordings with read_recording()")
    path, sep, query = str(recorded["target"]).partition("?")
    headers = tuple(
        (str(name), f"Bearer {token}" if str(name).lower() == "authorization" else str(value))
        for name, value in recorded["headers"]
    )
    if not any(name.lower() == "authorization" for name, _ in headers):
        headers = (("Authorization", f"Bearer {token}"), *headers)
    text = recorded.get("body")
    body = None if text is None else str(text).encode("utf-8")
    parsed = _json(text)
    if parsed is not None:
        mapped = ids.body(parsed)
        if mapped != parsed:  # re-serialised only when an id changed: otherwise the exact bytes
            body = profile.dumps(mapped)
    return WireRequest(
        str(recorded["method"]),
        ids.path(path),
        query if sep else None,
        headers,
        body,
        str(record.get("event") or ""),
        record.get("userId"),
        operation,
    )


@dataclass(slots=True)
class _Replayer:
    sender: Sender
    token: str = field(repr=False)  # a bearer token: never in a repr or a traceback
    profile: Profile
    report: ReplayReport
    ids: IdMap = field(default_factory=IdMap)
    created: set[str] = field(default_factory=set)
    """New ids of the resources this replay created."""
    pending: dict[str, Problem] = field(default_factory=dict)
    """Lookups that found nothing where the recording found an id not created yet: a race if a later
    line creates that id, a difference otherwise (reported at the end)."""

    def differ(
        self,
        record: dict[str, Any],
        exchange: Exchange,
        kind: Kind,
        message: str,
        pointer: str | None = None,
        unless_created: str | None = None,
        *,
        check: str = "",
        basis: str = "",
    ) -> None:
        """Report a difference (or hold it until the end when a later line may create ``unless_created``)."""
        line = record.get("seq", "?")
        request = exchange.request
        problem = Problem(
            kind,
            f"line {line}: {message}",
            request.event,
            request.user_id,
            pointer,
            exchange_record(exchange),
            check or f"as-recorded:{kind}",
            basis or "the answer the recorded target gave",
        )
        if unless_created is None:
            self.report.differences.add(problem)
        else:
            self.pending[unless_created] = problem

    def finish(self) -> None:
        """Report the lookups whose resource the recording never created."""
        for problem in self.pending.values():
            self.report.differences.add(problem)
        self.pending.clear()

    async def one(self, record: dict[str, Any]) -> None:
        request = rebuild(record, self.token, self.ids, self.profile)
        exchange = await self.sender.exchange(request)
        response, recorded = exchange.response, record["response"]
        old_status, new_status = int(recorded["status"]), response.status
        old_body, new_body = _json(recorded.get("body")), _json(response.body.decode("utf-8", "replace"))
        exists = request.operation == "create_group" and group_exists(self.profile, response)
        existed = request.operation == "create_group" and old_status in (400, 409)
        raced = (old_status == 201 and exists) or (new_status == 201 and existed)
        if raced and exists:
            await self._link_existing_group(request, old_body)
        elif old_status != new_status and not raced:
            same_class = old_status // 100 == new_status // 100
            what = "a different status" if same_class else "a different status class"
            shown = response.error or str(new_status)
            self.differ(
                record,
                exchange,
                "status",
                f"{request} answered {shown} ({what}); the recording has {old_status}",
            )
        if 200 <= old_status < 300 and 200 <= new_status < 300:
            self._compare_bodies(record, exchange, old_body, new_body)
        if new_status == 201 and isinstance(new_body, dict) and isinstance(new_body.get("id"), str):
            self.created.add(new_body["id"])
        if old_status == 201 and isinstance(old_body, dict):
            self.pending.pop(str(old_body.get("id")), None)
        self.ids.learn_bodies(old_body, new_body)
        for finding in check(exchange, self.profile):
            if finding.kind != "status":  # compared with the recording above instead
                self.differ(
                    record,
                    exchange,
                    finding.kind,
                    finding.message,
                    finding.pointer,
                    check=finding.check,
                    basis=finding.basis,
                )

    def _compare_bodies(self, record: dict[str, Any], exchange: Exchange, old: Any, new: Any) -> None:
        request = exchange.request
        had_id = isinstance(old, dict) and isinstance(old.get("id"), str)
        if had_id and not (isinstance(new, dict) and isinstance(new.get("id"), str) and new["id"]):
            self.differ(record, exchange, "id", f"{request} returned no id; the recording has one", "/id")
        if request.operation in _LOOKUPS and isinstance(old, dict) and isinstance(new, dict):
            before, after = old.get("Resources") or [], new.get("Resources") or []
            if isinstance(before, list) and isinstance(after, list) and len(before) != len(after):
                mine = len(after) == 1 and isinstance(after[0], dict) and after[0].get("id") in self.created
                if not before and mine:
                    return  # found what this replay created: the recorded lookup ran first
                later = None
                if len(before) == 1 and not after and isinstance(before[0], dict):
                    old_id = before[0].get("id")
                    later = old_id if isinstance(old_id, str) and old_id not in self.ids.ids else None
                self.differ(
                    record,
                    exchange,
                    "results",
                    f"{request} found {len(after)} resource(s); the recording found {len(before)}",
                    "/Resources",
                    unless_created=later,
                )

    async def _link_existing_group(self, request: WireRequest, recorded: Any) -> None:
        """Learn the new id of a group the target had already, reading it as the profile does."""
        sent = _json(request.body.decode("utf-8") if request.body else None)
        name = sent.get("displayName") if isinstance(sent, dict) else None
        if (
            not isinstance(name, str)
            or not isinstance(recorded, dict)
            or not isinstance(recorded.get("id"), str)
        ):
            return
        lookup = self.profile.group_lookup_before_create
        find = WireRequest(
            "GET",
            "/Groups",
            self.profile.filter_query("displayName", name) if lookup else None,
            (("Authorization", f"Bearer {self.token}"),),
            None,
            request.event,
            request.user_id,
            "lookup_group" if lookup else "list_groups",
        )
        found = _json((await self.sender.exchange(find)).response.body.decode("utf-8", "replace"))
        items = found.get("Resources") if isinstance(found, dict) else None
        named = (
            [i for i in items if isinstance(i, dict) and i.get("displayName") == name]
            if isinstance(items, list)
            else []
        )
        if len(named) == 1:
            self.ids.learn(recorded["id"], str(named[0].get("id")))


async def replay(
    records: Iterable[dict[str, Any]],
    base_url: str,
    token: str,
    *,
    recording: str = "",
    profile: Profile = ONELOGIN,
    clients: Sequence[httpx.AsyncClient] | None = None,
    progress: Progress | None = None,
    transport: Transport | None = None,
) -> ReplayReport:
    """Replay ``records`` (from :func:`~simulator.record.read_recording`) against ``base_url``."""
    report = ReplayReport(recording, public_url(base_url))
    stats = Stats(time.perf_counter())
    owned = clients is None
    http = clients or clients_for(1, transport)
    sender = Sender(
        http,
        base_url,
        profile,
        on_attempt=lambda e, latency, at: stats.add(
            e.request.operation, e.response.status, latency, at, e.attempt
        ),
    )
    replayer = _Replayer(sender, token, profile, report)
    progress = progress or Silent()
    progress.start("replay", None)
    try:
        for record in records:
            await replayer.one(record)
            report.exchanges += 1
            progress.advance(report.exchanges, stats.requests, report.differences.total)
        replayer.finish()
    finally:
        progress.stop()
        if owned:
            for client in http:
                await client.aclose()
    report.remapped_ids = len(replayer.ids)
    report.traffic = stats.summary(time.perf_counter() - stats.started)
    report.traffic["timeline"] = stats.finish()
    return report
