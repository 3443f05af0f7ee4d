"""What an identity provider's SCIM client does on the wire, as plain data: the profile and its knobs.

Every fact onelogin-profile.md marks [guess] or [?] is a knob here with the documented default; each
knob carries how well its default is known ([doc], [seen], [guess], [?]) and where that comes from
as field metadata (:func:`simulator.provenance.knob`), which ``scim-harness profile show`` prints.
The event plans and the engine read these values and nothing else, so an Okta or Entra profile is
another instance of :class:`Profile`, not new engine code.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, quote_plus

from simulator.facts import Certainty
from simulator.provenance import DOC, INFERRED, SAMPLE, UNKNOWN, knob, label
from simulator.settings import Headers

Operation = Literal[
    "connection_test",
    "lookup_user",
    "read_user",
    "create_user",
    "replace_user",
    "patch_user",
    "delete_user",
    "lookup_group",
    "create_group",
    "patch_group",
    "list_groups",
    "list_users",
]


def _statuses(default: tuple[int, ...], certainty: Certainty, source: str) -> tuple[int, ...]:
    return knob(default, certainty, source, minimum=100, maximum=599)


@dataclass(frozen=True, slots=True)
class AcceptedStatuses:
    """The statuses the IdP treats as success, per operation; anything else fails the event."""

    connection_test: tuple[int, ...] = _statuses((200, 404), "doc", DOC)  # 200 empty ListResponse, or 404
    lookup_user: tuple[int, ...] = _statuses((200,), "doc", DOC)  # a 404: lookup_404_means_absent
    # GET /Users/{id} before a PUT (update_reads_user: Okta)
    read_user: tuple[int, ...] = _statuses((200,), "doc", DOC)
    create_user: tuple[int, ...] = _statuses((201,), "doc", DOC)
    replace_user: tuple[int, ...] = _statuses((200,), "seen", SAMPLE)
    # OneLogin sends no user PATCH unless suspend_style="patch"
    patch_user: tuple[int, ...] = _statuses((200, 204), "guess", INFERRED)
    delete_user: tuple[int, ...] = _statuses((200, 204), "doc", DOC)
    lookup_group: tuple[int, ...] = _statuses((200,), "guess", INFERRED)
    # a 409 (duplicate) makes the plan look the group up
    create_group: tuple[int, ...] = _statuses((201,), "doc", DOC)
    patch_group: tuple[int, ...] = _statuses((200, 204), "doc", DOC)
    list_groups: tuple[int, ...] = _statuses((200,), "doc", DOC)
    list_users: tuple[int, ...] = _statuses((200,), "doc", DOC)

    def of(self, operation: Operation) -> tuple[int, ...]:
        """The accepted statuses of ``operation``."""
        statuses: tuple[int, ...] = getattr(self, operation)
        return statuses


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """OneLogin's retries are undocumented [?]. Default: never retry a 4xx except 429; retry 5xx,
    429 and timeouts ``retries`` times with exponential backoff, honouring ``Retry-After``."""

    retries: int = knob(3, "?", UNKNOWN, minimum=0, maximum=10)
    backoff: float = knob(1.0, "?", UNKNOWN, minimum=0)
    """Seconds before the first retry; multiplied by ``factor`` for each further one."""
    factor: float = knob(2.0, "?", UNKNOWN, minimum=1)
    max_delay: float = knob(30.0, "?", UNKNOWN, minimum=0)
    retry_5xx: bool = knob(True, "?", UNKNOWN)
    retry_429: bool = knob(True, "?", UNKNOWN)
    retry_transport_errors: bool = knob(True, "?", UNKNOWN)
    """Timeouts and refused or reset connections (``status == 0``)."""
    honour_retry_after: bool = knob(True, "?", UNKNOWN)
    max_retry_after: float = knob(120.0, "?", UNKNOWN, minimum=0)

    def delay(
        self, attempt: int, status: int, retry_after: str | None = None, now: float | None = None
    ) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1 = first retry), or None to give up.

        ``status`` is the response status, 0 for a transport error; ``retry_after`` the header value
        (delta-seconds or an HTTP-date, RFC 9110 §10.2.3).
        """
        if attempt > self.retries:
            return None
        retryable = (
            (status == 0 and self.retry_transport_errors)
            or (status == 429 and self.retry_429)
            or (status >= 500 and self.retry_5xx)
        )
        if not retryable:
            return None
        backoff = min(self.max_delay, self.backoff * self.factor ** (attempt - 1))
        if self.honour_retry_after and retry_after and status in (429, 503):
            asked = _retry_after_seconds(retry_after, time.time() if now is None else now)
            if asked is not None:
                return min(max(asked, 0.0), self.max_retry_after)
        return backoff


def _retry_after_seconds(value: str, now: float) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return email.utils.parsedate_to_datetime(value).timestamp() - now
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds; OneLogin's own timeouts are not published [?]."""

    connect: float = knob(10.0, "?", UNKNOWN, minimum=0.001)
    read: float = knob(30.0, "?", UNKNOWN, minimum=0.001)
    write: float = knob(30.0, "?", UNKNOWN, minimum=0.001)
    pool: float = knob(30.0, "?", UNKNOWN, minimum=0.001)

    def as_dict(self) -> dict[str, float]:
        """The form httpx/httpcore take as the ``timeout`` request extension."""
        return {"connect": self.connect, "read": self.read, "write": self.write, "pool": self.pool}


@dataclass(frozen=True, slots=True)
class Profile:
    """One identity provider's SCIM client behaviour. ``ONELOGIN`` holds OneLogin's defaults."""

    name: str = label("onelogin")
    """Shown in reports (``simulation.json``'s ``profile``); a profile file's ``name`` sets it."""
    idp_name: str = label("OneLogin")
    """The identity provider the profile is, as messages name it (``Okta``, ``Microsoft Entra ID``)."""

    # --- headers ---------------------------------------------------------------------------------
    content_type: str = knob("application/json", "guess", INFERRED)
    """Content-Type of requests with a body (custom headers may override it)."""
    user_agent: str | None = knob(None, "?", UNKNOWN)
    """OneLogin's own User-Agent is unknown; None sends none (admins add one as a custom header)."""
    accept: str | None = knob(None, "?", UNKNOWN)
    """None sends no Accept header."""
    extra_headers: Headers = knob((), "doc", DOC)
    """Headers the IdP itself adds to every request (Entra: ``ADSCIMVersion: 6.0``); OneLogin adds none."""

    # --- URLs --------------------------------------------------------------------------------------
    filter_encoding: Literal["form", "percent"] = knob("form", "seen", SAMPLE)
    """``form``: ``userName+eq+%22…%22`` (quote_plus); ``percent``: ``userName%20eq%20%22…%22``."""
    filter_suffix: str = knob("&", "seen", SAMPLE)
    """What follows the filter parameter: OneLogin leaves a trailing ``&``."""
    put_query: str | None = knob("", "seen", SAMPLE)
    """PUT URLs end in ``?`` (an empty query); None for no ``?``."""

    # --- flows -------------------------------------------------------------------------------------
    update_preceded_by_lookup: bool = knob(True, "?", UNKNOWN)
    """Whether a filtered GET precedes each update (update, suspend, reactivate)."""
    delete_preceded_by_lookup: bool = knob(False, "?", UNKNOWN)
    """Whether a filtered GET precedes DELETE when the app id is already linked."""
    lookup_404_means_absent: bool = knob(True, "guess", INFERRED)
    """A 404 to the userName lookup counts as "no such user" (as in the connection test)."""
    suspend_style: Literal["put", "patch"] = knob("put", "guess", INFERRED)
    """``put``: the whole template plus ``"active": false``; ``patch``:
    ``{"op": "replace", "value": {"active": false}}``."""
    active_patch_path: bool = knob(False, "doc", DOC)
    """A suspension PATCH addresses ``"path": "active"`` (Entra) instead of a path-less value object."""
    active_as_string: bool = knob(False, "guess", INFERRED)
    """Send ``"active": "False"`` (a string, as Entra does) instead of a JSON boolean."""
    assign_pushes_groups: bool = knob(True, "guess", INFERRED)
    """After creating or linking a user, add it to the groups of its roles."""
    group_lookup_before_create: bool = knob(False, "?", UNKNOWN)
    """``GET /Groups?filter=displayName eq …`` before ``POST /Groups``, and to find a group that
    exists already. No source shows OneLogin sending it; its documented call is ``GET /Groups`` [doc],
    so by default a group OneLogin has not linked is created, and found by reading ``GET /Groups``."""
    duplicate_group_400_means_exists: bool = knob(True, "seen", SAMPLE)
    """OneLogin's own sample server (onelogin/onelogin-scim-node) answers a ``POST /Groups`` for a
    name it has with 400 and ``name_already_exists`` (not RFC 7644 §3.3's 409): True treats that
    answer as "the group exists", like a 409, since OneLogin works with its own sample."""
    connection_test_username: str | None = knob(None, "doc", DOC)
    """OneLogin sends a random non-existent userName; None draws a random one per test."""
    connection_test_style: Literal["filter", "page"] = knob("filter", "doc", DOC)
    """``filter``: a userName lookup for a random name (OneLogin, Entra); ``page``:
    ``GET /Users?startIndex=1&count=2``, a first page of users (Okta's test)."""
    update_style: Literal["put", "patch_paths", "patch_value"] = knob("put", "seen", SAMPLE)
    """How an attribute change goes out: ``put`` the whole template (OneLogin, Okta); ``patch_paths``
    one ``Replace`` op per attribute with its path (Entra); ``patch_value`` one path-less ``replace``
    whose value holds every attribute (Entra with ``aadOptscim062020``)."""
    update_reads_user: bool = knob(False, "doc", DOC)
    """Read ``GET /Users/{id}`` before a PUT and send back its answer with the template's attributes
    over it (Okta: "GET /Users/{id} then PUT" [doc]; that the body is the GET's answer is [guess])."""
    reactivate_style: Literal["put", "patch"] = knob("put", "guess", INFERRED)
    """``put``: reactivation is the update with ``"active": true``; ``patch``: a PATCH setting
    ``active`` to true, shaped like the suspension's PATCH (Okta, Entra)."""

    # --- bodies ------------------------------------------------------------------------------------
    patch_op_case: Literal["lower", "capitalized"] = knob("lower", "?", UNKNOWN)
    """``add``/``remove``/``replace``, or ``Add``/``Remove``/``Replace`` as Entra sends."""
    member_remove_style: Literal["path_filter", "value_array"] = knob("path_filter", "?", UNKNOWN)
    """``path_filter``: ``"path": "members[value eq \\"<id>\\"]"``; ``value_array``:
    ``"path": "members", "value": [{"value": "<id>"}]``."""
    patch_schemas: bool = knob(True, "?", UNKNOWN)
    """Include ``schemas: [PatchOp URN]`` in PATCH bodies (RFC 7644 §3.5.2)."""
    group_create_schemas: bool = knob(True, "guess", INFERRED)
    """Include the Group schema URN in ``POST /Groups`` (the doc shows only displayName)."""
    group_create_extra_schema: str | None = knob(None, "doc", DOC)
    """A second schema URN in ``POST /Groups`` (Entra: its ADSCIM Group URN); None: none."""
    group_create_external_id: bool = knob(False, "doc", DOC)
    """``POST /Groups`` carries ``externalId`` (the IdP's group id) and ``meta.resourceType`` (Entra)."""
    group_rename_style: Literal["path", "value_with_id"] = knob("path", "?", UNKNOWN)
    """A group rename: ``{"op": "replace", "path": "displayName", …}`` (Entra), or Okta's path-less
    ``{"op": "replace", "value": {"id": …, "displayName": …}}``."""
    group_lookup_excludes_members: bool = knob(False, "doc", DOC)
    """Group lookups add ``excludedAttributes=members`` (Entra)."""
    member_add_style: Literal["value", "display", "ref_null"] = knob("value", "?", UNKNOWN)
    """A member added as ``{"value": id}``, ``{"value": id, "display": userName}`` (Okta), or
    ``{"$ref": null, "value": id}`` (Entra)."""
    empty_placeholder: str = knob("", "guess", INFERRED)
    """What an empty placeholder renders as."""
    manager_id_source: Literal["scim_id", "onelogin_id"] = knob("scim_id", "guess", INFERRED)
    """``{$parameters.external_manager_id}``: the manager's id in the app, or in OneLogin."""
    json_ensure_ascii: bool = knob(False, "?", UNKNOWN)
    """Escape non-ASCII as ``\\uXXXX`` in bodies; default sends UTF-8."""
    json_compact: bool = knob(True, "?", UNKNOWN)
    """``{"a":1}`` rather than ``{"a": 1}``."""
    require_name_in_create_response: bool = knob(True, "doc", DOC)
    """A 201 must carry ``id`` and ``name.givenName``/``familyName`` for OneLogin to link."""

    # --- paging ------------------------------------------------------------------------------------
    import_page_size: int | None = knob(100, "?", UNKNOWN, minimum=1)
    """Import pages with ``startIndex=1&count=100`` following totalResults; None: one plain GET."""
    groups_page_size: int | None = knob(None, "?", UNKNOWN, minimum=1)
    """Entitlement refresh: None sends a plain ``GET /Groups``."""

    # --- transport ---------------------------------------------------------------------------------
    accepted: AcceptedStatuses = field(default_factory=AcceptedStatuses)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeouts: Timeouts = field(default_factory=Timeouts)

    def filter_query(self, attribute: str, value: str) -> str:
        """``filter=<attribute> eq "<value>"`` encoded as this IdP does, with its suffix."""
        # the value is a JSON string inside the filter (RFC 7644 §3.4.2.2), so quotes are escaped
        expression = f"{attribute} eq {json.dumps(value, ensure_ascii=False)}"
        encode = quote_plus if self.filter_encoding == "form" else quote
        return f"filter={encode(expression, safe='')}{self.filter_suffix}"

    @staticmethod
    def paging_query(start_index: int, count: int) -> str:
        """``startIndex=…&count=…`` (RFC 7644 §3.4.2.4)."""
        return f"startIndex={start_index}&count={count}"

    def op(self, name: str) -> str:
        """A PatchOp ``op`` value in this IdP's casing."""
        return name.capitalize() if self.patch_op_case == "capitalized" else name

    def active(self, value: bool) -> bool | str:
        """``active`` as this IdP writes it."""
        return str(value) if self.active_as_string else value

    def dumps(self, body: Any) -> bytes:
        """A request body as this IdP serialises JSON."""
        separators = (",", ":") if self.json_compact else (", ", ": ")
        return json.dumps(body, ensure_ascii=self.json_ensure_ascii, separators=separators).encode("utf-8")


ONELOGIN = Profile()
"""OneLogin's profile, every knob at the default onelogin-profile.md gives."""
