"""People material for generated tenants: faker pools per locale, and the oddities real directories have.

Faker is slow per call (tens of microseconds), so each locale contributes a small pool of names,
phones and job titles drawn once from a seeded Faker; users are then composed from the pools with the
tenant's own ``random.Random``. Pool strings are shared between users, which keeps a 100,000-user
tenant small. Oddities (apostrophes, hyphens, stray whitespace, very long names, plus-addressing,
mixed-case emails) are applied at rates given by :class:`Oddities`.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker
from faker.decode import unidecode  # faker's own copy of unidecode: no extra dependency

# Weighted so that about a fifth of the names are non-ASCII, in scripts a server must survive:
# Latin with diacritics, Cyrillic, kana/kanji, hanzi.
LOCALES: tuple[tuple[str, int], ...] = (
    ("en_US", 50),
    ("pt_BR", 8),
    ("de_DE", 7),
    ("fr_FR", 6),
    ("es_ES", 6),
    ("en_IE", 4),
    ("pl_PL", 4),
    ("tr_TR", 3),
    ("sv_SE", 3),
    ("ja_JP", 3),
    ("ru_RU", 3),
    ("zh_CN", 3),
)

APOSTROPHE_NAMES = (
    "O'Brien",
    "O'Connor",
    "D'Angelo",
    "N'Diaye",
    "D'Souza",
    "O'Neil",
    "L'Écuyer",
    "Dell'Acqua",
)
DEPARTMENTS = (
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Human Resources",
    "Legal",
    "Operations",
    "Customer Support",
    "R&D",
    "IT / Security",
)
PLUS_TAGS = ("scim", "work", "onelogin", "test")
DOMAINS = (("example.com", 80), ("eu.example.com", 12), ("example.org", 8))
EMAIL_LOCAL_MAX = 64  # RFC 5321 §4.5.3.1.1
_NOT_LOCAL = re.compile(r"[^a-z0-9'\-]+")


@dataclass(frozen=True, slots=True)
class Oddities:
    """Rates (0..1) of the quirks real directories have; the defaults give some of each at 1,000 users."""

    apostrophe: float = 0.03
    hyphenated: float = 0.05
    whitespace: float = 0.02
    long_name: float = 0.005
    long_name_length: int = 120
    plus_address: float = 0.05
    mixed_case_email: float = 0.03
    manager: float = 0.85
    no_title: float = 0.05
    no_department: float = 0.03
    no_phone: float = 0.15


@dataclass(frozen=True, slots=True)
class Pools:
    """What one locale contributes: names, phones and job titles drawn from a seeded Faker."""

    first: tuple[str, ...]
    last: tuple[str, ...]
    phones: tuple[str, ...]
    titles: tuple[str, ...]


@functools.lru_cache(maxsize=64)
def pools(locale: str, seed: int, size: int = 600) -> Pools:
    """The pools of ``locale`` for ``seed``; the same arguments always give the same pools."""
    fake = Faker(locale)
    fake.seed_instance(seed)

    def draw(make: Callable[[], object], n: int) -> tuple[str, ...]:
        # dict.fromkeys de-duplicates while keeping draw order, so the pool is deterministic
        return tuple(dict.fromkeys(str(make()) for _ in range(n)))

    return Pools(
        first=draw(fake.first_name, size),
        last=draw(fake.last_name, size),
        phones=draw(fake.phone_number, size // 2),
        titles=draw(fake.job, size // 5),
    )


_LOCALE_NAMES = tuple(name for name, _ in LOCALES)
_LOCALE_CUM = tuple(itertools.accumulate(w for _, w in LOCALES))
_DOMAIN_NAMES = tuple(d for d, _ in DOMAINS)
_DOMAIN_CUM = tuple(itertools.accumulate(w for _, w in DOMAINS))


def pick_locale(rng: random.Random) -> str:
    """A locale, by :data:`LOCALES` weight."""
    return rng.choices(_LOCALE_NAMES, cum_weights=_LOCALE_CUM)[0]


def ascii_fold(text: str) -> str:
    """Transliterate to ASCII (``João`` → ``Joao``, ``Всеволод`` → ``Vsevolod``)."""
    return str(unidecode(text))


@functools.lru_cache(maxsize=32_768)  # pool names repeat: fold each one once
def _local_part(name: str) -> str:
    return _NOT_LOCAL.sub(".", ascii_fold(name).lower()).strip(".'-")


def email_local(first: str, last: str) -> str:
    """``first.last`` as a directory would make it: folded, lower case; apostrophes and hyphens kept."""
    local = ".".join(p for p in (_local_part(first), _local_part(last)) if p) or "user"
    return local[:EMAIL_LOCAL_MAX].rstrip(".'-")


def long_name(rng: random.Random, pool: Pools, length: int) -> str:
    """A family name of exactly ``length`` characters, built from several real ones."""
    words: list[str] = []
    while len(" ".join(words)) < length:
        words.append(rng.choice(pool.last))
    text = " ".join(words)[:length]
    return text if not text[-1].isspace() else text[:-1] + "a"


def odd_names(rng: random.Random, pool: Pools, odd: Oddities) -> tuple[str, str]:
    """A (first, last) pair from ``pool`` with the oddities applied at their rates."""
    first, last = rng.choice(pool.first), rng.choice(pool.last)
    if rng.random() < odd.apostrophe:
        last = rng.choice(APOSTROPHE_NAMES)
    if rng.random() < odd.hyphenated:
        last = f"{last}-{rng.choice(pool.last)}"
    if rng.random() < odd.long_name:
        last = long_name(rng, pool, odd.long_name_length)
    if rng.random() < odd.whitespace:
        # stray whitespace as pasted from spreadsheets: leading, trailing, or both
        where = rng.randrange(3)
        if where == 0:
            first = " " + first
        elif where == 1:
            last = last + " "
        else:
            first, last = first + " ", " " + last
    return first, last


def pick_domain(rng: random.Random) -> str:
    """An email domain, by :data:`DOMAINS` weight (all reserved example domains)."""
    return rng.choices(_DOMAIN_NAMES, cum_weights=_DOMAIN_CUM)[0]


def mixed_case(local: str, domain: str) -> str:
    """``Ana.Souza@Example.com``: what a directory imported from an old system looks like."""
    return ".".join(p[:1].upper() + p[1:] for p in local.split(".")) + "@" + domain.capitalize()
