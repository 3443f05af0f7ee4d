"""Building blocks shared by the event plans: status checks, ListResponse reading, lookups, paging.

Each block is a :data:`SubPlan`, a part of a plan used with ``yield from``. A response the IdP would
not accept raises :class:`Abort`; the connector turns it into a failed Outcome whose detail names the
request, the status and what the IdP accepts, so a vendor sees *why* provisioning breaks.

The flows (this module, :mod:`~simulator.users_flow`, :mod:`~simulator.groups_flow`) see the
connector only through :class:`FlowContext`, the little they need of it; the connector imports them, never
the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Protocol, TypeVar

from simulator import basis
from simulator.links import Links
from simulator.plans import Event
from simulator.profile import Profile
from simulator.requests import Requests
from simulator.tenant import OneLoginUser, Tenant
from simulator.wire import WireRequest, WireResponse

T = TypeVar("T")
SubPlan = Generator[WireRequest, WireResponse, T]
"""Part of a plan: yields requests, receives their responses, returns a ``T`` to the plan."""
MAX_PAGES = 10_000  # a server that never reaches totalResults must not keep a plan alive forever


class FlowContext(Protocol):
    """What the flows need of a connector: the configured app and what OneLogin knows of it."""

    @property
    def profile(self) -> Profile:
        """The IdP's request profile (knobs)."""

    @property
    def tenant(self) -> Tenant:
        """The OneLogin directory."""

    @property
    def requests(self) -> Requests:
        """The request builders of this app."""

    @property
    def links(self) -> Links:
        """OneLogin users and groups linked to app ids."""


class Abort(Exception):
    """The event cannot go on; the message is the Outcome's detail, ``basis`` why OneLogin stops."""

    def __init__(self, detail: str, basis: str = "") -> None:
        super().__init__(detail)
        self.basis = basis


def expect(c: FlowContext, request: WireRequest, response: WireResponse) -> None:
    """Raise :class:`Abort` unless ``response`` is one the profile accepts for ``request``."""
    if response.error is not None:
        raise Abort(f"{request} failed: {response.error}")
    operation = request.operation
    accepted = c.profile.accepted.of(operation) if operation else (200,)
    if response.status not in accepted:
        wanted = " or ".join(str(s) for s in accepted)
        why = basis.STATUS[operation] if operation else ""
        raise Abort(f"{request} answered {response.status}; {c.profile.name} accepts {wanted}", why)


def body_object(request: WireRequest, response: WireResponse) -> dict[str, Any]:
    """The response body as a JSON object, or :class:`Abort`."""
    try:
        body = response.json()
    except ValueError:
        message = f"{request} answered {response.status} with a body that is not JSON"
        raise Abort(message, basis.JSON_MEDIA_TYPE) from None
    if not isinstance(body, dict):
        message = f"{request} answered {response.status} with JSON that is not an object"
        raise Abort(message, basis.JSON_MEDIA_TYPE)
    return body


def resources(request: WireRequest, response: WireResponse) -> tuple[list[dict[str, Any]], int]:
    """The ``Resources`` and ``totalResults`` of a ListResponse (RFC 7644 §3.4.2), or :class:`Abort`."""
    body = body_object(request, response)
    found = body.get("Resources", [])
    total = body.get("totalResults", len(found) if isinstance(found, list) else 0)
    if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
        raise Abort(f"{request}: Resources is not a list of objects", basis.LIST_RESPONSE)
    if not isinstance(total, int) or isinstance(total, bool):
        raise Abort(f"{request}: totalResults is not an integer", basis.LIST_RESPONSE)
    if total > 0 and not found and "startIndex" not in (request.query or ""):
        raise Abort(f"{request}: totalResults is {total} but Resources is empty", basis.LIST_RESPONSE)
    return found, total


def resource_id(request: WireRequest, resource: dict[str, Any], what: str) -> str:
    """The ``id`` of a returned resource, or :class:`Abort`: the IdP links by it."""
    value = resource.get("id")
    if not isinstance(value, str) or not value:
        raise Abort(f"{request} returned {what} without an id; the IdP cannot link it", basis.ID)
    return value


def lookup_user(c: FlowContext, user: OneLoginUser, event: Event) -> SubPlan[str | None]:
    """``GET /Users?filter=userName eq …``; links and returns the app id, or None when absent."""
    request = c.requests.lookup_user(c.tenant.scim_username(user), event, user.id)
    response = yield request
    if response.status == 404 and response.error is None and c.profile.lookup_404_means_absent:
        c.links.unlink_user(user.id)
        return None
    expect(c, request, response)
    found, _ = resources(request, response)
    if not found:
        c.links.unlink_user(user.id)
        return None
    if len(found) > 1:
        raise Abort(
            f"{request} matched {len(found)} users; {c.profile.idp_name} links exactly one",
            basis.USERNAME_UNIQUE,
        )
    scim_id = resource_id(request, found[0], "a user")
    c.links.link_user(user.id, scim_id)
    return scim_id


def says_name_exists(response: WireResponse) -> bool:
    """A 400 whose body says ``name_already_exists``: onelogin-scim-node's answer to a duplicate
    group (``{"Errors": {"description": "name_already_exists", "code": 400}}``), or an RFC Error
    with that ``detail`` or ``scimType``."""
    if response.status != 400 or b"name_already_exists" not in response.body:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    errors = body.get("Errors")
    listed = errors if isinstance(errors, list) else [errors]
    said = [e.get("description") for e in listed if isinstance(e, dict)]
    said += [body.get("detail"), body.get("scimType")]
    return "name_already_exists" in said


def group_exists(profile: Profile, response: WireResponse) -> bool:
    """Whether the answer to ``POST /Groups`` means "a group with that name exists": a 409 [doc],
    or, with ``duplicate_group_400_means_exists``, the sample server's 400 [seen]."""
    if response.error is not None:
        return False
    return response.status == 409 or (profile.duplicate_group_400_means_exists and says_name_exists(response))


def lookup_group(c: FlowContext, name: str, event: Event, user_id: int | None) -> SubPlan[str | None]:
    """``GET /Groups?filter=displayName eq …``; links and returns the app id, or None when absent."""
    request = c.requests.lookup_group(name, event, user_id)
    response = yield request
    if response.status == 404 and response.error is None and c.profile.lookup_404_means_absent:
        return None
    expect(c, request, response)
    found, _ = resources(request, response)
    if not found:
        return None
    if len(found) > 1:
        raise Abort(
            f"{request} matched {len(found)} groups; {c.profile.idp_name} links exactly one", basis.LINK_ONE
        )
    group_id = resource_id(request, found[0], "a group")
    c.links.link_group(name, group_id)
    return group_id


def paged(
    c: FlowContext,
    make: Callable[[int | None], WireRequest],
    page_size: int | None,
    on_page: Callable[[list[dict[str, Any]]], None],
) -> SubPlan[int]:
    """GET a list page after page (startIndex from 1, following totalResults); returns the count seen.

    Pages are handed to ``on_page`` and dropped, so importing 100,000 users holds one page at a time.
    """
    start, seen, previous = 1, 0, None
    for _ in range(MAX_PAGES):
        request = make(start if page_size is not None else None)
        response = yield request
        expect(c, request, response)
        page, total = resources(request, response)
        ids = [r.get("id") for r in page]
        if page and ids == previous:
            raise Abort(f"{request} returned the previous page again; startIndex is ignored", basis.PAGING)
        on_page(page)
        seen += len(page)
        if page_size is None or not page or seen >= total:
            return seen
        start, previous = start + len(page), ids
    raise Abort(f"listing stopped after {MAX_PAGES} pages without reaching totalResults", basis.PAGING)
