"""OneLogin's SCIM JSON template: parsing, validation and rendering (onelogin-profile.md, "Templates").

A template is JSON text with ``{$user.…}`` / ``{$parameters.…}`` placeholders. OneLogin substitutes
text, so rendering does the same, but every value is JSON-string-escaped first: a family name like
``O"Brien\\`` must still give valid JSON. Parsing checks the template once (known placeholders, valid
JSON, an object at the top) and reports the first problem in one line an admin can act on.

Which template an app uses is a :class:`TemplateChoice`, a set of knobs: one of the named templates
(:data:`NAMED_TEMPLATES`), or the admin's own file, and the shape ``emails`` goes out in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from simulator.provenance import DOC, INFERRED, knob

# The placeholders OneLogin documents [doc], plus {$user.active} which the profile doc mentions [guess].
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "parameters.scimusername",
        "parameters.title",
        "parameters.department",
        "parameters.external_manager_id",
        "user.firstname",
        "user.lastname",
        "user.display_name",
        "user.email",
        "user.phone",
        "user.department",
        "user.title",
        "user.manager_firstname",
        "user.manager_lastname",
        "user.active",
        # the IdP's own user id, which Okta and Entra send as externalId (OneLogin's docs show neither)
        "user.id",
        "user.guid",
    }
)
CUSTOM_FIELD_PREFIX = "user.custom_fields."

_PLACEHOLDER = re.compile(r"\{\$([^{}\s\"]*)\}")
_OPENING = re.compile(r"\{\$")

# The profile's default SCIM v2 template, exactly as onelogin-profile.md gives it.
DEFAULT_TEMPLATE_TEXT = """\
{
  "schemas": ["urn:scim:schemas:core:2.0", "urn:scim:schemas:extension:enterprise:2.0"],
  "userName": "{$parameters.scimusername}",
  "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}", "formatted": "{$user.display_name}"},
  "emails": [{"value": "{$user.email}", "type": "work", "primary": true}],
  "title": "{$parameters.title}",
  "urn:scim:schemas:extension:enterprise:2.0": {
    "department": "{$parameters.department}",
    "manager": {"managerId": "{$parameters.external_manager_id}", "displayName": "{$user.manager_firstname} {$user.manager_lastname}"}
  }
}
"""  # noqa: E501  (kept byte for byte as onelogin-profile.md gives it)

# The SCIM 1.1-style enterprise template, as the documented facts describe it (onelogin-profile.md,
# "Templates"): the 1.0 URNs [doc], "emails" as a single object [doc: OneLogin's enterprise
# template] and manager.managerId [doc]. The other lines follow the default template.
ENTERPRISE_11_TEMPLATE_TEXT = """\
{
  "schemas": ["urn:scim:schemas:core:1.0", "urn:scim:schemas:extension:enterprise:1.0"],
  "userName": "{$parameters.scimusername}",
  "name": {"familyName": "{$user.lastname}", "givenName": "{$user.firstname}", "formatted": "{$user.display_name}"},
  "emails": {"value": "{$user.email}", "type": "work", "primary": true},
  "title": "{$parameters.title}",
  "urn:scim:schemas:extension:enterprise:1.0": {
    "department": "{$parameters.department}",
    "manager": {"managerId": "{$parameters.external_manager_id}"}
  }
}
"""  # noqa: E501

# Okta's create body as its SCIM 2.0 reference shows it [doc] (other-idps.md, Okta): externalId is
# the Okta user id; the password Okta sends only with password push is left out; title is one of the
# attributes an admin maps [guess: the reference's example maps none beyond these].
OKTA_TEMPLATE_TEXT = """\
{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName": "{$parameters.scimusername}",
  "name": {"givenName": "{$user.firstname}", "familyName": "{$user.lastname}"},
  "emails": [{"primary": true, "value": "{$user.email}", "type": "work"}],
  "displayName": "{$user.display_name}",
  "title": "{$parameters.title}",
  "locale": "en-US",
  "externalId": "{$user.id}",
  "groups": [],
  "active": true
}
"""

# Entra's create body as "Use SCIM to provision users" shows it [doc] (other-idps.md, Entra): a GUID
# externalId, a client-sent meta, an empty roles list, the enterprise extension.
ENTRA_TEMPLATE_TEXT = """\
{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "externalId": "{$user.guid}",
  "userName": "{$parameters.scimusername}",
  "active": true,
  "displayName": "{$user.display_name}",
  "emails": [{"primary": true, "type": "work", "value": "{$user.email}"}],
  "meta": {"resourceType": "User"},
  "name": {"formatted": "{$user.display_name}", "familyName": "{$user.lastname}", "givenName": "{$user.firstname}"},
  "roles": [],
  "title": "{$parameters.title}",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "{$parameters.department}"}
}
"""  # noqa: E501

TemplateName = Literal["onelogin-v2-enterprise", "onelogin-1.1-enterprise", "okta-v2", "entra-v2"]
NAMED_TEMPLATES: dict[TemplateName, str] = {
    "onelogin-v2-enterprise": DEFAULT_TEMPLATE_TEXT,
    "onelogin-1.1-enterprise": ENTERPRISE_11_TEMPLATE_TEXT,
    "okta-v2": OKTA_TEMPLATE_TEXT,
    "entra-v2": ENTRA_TEMPLATE_TEXT,
}
"""The templates a profile can name (``template.name``), by name."""

EmailsShape = Literal["template", "object", "list"]


class TemplateError(ValueError):
    """The SCIM JSON template cannot be used; the message says where and why, in one line."""


def _known(name: str) -> bool:
    return name in PLACEHOLDERS or (
        name.startswith(CUSTOM_FIELD_PREFIX) and len(name) > len(CUSTOM_FIELD_PREFIX)
    )


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


@dataclass(frozen=True, slots=True)
class Template:
    """A checked SCIM JSON template. Build it with :meth:`parse`."""

    text: str
    placeholders: tuple[str, ...] = field(default=())
    emails: EmailsShape = "template"
    """``template``: ``emails`` as the text writes it; ``object`` or ``list``: reshaped after rendering."""

    @classmethod
    def parse(cls, text: str) -> Template:
        """Check ``text`` and return the template; raise :class:`TemplateError` on the first problem."""
        for opening in _OPENING.finditer(text):
            match = _PLACEHOLDER.match(text, opening.start())
            line = _line_of(text, opening.start())
            if match is None:
                raise TemplateError(f"SCIM JSON template line {line}: unterminated placeholder '{{$…'")
            if not _known(match.group(1)):
                raise TemplateError(
                    f"SCIM JSON template line {line}: unknown placeholder {match.group(0)}; "
                    f"known: {', '.join('{$' + p + '}' for p in sorted(PLACEHOLDERS))}, "
                    f"{{${CUSTOM_FIELD_PREFIX}<name>}}"
                )
        # "0" is valid both inside a JSON string and as a bare value, so this checks the structure
        # whichever way the admin quoted the placeholders.
        probe = _PLACEHOLDER.sub("0", text)
        try:
            parsed = json.loads(probe)
        except json.JSONDecodeError as exc:
            raise TemplateError(f"SCIM JSON template line {exc.lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(parsed, dict):
            raise TemplateError("SCIM JSON template must be a JSON object ({...}) at the top level")
        names = tuple(dict.fromkeys(m.group(1) for m in _PLACEHOLDER.finditer(text)))
        return cls(text, names)

    def render_text(self, values: Mapping[str, str] | Callable[[str], str], empty: str = "") -> str:
        """The template with every placeholder replaced by its JSON-escaped value.

        ``values`` maps placeholder names (``"user.firstname"``) to strings; a missing or empty value
        renders as ``empty`` [guess: OneLogin renders an empty string].
        """
        lookup = values if callable(values) else values.get

        def substitute(match: re.Match[str]) -> str:
            value = lookup(match.group(1)) or empty
            # json.dumps gives the escaped string with its quotes; the template supplies the quotes
            return json.dumps(value, ensure_ascii=False)[1:-1]

        return _PLACEHOLDER.sub(substitute, self.text)

    def render(self, values: Mapping[str, str] | Callable[[str], str], empty: str = "") -> dict[str, Any]:
        """The rendered template as a JSON object (raises :class:`TemplateError` if it stops being JSON)."""
        text = self.render_text(values, empty)
        try:
            rendered = json.loads(text)
        except json.JSONDecodeError as exc:
            # only possible when a placeholder stands outside quotes and renders to a non-JSON word
            raise TemplateError(
                f"rendered SCIM JSON template line {exc.lineno} is not valid JSON ({exc.msg}); "
                "a placeholder outside quotes must render to a JSON value"
            ) from None
        assert isinstance(rendered, dict)  # parse() checked the top level
        return _shaped(rendered, self.emails)


def _shaped(body: dict[str, Any], emails: EmailsShape) -> dict[str, Any]:
    """``body`` with ``emails`` as one object (the primary one, or the first) or as a list."""
    value = body.get("emails")
    if emails == "object" and isinstance(value, list) and value:
        primary = [e for e in value if isinstance(e, dict) and e.get("primary") in (True, "true")]
        body["emails"] = (primary or value)[0]
    elif emails == "list" and isinstance(value, dict):
        body["emails"] = [value]
    return body


DEFAULT_TEMPLATE = Template.parse(DEFAULT_TEMPLATE_TEXT)


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    """The app's SCIM JSON Template as knobs: a named template or the admin's own file, and ``emails``."""

    name: TemplateName = knob("onelogin-v2-enterprise", "guess", INFERRED)
    """The default is onelogin-profile.md's SCIM v2 template: its two legacy URNs are [seen], the
    rest [guess]. ``onelogin-1.1-enterprise``: the 1.0 URNs, ``emails`` as one object, ``managerId``."""
    file: Path | None = knob(None, "doc", DOC)
    """The admin's own template (the Configuration tab's SCIM JSON Template); used instead of ``name``."""
    emails: EmailsShape = knob("template", "doc", DOC)
    """``template``: as the template writes it; ``object``: one object, as OneLogin's enterprise
    template sends it; ``list``: an array (RFC 7643 §4.1.2)."""

    def resolve(self) -> Template:
        """The checked template (:class:`TemplateError` naming the file on a problem)."""
        if self.file is None:
            text, where = NAMED_TEMPLATES[self.name], ""
        else:
            where = f"template file {self.file}: "
            try:
                text = self.file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise TemplateError(f"{where}cannot read the SCIM JSON template ({reason})") from None
        try:
            return replace(Template.parse(text), emails=self.emails)
        except TemplateError as exc:
            raise TemplateError(f"{where}{exc}") from None
