"""SCIM errors as values: every failure the server reports becomes an RFC 7644 §3.12 Error body."""

from __future__ import annotations

from typing import Any, Literal

from schemas import urns

ScimType = Literal[
    "invalidFilter",
    "tooMany",
    "uniqueness",
    "mutability",
    "invalidSyntax",
    "invalidPath",
    "noTarget",
    "invalidValue",
    "invalidVers",
    "sensitive",
]


class ScimError(Exception):
    """A failure to report to the client as a SCIM Error (RFC 7644 §3.12).

    ``status`` is the HTTP status; ``scim_type`` is one of the Table 9 keywords, or None where the
    RFC defines none (401, 404, 412, ...). ``headers`` are extra response headers (``Allow``,
    ``WWW-Authenticate``).
    """

    def __init__(
        self,
        status: int,
        detail: str,
        scim_type: ScimType | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The Error body. RFC 7644 §3.12: ``status`` is the HTTP code as a JSON string."""
        out: dict[str, Any] = {"schemas": [urns.ERROR], "status": str(self.status), "detail": self.detail}
        if self.scim_type is not None:
            out["scimType"] = self.scim_type
        return out


def bad_request(detail: str, scim_type: ScimType = "invalidValue") -> ScimError:
    return ScimError(400, detail, scim_type)


def not_found(detail: str) -> ScimError:
    return ScimError(404, detail)


def conflict(detail: str) -> ScimError:
    """RFC 7644 §3.3: a uniqueness conflict is 409 with scimType ``uniqueness``."""
    return ScimError(409, detail, "uniqueness")
