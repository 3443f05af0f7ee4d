"""The value of one attribute after a PATCH operation (RFC 7644 §3.5.2.1-§3.5.2.3).

Each function takes the target, the attribute's current value (None when unassigned) and the
operation's ``value``, and returns the new value (None to unassign) without touching the old one.
Sub-attribute mutability (RFC 7643 §2.2) is checked here, where the sub-attributes are written;
the attribute's own mutability is checked by the caller on the old and new values.
"""

from __future__ import annotations

import copy
from typing import Any

from reference_server.casefold import fold
from reference_server.errors import ScimError
from reference_server.filters import matches_value
from reference_server.patch_paths import PatchTarget, element_from_filter, find_key, get_value, put_value
from schemas import Attribute


def mutability_error(name: str, why: str) -> ScimError:
    """RFC 7644 §3.5.2 / Table 9: a mutability violation is 400 ``mutability``."""
    return ScimError(400, f"{name} {why}", "mutability")


def no_target(target: PatchTarget) -> ScimError:
    """RFC 7644 §3.5.2.3: a valuePath with no match is 400 ``noTarget``."""
    name = target.attribute.name if target.attribute else target.schema.id
    return ScimError(400, f"no value of {name} matches the PATCH path filter", "noTarget")


def same(attribute: Attribute | None, old: Any, new: Any) -> bool:
    """Equal values; strings of a caseExact=false attribute compare folded (RFC 7643 §2.2)."""
    if isinstance(old, str) and isinstance(new, str) and attribute is not None:
        return old == new if attribute.case_exact else fold(old) == fold(new)
    return bool(old == new)


def guard(attribute: Attribute | None, old: Any, new: Any) -> None:
    """RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability "readOnly" or
    "immutable". However, a client MAY "add" a value to an "immutable" attribute if the attribute
    had no previous value." A write that leaves the value as it was modifies nothing and passes
    (Okta's group rename echoes the ``id``)."""
    if attribute is None or same(attribute, old, new):
        return
    if attribute.mutability == "readOnly":
        raise mutability_error(attribute.name, "is readOnly")
    if attribute.mutability == "immutable" and old is not None:
        raise mutability_error(attribute.name, "is immutable and already has a value")


def is_true(value: Any) -> bool:
    """``primary`` is set: ``true``, or Entra's ``"True"`` string (normalised later by the server)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def covers(attribute: Attribute, element: Any, given: Any) -> bool:
    """``element`` is (a superset of) ``given``: every sub-attribute given has the same value.

    This is how "adding an existing value" (RFC 7644 §3.5.2.1: no-op) and Entra's
    remove-with-value are matched: ``{"value": "id1"}`` covers a member stored with its display.
    """
    if attribute.type != "complex":
        return same(attribute, element, given)
    if not isinstance(element, dict):
        return False
    if not isinstance(given, dict):
        return same(attribute.sub("value"), get_value(element, "value"), given)
    given = canonical(attribute, given)
    return bool(given) and all(same(attribute.sub(k), get_value(element, k), v) for k, v in given.items())


def canonical(attribute: Attribute, value: Any) -> Any:
    """``value`` with its sub-attribute keys spelt as in the schema; null sub-attributes dropped."""
    if attribute.type != "complex" or not isinstance(value, dict):
        return copy.deepcopy(value)
    out: dict[str, Any] = {}
    for key, sub_value in value.items():
        sub = attribute.sub(key) if isinstance(key, str) else None
        put_value(out, sub.name if sub else key, copy.deepcopy(sub_value))
    return out


def merge(attribute: Attribute, element: dict[str, Any], value: dict[str, Any]) -> None:
    """Write the given sub-attributes into ``element``; "Sub-attributes that are not specified in
    the "value" parameter are left unchanged" (RFC 7644 §3.5.2.3)."""
    for key, sub_value in value.items():
        sub = attribute.sub(key)
        name = sub.name if sub else key
        new = copy.deepcopy(sub_value)
        guard(sub, get_value(element, name), new)
        put_value(element, name, new)


def as_list(value: Any) -> list[Any]:
    """A multi-valued ``value``: a lone object or scalar is taken as a one-element list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def demote_others(elements: list[Any], chosen: list[Any]) -> None:
    """RFC 7644 §3.5.2: "a value of "true" for the "primary" sub-attribute ... SHALL be
    automatically set to "false"" for every other value once one is made primary (R-08)."""
    for element in elements:
        if not isinstance(element, dict) or any(element is c for c in chosen):
            continue
        key = find_key(element, "primary")
        if key is not None and is_true(element[key]):
            element[key] = False


def set_value(target: PatchTarget, old: Any, value: Any, *, op: str) -> Any:
    """``add`` (RFC 7644 §3.5.2.1) or ``replace`` (§3.5.2.3) at ``target``."""
    attribute = target.attribute
    assert attribute is not None
    if attribute.multi_valued:
        if target.value_filter is None and target.sub is None:
            return _append(attribute, old, value) if op == "add" else _replace_all(attribute, value)
        return _set_in_elements(target, attribute, old, value, op=op)
    if attribute.type != "complex":
        return copy.deepcopy(value)
    current = copy.deepcopy(old) if isinstance(old, dict) else {}
    if target.sub is not None:
        merge(attribute, current, {target.sub.name: value})
        return current
    if not isinstance(value, dict):
        # Entra's bare manager id and the like: the server's validation decides on it.
        return copy.deepcopy(value)
    merge(attribute, current, value)
    return current


def remove_value(target: PatchTarget, old: Any, value: Any) -> Any:
    """``remove`` (RFC 7644 §3.5.2.2) at ``target``; ``value`` is Entra's list of values to drop."""
    attribute = target.attribute
    assert attribute is not None
    if not attribute.multi_valued:
        if target.sub is None or not isinstance(old, dict):
            return None
        current = copy.deepcopy(old)
        guard(target.sub, get_value(current, target.sub.name), None)
        put_value(current, target.sub.name, None)
        return current
    elements = copy.deepcopy(as_list(old))
    if target.value_filter is None and target.sub is None:
        if value is None:
            return None
        given = as_list(value)
        return [e for e in elements if not any(covers(attribute, e, g) for g in given)]
    # RFC 7644 §3.5.2.2 names no error for a filter that matches nothing: removing what is not
    # there is a no-op, so IdPs that resend a remove (OneLogin, Entra) get a success.
    matched = _matching(target, attribute, elements)
    if target.sub is None:
        return [e for e in elements if not any(e is m for m in matched)]
    for element in matched:
        guard(target.sub, get_value(element, target.sub.name), None)
        put_value(element, target.sub.name, None)
    return [e for e in elements if e != {}]


def _append(attribute: Attribute, old: Any, value: Any) -> list[Any]:
    """RFC 7644 §3.5.2.1: "If the target location specifies a multi-valued attribute, a new value
    is added"; a value already there is skipped, so re-adding it is a no-op (M-05)."""
    elements = copy.deepcopy(as_list(old))
    given = [g for g in (canonical(attribute, v) for v in as_list(value)) if g != {}]
    for item in given:
        if not any(covers(attribute, e, item) for e in elements):
            elements.append(item)
    primaries = [g for g in given if isinstance(g, dict) and is_true(g.get("primary"))]
    if primaries:
        chosen = [e for e in elements if any(covers(attribute, e, p) for p in primaries)]
        demote_others(elements, chosen)
    return elements


def _replace_all(attribute: Attribute, value: Any) -> list[Any]:
    """RFC 7644 §3.5.2.3: "If the target location is a multi-valued attribute and no filter is
    specified, the attribute and all values are replaced." """
    given = (canonical(attribute, v) for v in as_list(value))
    return [g for g in given if g != {}]


def _matching(target: PatchTarget, attribute: Attribute, elements: list[Any]) -> list[dict[str, Any]]:
    """The elements the valuePath selects; a sub-attribute path with no filter selects all."""
    found = [e for e in elements if isinstance(e, dict)]
    if target.value_filter is None:
        return found
    return [e for e in found if matches_value(target.value_filter, e, attribute)]


def _set_in_elements(
    target: PatchTarget, attribute: Attribute, old: Any, value: Any, *, op: str
) -> list[Any]:
    """RFC 7644 §3.5.2.3: with a valuePath and a sub-attribute "the matching sub-attribute of all
    matching records is replaced"; with no match, 400 ``noTarget``."""
    elements = copy.deepcopy(as_list(old))
    update = {target.sub.name: value} if target.sub is not None else value
    if not isinstance(update, dict):
        raise ScimError(400, f"the value for {attribute.name}[...] must be an object", "invalidValue")
    matched = _matching(target, attribute, elements)
    if not matched:
        seed = element_from_filter(target.value_filter, attribute) if op == "add" else None
        if seed is None:
            raise no_target(target)
        # Entra adds `emails[type eq "work"].value` for a user with no work email: the filter's
        # equalities describe the new value (RFC 7644 §3.5.2.1 "the attribute and value are added").
        elements.append(seed)
        matched = [seed]
    for element in matched:
        merge(attribute, element, update)
    if any(is_true(v) for k, v in update.items() if k.lower() == "primary"):
        demote_others(elements, list(matched))
    return [e for e in elements if e != {}]
