"""The SCIM filter language of the reference server (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).

``parse_filter`` reads a filter into a syntax tree; ``matches`` evaluates it against a resource
in memory and ``compile_filter`` turns it into SQL for the SQLite store, with the same results.
``parse_patch_path`` and ``matches_value`` serve the PATCH engine.
"""

from __future__ import annotations

from reference_server.filters.ast import (
    And,
    CompareOp,
    Comparison,
    Filter,
    Not,
    Or,
    PatchPath,
    Present,
    Value,
    ValuePath,
    render,
)
from reference_server.filters.bind import bind
from reference_server.filters.evaluate import matches, matches_value
from reference_server.filters.functions import register_functions
from reference_server.filters.parser import parse_filter, parse_patch_path
from reference_server.filters.sql import compile_filter, compile_sort

__all__ = [
    "And",
    "CompareOp",
    "Comparison",
    "Filter",
    "Not",
    "Or",
    "PatchPath",
    "Present",
    "Value",
    "ValuePath",
    "bind",
    "compile_filter",
    "compile_sort",
    "matches",
    "matches_value",
    "parse_filter",
    "parse_patch_path",
    "register_functions",
    "render",
]
