"""Case folding for caseExact=false attributes (RFC 7643 §2.2, RFC 7644 §3.4.2.2).

One function, so that uniqueness, equality filters, ordering and the stored index columns fold
the same way. ``str.casefold`` handles more than ASCII (``Straße`` equals ``STRASSE``).
"""

from __future__ import annotations


def fold(text: str) -> str:
    """The folded form of ``text`` used for case-insensitive comparison and index columns."""
    return text.casefold()
