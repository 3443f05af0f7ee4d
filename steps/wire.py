"""The suite's HTTP client: every exchange is recorded (token redacted) and every body validated.

Steps never talk to the target through anything else, so the report of a failing scenario can
show its whole wire, and each response body is checked against ``schemas/`` as it arrives:
the resource's schema plus its extensions, the ListResponse, or the Error — a violation fails
the step with the JSON pointer of the offending value and the rule it broke.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from schemas import Violation, urns, validate, validate_list_response, validate_resource
from scim_client import CLI_OPTIONS, OptionNames, Redactor, Target, redirected_elsewhere, send
from steps.failures import Basis, Failure, note_schema

_MAX_BODY = 20_000


def note_violations(response: httpx.Response) -> None:
    """Note how a body breaks its schema; judged after the scenario's own steps (steps.failures)."""
    kind, problems = body_violations(response)
    if problems:
        listed = "; ".join(str(p) for p in problems[:10])
        note_schema(response, listed, violation_basis(kind, problems))


def violation_basis(kind: str, problems: list[Violation]) -> Basis:
    """The checklist rows a body's violations break: for a resource, ``meta`` (R-04), ``schemas``
    (R-01) or a value of the wrong type (R-07) when that is what they are; else the body's row."""
    default = BODY_BASIS.get(kind, Basis.rfc("R-01"))
    if kind not in ("User", "Group"):
        return default
    rows: list[str] = []
    for problem in problems:
        if problem.pointer.startswith("/meta"):
            rows.append("R-04")
        elif problem.pointer.startswith("/schemas"):
            rows.append("R-01")
        elif problem.rule in ("type", "format"):
            rows.append("R-07")
        else:
            rows.extend(default.rows)
    return Basis.rfc(*dict.fromkeys(rows))


@dataclass
class Exchange:
    """One request and its response, as the report shows them (never with a token)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int | None
    response_headers: dict[str, str]
    response_body: str | None
    elapsed_ms: float
    error: str | None = None

    def as_text(self) -> str:
        lines = [f"> {self.method} {self.url}"]
        lines += [f"> {k}: {v}" for k, v in self.request_headers.items()]
        if self.request_body:
            lines += [">", *("> " + line for line in self.request_body.splitlines())]
        if self.error:
            lines.append(f"< ({self.error})")
        else:
            lines.append(f"< {self.status} ({self.elapsed_ms:.1f} ms)")
            lines += [f"< {k}: {v}" for k, v in self.response_headers.items()]
            if self.response_body:
                lines += ["<", *("< " + line for line in self.response_body.splitlines())]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _text(content: bytes) -> str | None:
    if not content:
        return None
    text = content[:_MAX_BODY].decode("utf-8", errors="replace")
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    if len(content) > _MAX_BODY:
        text += f"\n... ({len(content)} bytes in all)"
    return text


def record(
    request: httpx.Request, response: httpx.Response | None, redactor: Redactor, error: str | None = None
) -> Exchange:
    """The one place where the suite records an exchange, through the target's redaction."""
    scrub = redactor.text
    req_headers = {
        k: redactor.header(k, v)
        for k, v in request.headers.items()
        if k.lower() not in ("host", "content-length", "accept-encoding", "connection")
    }
    request_body = _text(request.content)
    exchange = Exchange(
        method=request.method,
        url=scrub(str(request.url)),
        request_headers=req_headers,
        request_body=scrub(request_body) if request_body else None,
        status=None,
        response_headers={},
        response_body=None,
        elapsed_ms=0.0,
        error=scrub(error) if error else None,
    )
    if response is not None:
        response_body = _text(response.content)
        exchange.status = response.status_code
        exchange.response_headers = {k: redactor.header(k, v) for k, v in response.headers.items()}
        exchange.response_body = scrub(response_body) if response_body else None
        exchange.elapsed_ms = response.elapsed.total_seconds() * 1000
    return exchange


def _projected(request: httpx.Request) -> bool:
    """Whether the request asked for some attributes only (RFC 7644 §3.4.2.5, §3.9): the query
    parameters, or a SearchRequest body's members (§3.4.3)."""
    names = {"attributes", "excludedattributes"}
    if any(key.lower() in names for key in request.url.params):
        return True
    if request.method != "POST" or not request.url.path.endswith("/.search"):
        return False
    try:
        body = json.loads(request.content or b"null")
    except ValueError:
        return False
    return isinstance(body, dict) and any(str(key).lower() in names for key in body)


_RESOURCES = {
    "users": ("User", urns.USER),
    "groups": ("Group", urns.GROUP),
    "serviceproviderconfig": ("ServiceProviderConfig", urns.SERVICE_PROVIDER_CONFIG),
    "resourcetypes": ("ResourceType", urns.RESOURCE_TYPE),
    "schemas": ("Schema", urns.SCHEMA),
}
_SCHEMAS: tuple[tuple[str, str], ...] = (
    ("User", urns.USER),
    ("Group", urns.GROUP),
    ("ServiceProviderConfig", urns.SERVICE_PROVIDER_CONFIG),
    ("ResourceType", urns.RESOURCE_TYPE),
    ("Schema", urns.SCHEMA),
)
BODY_BASIS = {
    "Error": Basis.rfc("E-01"),
    "ListResponse": Basis.rfc("Q-01"),
    "ServiceProviderConfig": Basis.rfc("D-02"),
    "ResourceType": Basis.rfc("D-04"),
    "Schema": Basis.rfc("D-06"),
    "User": Basis.rfc("R-01"),
    "Group": Basis.rfc("R-01"),
}
"""The checklist row each kind of body is held to (for a resource: RFC 7643 §3, whose ``schemas``
names the schema every other attribute is checked against)."""


def _single_resource(request: httpx.Request) -> str | None:
    """The resource a successful answer to ``request`` is (``User`` for ``GET /Users/{id}`` or a
    ``POST /Users``), or None when it is a list or anything else."""
    parts = [p for p in request.url.path.split("/") if p]
    for index, part in enumerate(parts):
        kind = _RESOURCES.get(part.lower())
        if kind is None:
            continue
        rest = parts[index + 1 :]
        if kind[0] == "ServiceProviderConfig" and not rest:
            return kind[0]
        if rest and rest[0] != ".search":
            return kind[0]
        if not rest and request.method in ("POST", "PUT") and kind[0] in ("User", "Group"):
            return kind[0]
        return None
    return None


def body_violations(response: httpx.Response) -> tuple[str, list[Violation]]:
    """What the body is (``User``, ``Error``, ``ListResponse``, …) and how it breaks its schema
    (RFC 7643 §8.7, RFC 7644 §3.12), or no violations.

    An answer to a request with ``attributes``/``excludedAttributes`` is held only to the
    ``returned: always`` members of what the schema requires (``schemas``, ``id``): ``userName``
    is ``returned: default`` (RFC 7643 §8.7.1; issue 12 ruling 1). A single resource whose body
    has no ``schemas`` at all is a violation too (RFC 7643 §3: ``schemas`` is REQUIRED).
    """
    if not response.content or response.status_code in (204, 304):
        return "", []
    projected = _projected(response.request)
    try:
        body = response.json()
    except ValueError:
        return "", [Violation("", "json", "the response body is not JSON")]
    if not isinstance(body, dict):
        return "", [Violation("", "type", "the response body is not a JSON object")]
    declared = body.get("schemas") or []
    if response.status_code >= 400 or urns.ERROR in declared:
        return "Error", validate("Error", body)
    if urns.LIST_RESPONSE in declared:
        return "ListResponse", validate_list_response(body, None, projected=projected)
    for name, urn in _SCHEMAS:
        if urn in declared:
            if name in ("User", "Group"):
                return name, validate_resource(body, name, projected=projected)
            return name, validate(name, body)
    expected = _single_resource(response.request) if 200 <= response.status_code < 300 else None
    if expected is not None and not declared:
        return expected, [
            Violation("/schemas", "required", "the body has no schemas (RFC 7643 §3: REQUIRED)")
        ]
    return "", []


@dataclass
class ScimClient:
    """An httpx client bound to one target, recording into ``wire`` and validating each answer."""

    target: Target
    wire: list[Exchange]
    validate_bodies: bool = True
    on_created: Callable[[str, str], None] | None = None
    """Called with (endpoint, id) for each 201 to ``/Users`` or ``/Groups``, for cleanup."""
    options: OptionNames = CLI_OPTIONS
    """How this run's options are spelled, for the hints in failure messages."""
    _http: httpx.Client = field(init=False, repr=False)
    _redactor: Redactor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._http = self.target.transport.client()
        self._redactor = Redactor.of(self.target.secrets)

    @property
    def base_url(self) -> str:
        return self.target.base_url

    @property
    def token(self) -> str:
        return self.target.token

    def close(self) -> None:
        self._http.close()

    def url(self, path: str) -> str:
        return self.target.url(path)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        raw_url: str | None = None,
        token: str | None = None,
        validate_body: bool | None = None,
        exact_headers: bool = False,
    ) -> httpx.Response:
        """Send one request.

        ``raw_url`` sends a URL exactly as written (OneLogin's wire form); ``exact_headers`` sends
        only ``headers`` and the bearer token, as an identity provider would, without the
        client's own ``Accept`` and ``Content-Type``.
        """
        all_headers = {"Authorization": f"Bearer {self.token if token is None else token}"}
        if not exact_headers:
            all_headers["Accept"] = "application/scim+json"
            if json_body is not None or content is not None:
                all_headers["Content-Type"] = "application/scim+json"
        all_headers.update(headers or {})
        if json_body is not None:
            content = json.dumps(json_body).encode()
        url = httpx.URL(raw_url) if raw_url is not None else httpx.URL(self.url(path), params=params)
        request = httpx.Request(method, url, headers=all_headers, content=content)
        redactor = Redactor.of((*self.target.secrets, token)) if token else self._redactor
        received = send(self._http, request, self.target.transport.timeout, self.options)
        response = received.response
        if response is None or received.failure:
            self.wire.append(record(request, response, redactor, received.failure))
            shown = redactor.text(f"{request.method} {request.url.path}")
            answered = f" answered {response.status_code}: the" if response is not None else ":"
            raise Failure(redactor.text(f"{shown}{answered} {received.failure}"))
        self.wire.append(record(request, response, redactor))
        elsewhere = redirected_elsewhere(response)
        if elsewhere is not None:
            raise Failure(
                f"{method} {request.url.path} answered {response.status_code}, a redirect to another "
                f"host ({elsewhere}): not followed, and the token is not sent there"
            )
        if response.status_code == 201 and method == "POST":
            self._register_created(request, response)
        if validate_body if validate_body is not None else self.validate_bodies:
            note_violations(response)
        return response

    def _register_created(self, request: httpx.Request, response: httpx.Response) -> None:
        """Tell cleanup about a resource a POST to ``/Users`` or ``/Groups`` created, however sent."""
        if self.on_created is None:
            return
        base_path = httpx.URL(self.base_url).path.rstrip("/")
        endpoint = request.url.path.removeprefix(base_path).rstrip("/")
        try:
            created = response.json().get("id")
        except (ValueError, AttributeError):
            return
        if isinstance(created, str) and endpoint in ("/Users", "/Groups"):
            self.on_created(endpoint, created)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("POST", path, json_body=body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, json_body=body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("PATCH", path, json_body=body, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)
