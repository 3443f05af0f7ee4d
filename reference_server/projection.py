"""Which attributes a response carries: ``attributes`` / ``excludedAttributes`` and ``returned``.

RFC 7644 §3.4.2.5 / §3.9: ``attributes`` is "a multi-valued list of strings indicating the names
of resource attributes to return in the response, overriding the set of attributes that would be
returned by default"; ``excludedAttributes`` names attributes "to be removed from the default set
of attributes to return", and "SHALL have no effect on attributes whose schema "returned" setting
is "always"". Names use the attribute notation of RFC 7644 §3.10: ``name.familyName``, full URN
paths, and (as this server reads it) an extension URN alone for the whole extension object.

RFC 7643 §7, ``returned``: ``always`` is returned whatever the parameters say (``id``;
``schemas`` is kept likewise; ``userName`` is ``default`` per RFC 7643 §8.7.1, checklist R-11);
``never`` is never returned (``password``, R-10),
even when asked for; ``default`` is returned unless excluded or left out of ``attributes``;
``request`` only when named in ``attributes`` itself (naming its parent or schema is not
"specifically requested").

Rulings where the RFC is silent, recorded here (rfc-checklist.md, Q-11/R-11):

- ``meta`` is ``returned: default`` in this server's schema (RFC 7643 §3.1 gives it no
  ``returned`` characteristic), so ``attributes=userName`` answers ``schemas``, ``id``,
  ``userName`` only, and ``attributes=name`` ``schemas``, ``id``, ``name``.
- Unknown names in either list are ignored (they select or exclude nothing), not an error.
- Both parameters may be given: ``attributes`` selects, then ``excludedAttributes`` removes.
- ``schemas`` is returned as stored, even when an extension's object is left out: it lists the
  schemas of the resource, not of the response.
- A complex or multi-valued attribute left with no sub-attributes is omitted (RFC 7643 §2.5).

The projection is a new dict, and so is every complex value it trims, but the values it keeps
whole (strings, lists of strings, an untrimmed ``schemas``) are shared with ``resource``: a
response is encoded once and dropped, so copying them would only cost time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from reference_server.typecache import TypeCache
from schemas import Attribute, ResourceSchema, ResourceType, common_attribute


def parse_attribute_list(text: str | None) -> list[str] | None:
    """The names in an ``attributes`` / ``excludedAttributes`` query value (RFC 7644 §3.4.2.5:
    "a multi-valued list of strings", sent comma-separated). Spaces are trimmed and empty items
    dropped; None when nothing is left, so ``?attributes=`` means "not given"."""
    if text is None:
        return None
    names = [part.strip() for part in text.split(",")]
    kept = [name for name in names if name]
    return kept or None


@dataclass
class _Names:
    """Attribute names from one parameter, resolved: whole schemas, whole attributes, sub-attributes."""

    schemas: set[str] = field(default_factory=set)
    attributes: dict[tuple[str, str], set[str] | None] = field(default_factory=dict)

    @classmethod
    def of(cls, rtype: ResourceType, names: Iterable[str]) -> _Names:
        out = cls()
        for raw in names:
            name = raw.strip()
            schema = _schema_named(rtype, name)
            if schema is not None:
                out.schemas.add(schema.id)
                continue
            found = rtype.resolve(name) if name else None
            if found is None:
                continue  # RFC 7644 §3.4.2.5 names no error; an unknown name selects nothing
            key = (found.schema.id, found.attribute.name)
            if found.sub is None:
                out.attributes[key] = None
            else:
                subs = out.attributes.setdefault(key, set())
                if subs is not None:
                    subs.add(found.sub.name)
        return out

    def names(self, schema: ResourceSchema, attribute: Attribute) -> tuple[bool, set[str] | None]:
        """Whether ``attribute`` is named, and which of its sub-attributes (None: all of it)."""
        if schema.id in self.schemas:
            return True, None
        key = (schema.id, attribute.name)
        if key not in self.attributes:
            return False, None
        return True, self.attributes[key]


def _schema_named(rtype: ResourceType, name: str) -> ResourceSchema | None:
    if name.lower() == rtype.schema.id.lower():
        return rtype.schema
    return rtype.extension(name)


_NOTHING = _Names()
"""No names: ``excludedAttributes`` not given (read only, never filled)."""
_NO_SUBS: set[str] = set()
"""No sub-attributes dropped (read only, never filled)."""


def is_object(value: object) -> TypeGuard[Mapping[Any, Any]]:
    """A JSON object: a dict (what JSON decoding makes) without the ABC check, or any Mapping."""
    return type(value) is dict or isinstance(value, Mapping)


_SCHEMAS, _EXTENSION, _ATTRIBUTE, _UNKNOWN = range(4)
_KEYS: TypeCache[str, tuple[int, Any]] = TypeCache(4096)
"""What a top-level key of a resource is, by resource type and key: the same few keys come in
every document, and resolving them goes through case-folded lookups each time."""


def _key(rtype: ResourceType, key: str, keys: dict[str, tuple[int, Any]]) -> tuple[int, Any]:
    """What ``key`` is in ``rtype``'s resources; ``keys`` is ``_KEYS.of(rtype)``."""
    found = keys.get(key)
    if found is not None:
        return found
    kind: int
    what: Any = None
    if key.lower() == "schemas":
        kind = _SCHEMAS
    else:
        what = rtype.extension(key) if key[:4].lower() == "urn:" else None
        if what is not None:
            kind = _EXTENSION
        else:
            what = rtype.schema.attribute(key) or common_attribute(key)
            kind = _UNKNOWN if what is None else _ATTRIBUTE
    found = (kind, what)
    _KEYS.put(keys, key, found)  # keys come from stored documents, but bounded all the same
    return found


def project(
    resource: Mapping[str, Any],
    rtype: ResourceType,
    attributes: list[str] | None = None,
    excluded: list[str] | None = None,
) -> dict[str, Any]:
    """A new dict with the attributes of ``resource`` a response may carry (RFC 7644 §3.9).

    ``attributes`` None means "the default set"; names match case-insensitively (RFC 7643 §2.1)
    and the output uses the schema's spelling.
    """
    wanted = _Names.of(rtype, attributes) if attributes is not None else None
    unwanted = _Names.of(rtype, excluded) if excluded else _NOTHING
    default = wanted is None and unwanted is _NOTHING
    out: dict[str, Any] = {}
    keys = _KEYS.of(rtype)
    for key, value in resource.items():
        kind, what = _key(rtype, key, keys)
        if kind == _ATTRIBUTE and default:
            # What _project_attribute comes to for the default set (most requests), inlined.
            if what.returned == "default" or what.returned == "always":
                kept = _trim(what, value, None, _NO_SUBS)
                if kept is not None:
                    out[what.name] = kept
        elif kind == _SCHEMAS:
            out["schemas"] = value
        elif kind == _EXTENSION:
            if is_object(value):
                inner = _project_object(value, what, wanted, unwanted)
                if inner:
                    out[what.id] = inner
        elif kind == _UNKNOWN:
            if wanted is None:
                out[key] = value
        else:
            kept = _project_attribute(rtype.schema, what, value, wanted, unwanted)
            if kept is not None:
                out[what.name] = kept
    return out


def _project_object(
    value: Mapping[str, Any], schema: ResourceSchema, wanted: _Names | None, unwanted: _Names
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        attribute = schema.attribute(key)
        if attribute is None:
            if wanted is None:
                out[key] = item
            continue
        kept = _project_attribute(schema, attribute, item, wanted, unwanted)
        if kept is not None:
            out[attribute.name] = kept
    return out


def _project_attribute(
    schema: ResourceSchema, attribute: Attribute, value: Any, wanted: _Names | None, unwanted: _Names
) -> Any:
    """The attribute's value as returned, or None when it is left out (RFC 7643 §7 ``returned``)."""
    if attribute.returned == "never":
        return None
    if wanted is None and unwanted is _NOTHING:
        # The default set, nothing excluded (most requests): what the branches below come to.
        return None if attribute.returned == "request" else _trim(attribute, value, None, _NO_SUBS)
    if attribute.returned == "always":
        return _trim(attribute, value, None, _NO_SUBS)
    named, subs = (True, None) if wanted is None else wanted.names(schema, attribute)
    if attribute.returned == "request":
        # Only a name of the attribute itself (or one of its sub-attributes) requests it.
        named = wanted is not None and (schema.id, attribute.name) in wanted.attributes
    if not named:
        return None
    dropped, dropped_subs = unwanted.names(schema, attribute)
    if dropped and dropped_subs is None:
        return None
    return _trim(attribute, value, subs, dropped_subs or _NO_SUBS)


def _trim(attribute: Attribute, value: Any, subs: set[str] | None, dropped: set[str]) -> Any:
    """``value`` with only the sub-attributes to return; None when nothing is left."""
    if attribute.type != "complex":
        return value if value not in (None, []) else None
    if isinstance(value, list):
        elements = [_trim_element(attribute, e, subs, dropped) for e in value]
        kept = [e for e in elements if e not in (None, {})]
        return kept or None
    trimmed = _trim_element(attribute, value, subs, dropped)
    return trimmed or None


def _trim_element(attribute: Attribute, element: Any, subs: set[str] | None, dropped: set[str]) -> Any:
    if not is_object(element):
        return element
    if subs is None and not dropped and attribute.returns_every_sub:
        # Nothing to leave out, and sub-attribute values are never complex (RFC 7643 §2.3.8):
        # a shallow copy is the element as returned. This keeps large groups' members cheap.
        return dict(element)
    out: dict[str, Any] = {}
    for key, item in element.items():
        sub = attribute.sub(key)
        if sub is None:
            if subs is None:
                out[key] = item
            continue
        if sub.returned == "never":
            continue
        if sub.returned != "always":
            if sub.returned == "request" and (subs is None or sub.name not in subs):
                continue
            if (subs is not None and sub.name not in subs) or sub.name in dropped:
                continue
        out[sub.name] = item
    return out
