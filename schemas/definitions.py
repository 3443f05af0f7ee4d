"""The SCIM resource schemas as data: attribute characteristics per RFC 7643 §2.2, §4 and §8.7.1.

One typed model serves every part that needs to know an attribute's rules: the reference server
(case rules, mutability, `returned`, uniqueness), its `/Schemas` endpoint (rendered with
:meth:`ResourceSchema.to_scim`), and the harness steps. Lookups are case-insensitive because
attribute names are (RFC 7643 §2.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from schemas import urns

AttrType = Literal["string", "boolean", "decimal", "integer", "dateTime", "binary", "reference", "complex"]
Mutability = Literal["readOnly", "readWrite", "immutable", "writeOnly"]
Returned = Literal["always", "never", "default", "request"]
Uniqueness = Literal["none", "server", "global"]


@dataclass(frozen=True)
class Attribute:
    """One attribute definition, with the RFC 7643 §2.2 defaults."""

    name: str
    type: AttrType = "string"
    multi_valued: bool = False
    description: str = ""
    required: bool = False
    case_exact: bool = False
    mutability: Mutability = "readWrite"
    returned: Returned = "default"
    uniqueness: Uniqueness = "none"
    canonical_values: tuple[str, ...] = ()
    reference_types: tuple[str, ...] = ()
    sub_attributes: tuple[Attribute, ...] = ()

    @cached_property
    def _sub_index(self) -> dict[str, Attribute]:
        # Lower-case names, and the names as spelled (what clients almost always send): one
        # lookup without lower() for those.
        subs = self.sub_attributes
        return {**{a.name.lower(): a for a in subs}, **{a.name: a for a in subs}}

    @cached_property
    def returns_every_sub(self) -> bool:
        """Whether every sub-attribute is returned by default (none is ``never`` or ``request``)."""
        return all(a.returned in ("default", "always") for a in self.sub_attributes)

    def sub(self, name: str) -> Attribute | None:
        """The sub-attribute called ``name`` (case-insensitive), or None."""
        index = self._sub_index
        found = index.get(name)
        return found if found is not None else index.get(name.lower())

    def to_scim(self) -> dict[str, Any]:
        """The attribute in the RFC 7643 §7 representation served by ``/Schemas``."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi_valued,
            "description": self.description or self.name,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": self.mutability,
            "returned": self.returned,
            "uniqueness": self.uniqueness,
        }
        if self.canonical_values:
            out["canonicalValues"] = list(self.canonical_values)
        if self.reference_types:
            out["referenceTypes"] = list(self.reference_types)
        if self.sub_attributes:
            out["subAttributes"] = [a.to_scim() for a in self.sub_attributes]
        return out


@dataclass(frozen=True)
class ResourceSchema:
    """A schema (core or extension) with its top-level attributes."""

    id: str
    name: str
    description: str
    attributes: tuple[Attribute, ...]
    _index: dict[str, Attribute] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lower-case names, and the names as spelled (see Attribute._sub_index).
        index = {**{a.name.lower(): a for a in self.attributes}, **{a.name: a for a in self.attributes}}
        object.__setattr__(self, "_index", index)

    def attribute(self, name: str) -> Attribute | None:
        """The top-level attribute called ``name`` (case-insensitive), or None."""
        found = self._index.get(name)
        return found if found is not None else self._index.get(name.lower())

    @cached_property
    def supplied(self) -> tuple[Attribute, ...]:
        """The attributes a client must supply: required and not readOnly (RFC 7644 §3.3)."""
        return tuple(a for a in self.attributes if a.required and a.mutability != "readOnly")

    def __iter__(self) -> Iterator[Attribute]:
        return iter(self.attributes)

    def to_scim(self, location: str | None = None) -> dict[str, Any]:
        """The schema resource served at ``/Schemas/{id}`` (RFC 7643 §7)."""
        out: dict[str, Any] = {
            "schemas": [urns.SCHEMA],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": [a.to_scim() for a in self.attributes],
            "meta": {"resourceType": "Schema"},
        }
        if location is not None:
            out["meta"]["location"] = location
        return out


def _s(name: str, **kw: Any) -> Attribute:
    return Attribute(name, **kw)


def _multi(name: str, type_values: Iterable[str], value: Attribute | None = None) -> Attribute:
    """The RFC 7643 §2.4 shape shared by emails, phoneNumbers, ims, photos, entitlements, roles..."""
    return Attribute(
        name,
        type="complex",
        multi_valued=True,
        sub_attributes=(
            value or _s("value"),
            _s("display"),
            _s("type", canonical_values=tuple(type_values)),
            _s("primary", type="boolean"),
        ),
    )


# RFC 7643 §3.1: attributes every resource carries.
COMMON_ATTRIBUTES: tuple[Attribute, ...] = (
    _s("id", case_exact=True, mutability="readOnly", returned="always", uniqueness="server"),
    _s("externalId", case_exact=True),
    Attribute(
        "meta",
        type="complex",
        mutability="readOnly",
        sub_attributes=(
            _s("resourceType", case_exact=True, mutability="readOnly"),
            _s("created", type="dateTime", mutability="readOnly"),
            _s("lastModified", type="dateTime", mutability="readOnly"),
            _s("location", type="reference", mutability="readOnly", reference_types=("uri",)),
            _s("version", case_exact=True, mutability="readOnly"),
        ),
    ),
)

USER = ResourceSchema(
    id=urns.USER,
    name="User",
    description="User Account",
    attributes=(
        # RFC 7643 §8.7.1: "returned": "default" — left out when ``attributes`` does not name it
        # or ``excludedAttributes`` does (checklist R-11; issue 12 ruling 1). Only ``id`` (and
        # ``schemas``) are always returned.
        _s("userName", required=True, uniqueness="server"),
        Attribute(
            "name",
            type="complex",
            sub_attributes=(
                _s("formatted"),
                _s("familyName"),
                _s("givenName"),
                _s("middleName"),
                _s("honorificPrefix"),
                _s("honorificSuffix"),
            ),
        ),
        _s("displayName"),
        _s("nickName"),
        _s("profileUrl", type="reference", reference_types=("external",)),
        _s("title"),
        _s("userType"),
        _s("preferredLanguage"),
        _s("locale"),
        _s("timezone"),
        _s("active", type="boolean"),
        _s("password", mutability="writeOnly", returned="never"),
        _multi("emails", ("work", "home", "other")),
        _multi("phoneNumbers", ("work", "home", "mobile", "fax", "pager", "other")),
        _multi("ims", ("aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo")),
        _multi(
            "photos", ("photo", "thumbnail"), _s("value", type="reference", reference_types=("external",))
        ),
        Attribute(
            "addresses",
            type="complex",
            multi_valued=True,
            sub_attributes=(
                _s("formatted"),
                _s("streetAddress"),
                _s("locality"),
                _s("region"),
                _s("postalCode"),
                _s("country"),
                _s("type", canonical_values=("work", "home", "other")),
                _s("primary", type="boolean"),
            ),
        ),
        Attribute(
            "groups",
            type="complex",
            multi_valued=True,
            mutability="readOnly",
            sub_attributes=(
                _s("value", mutability="readOnly"),
                _s("$ref", type="reference", mutability="readOnly", reference_types=("User", "Group")),
                _s("display", mutability="readOnly"),
                _s("type", mutability="readOnly", canonical_values=("direct", "indirect")),
            ),
        ),
        _multi("entitlements", ()),
        _multi("roles", ()),
        _multi("x509Certificates", (), _s("value", type="binary")),
    ),
)

ENTERPRISE_USER = ResourceSchema(
    id=urns.ENTERPRISE_USER,
    name="EnterpriseUser",
    description="Enterprise User",
    attributes=(
        _s("employeeNumber"),
        _s("costCenter"),
        _s("organization"),
        _s("division"),
        _s("department"),
        Attribute(
            "manager",
            type="complex",
            sub_attributes=(
                _s("value"),
                _s("$ref", type="reference", reference_types=("User",)),
                _s("displayName", mutability="readOnly"),
            ),
        ),
    ),
)

# RFC 7643 §4.2 calls displayName REQUIRED while the §8.7.1 schema says required=false
# (rfc-checklist.md trap 1). This server requires it, and says so in /Schemas; it is also unique,
# because OneLogin expects a 409 when it creates a group whose name exists (onelogin-profile.md).
GROUP = ResourceSchema(
    id=urns.GROUP,
    name="Group",
    description="Group",
    attributes=(
        _s("displayName", required=True, uniqueness="server"),
        Attribute(
            "members",
            type="complex",
            multi_valued=True,
            sub_attributes=(
                _s("value", mutability="immutable"),
                _s("$ref", type="reference", mutability="immutable", reference_types=("User", "Group")),
                _s("type", mutability="immutable", canonical_values=("User", "Group")),
                # RFC 7643 §4.2: "sub-attributes of members are "immutable"" (§8.7.1 lists no
                # display; §2.4 gives the default one that mutability too).
                _s("display", mutability="immutable"),
            ),
        ),
    ),
)

RESOURCE_SCHEMAS: tuple[ResourceSchema, ...] = (USER, ENTERPRISE_USER, GROUP)
_BY_URN = {s.id.lower(): s for s in RESOURCE_SCHEMAS}


def schema_by_urn(urn: str) -> ResourceSchema | None:
    """The resource schema with this URN (case-insensitive), or None."""
    return _BY_URN.get(urn.lower())


def common_attribute(name: str) -> Attribute | None:
    """One of the RFC 7643 §3.1 common attributes (``id``, ``externalId``, ``meta``), or None."""
    folded = name.lower()
    return next((a for a in COMMON_ATTRIBUTES if a.name.lower() == folded), None)


@dataclass(frozen=True)
class AttrPath:
    """A resolved attribute path (RFC 7644 §3.10): ``[URN ":"] attr ["." sub]``."""

    schema: ResourceSchema
    attribute: Attribute
    sub: Attribute | None = None

    @property
    def leaf(self) -> Attribute:
        """The attribute the path ends at."""
        return self.sub or self.attribute


@dataclass(frozen=True)
class ResourceType:
    """A resource type (RFC 7643 §6): its endpoint, core schema and extensions."""

    name: str
    endpoint: str
    description: str
    schema: ResourceSchema
    extensions: tuple[ResourceSchema, ...] = ()

    @property
    def schemas(self) -> tuple[ResourceSchema, ...]:
        return (self.schema, *self.extensions)

    def extension(self, urn: str) -> ResourceSchema | None:
        """The extension schema with this URN (case-insensitive), or None."""
        folded = urn.lower()
        return next((e for e in self.extensions if e.id.lower() == folded), None)

    def resolve(self, path: str) -> AttrPath | None:
        """Resolve ``path`` against this type's schemas; None when it names no known attribute.

        Full URN paths are allowed for core and extension attributes alike (RFC 7644 §3.10);
        the common attributes ``id``, ``externalId`` and ``meta`` belong to the core schema.
        """
        schema = self.schema
        rest = path
        if path[:4].lower() == "urn:":
            folded = path.lower()
            found = next((s for s in self.schemas if folded.startswith(s.id.lower() + ":")), None)
            if found is None:
                return None
            schema, rest = found, path[len(found.id) + 1 :]
        name, _, sub_name = rest.partition(".")
        attribute = schema.attribute(name)
        if attribute is None and schema is self.schema:
            attribute = common_attribute(name)
        if attribute is None:
            return None
        if not sub_name:
            return AttrPath(schema, attribute)
        sub = attribute.sub(sub_name)
        if sub is None:
            return None
        return AttrPath(schema, attribute, sub)

    def to_scim(self, location: str | None = None) -> dict[str, Any]:
        """The ResourceType resource served at ``/ResourceTypes/{name}`` (RFC 7643 §6)."""
        out: dict[str, Any] = {
            "schemas": [urns.RESOURCE_TYPE],
            "id": self.name,
            "name": self.name,
            "endpoint": self.endpoint,
            "description": self.description,
            "schema": self.schema.id,
            "schemaExtensions": [{"schema": e.id, "required": False} for e in self.extensions],
            "meta": {"resourceType": "ResourceType"},
        }
        if location is not None:
            out["meta"]["location"] = location
        return out


USER_TYPE = ResourceType("User", "/Users", "User Account", USER, (ENTERPRISE_USER,))
GROUP_TYPE = ResourceType("Group", "/Groups", "Group", GROUP)
RESOURCE_TYPES: tuple[ResourceType, ...] = (USER_TYPE, GROUP_TYPE)
