"""Filtered-lookup latency of the reference server at 1,000 and 100,000 users.

Loads each directory straight into a SQLite file (through the same normalisation and store the
server uses), starts ``scim-harness serve`` on it as a child process, and times real HTTP
requests from this process, each with a different value so no cache helps. Prints the median per
query and size, and the ratio between the sizes: an indexed lookup should barely move.

    .venv/bin/python bench/bench_lookups.py [--sizes 1000 100000] [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
from targets import TOKEN, ServerUnderTest
from uvicorn_settings import HOST

from reference_server.config import BASE_PATH
from reference_server.inbound import normalize
from reference_server.service import etag, utc_now
from reference_server.storage.sqlite import SqliteStore
from schemas import GROUP_TYPE, USER_TYPE, urns

FIRST = ["ana", "bo", "carla", "dmitri", "elodie", "farah", "goran", "hana", "ivan", "jun", "kofi", "lena"]
LAST = ["souza", "lee", "obrien", "ivanov", "martin", "haddad", "petrov", "sato", "novak", "chen", "mensah"]
DOMAINS = ["example.com", "example.org", "corp.example.net"]


def person(i: int, rng: random.Random) -> dict[str, object]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    user_name = f"{first}.{last}.{i:06d}@{rng.choice(DOMAINS)}"
    return {
        "schemas": [urns.USER],
        "userName": user_name,
        "externalId": f"ext-{i:07d}",
        "name": {"givenName": first.title(), "familyName": f"{last.title()}{i % 997}"},
        "emails": [
            {"value": user_name, "type": "work", "primary": True},
            {"value": f"{first}{i:06d}@home.example", "type": "home"},
        ],
        "active": True,
    }


def load(db: Path, size: int, seed: int = 7) -> list[dict[str, object]]:
    """Write ``size`` users into ``db``; returns their bodies so queries can pick real values."""
    rng = random.Random(seed)
    people = [person(i, rng) for i in range(size)]
    store = SqliteStore(db)
    now = utc_now()
    for start in range(0, size, 5000):
        with store.write() as tx:
            for body in people[start : start + 5000]:
                doc = {
                    **normalize(body, USER_TYPE),
                    "id": str(uuid.uuid4()),
                    "meta": {"resourceType": "User", "created": now, "lastModified": now, "version": etag(1)},
                }
                tx.insert("User", doc)
    store.conn.execute("ANALYZE")
    store.close()
    return people


Query = Callable[[dict[str, object]], dict[str, str]]


def _email(p: dict[str, object]) -> str:
    return str(p["emails"][1]["value"])  # type: ignore[index]


QUERIES: dict[str, Query] = {
    "userName eq": lambda p: {"filter": f'userName eq "{p["userName"]}"'},
    "externalId eq": lambda p: {"filter": f'externalId eq "{p["externalId"]}"'},
    "emails[value eq]": lambda p: {"filter": f'emails[value eq "{_email(p)}"]'},
    # Needles as selective at both sizes (a user's own number is in each), so the figures show the
    # index, not a growing result set.
    "userName sw": lambda p: {
        "filter": f'userName sw "{str(p["userName"]).split("@")[0][:-1]}"',
        "count": "10",
    },
    "userName ew": lambda p: {
        "filter": f'userName ew "{str(p["userName"]).split(".", 2)[2]}"',
        "count": "10",
    },
    "emails.value co": lambda p: {"filter": f'emails.value co "{_email(p)[-19:-8]}"', "count": "10"},
    "name.familyName co": lambda p: {
        "filter": f'name.familyName co "{p["name"]["familyName"][1:]}"',  # type: ignore[index]
        "count": "10",
    },
    "sortBy=userName&count=10": lambda p: {"sortBy": "userName", "count": "10"},
}


# --- every other operator on each indexed attribute, sorting and deep paging -----------------------
# Each needle matches one user or ten at every size (the user's own number is in it), so the figures
# show how the filter is evaluated, not a growing result set. ``ne`` and ``pr`` alone match nearly
# every user (400 tooMany at 100,000, RFC 7644 Table 9), so they are measured beside a selective
# ``eq``: the figure says whether they spoil an indexed plan. Deep pages start at the user's own
# position, so their average offset grows with the size: OFFSET paging shows as a growing ratio.


def _i(p: dict[str, object]) -> int:
    return int(str(p["externalId"])[4:])


def _local(p: dict[str, object]) -> str:
    return str(p["userName"]).split("@")[0]


def _f(expression: str, count: int = 10) -> dict[str, str]:
    return {"filter": expression, "count": str(count)}


QUERIES.update(
    {
        "userName co": lambda p: _f(f'userName co "{_local(p)[2:]}"'),
        "userName gt+lt": lambda p: _f(f'userName gt "{_local(p)}" and userName lt "{_local(p)}~"'),
        "userName ge+le": lambda p: _f(f'userName ge "{_local(p)}@" and userName le "{_local(p)}~"'),
        "userName ne (+externalId eq)": lambda p: _f(
            f'externalId eq "{p["externalId"]}" and userName ne "nobody@example.invalid"'
        ),
        "userName pr (+externalId eq)": lambda p: _f(f'externalId eq "{p["externalId"]}" and userName pr'),
        "userName eq or eq": lambda p: _f(
            f'userName eq "{p["userName"]}" or userName eq "nobody@example.invalid"'
        ),
        "not (userName ne)": lambda p: _f(f'not (userName ne "{p["userName"]}")'),
        "externalId sw": lambda p: _f(f'externalId sw "{str(p["externalId"])[:-1]}"'),
        "externalId ew": lambda p: _f(f'externalId ew "{_i(p):07d}"'),
        "externalId co": lambda p: _f(f'externalId co "t-{_i(p):07d}"'),
        "externalId ge+lt": lambda p: _f(
            f'externalId ge "ext-{_i(p):07d}" and externalId lt "ext-{_i(p) + 1:07d}"'
        ),
        "externalId gt+le": lambda p: _f(
            f'externalId gt "ext-{_i(p) - 1:07d}" and externalId le "ext-{_i(p):07d}"'
        ),
        "emails.value eq": lambda p: _f(f'emails.value eq "{_email(p)}"'),
        "emails.value sw": lambda p: _f(f'emails.value sw "{_email(p).split("@")[0]}"'),
        "emails.value ew": lambda p: _f(f'emails.value ew "{_i(p):06d}@home.example"'),
        # Both bounds on one address. "emails.value gt X and emails.value lt Y" may be met by two
        # different addresses (RFC 7644 §3.4.2.2): anyone with the same first name and a higher
        # number has a home address above X and a work address ("first.last…") below Y, so that
        # answer grew with the directory (a median of 50 users at 1,000, 3,200 at 100,000).
        "emails[value gt and value lt]": lambda p: _f(
            f'emails[value gt "{_email(p)[:-1]}" and value lt "{_email(p)}~"]'
        ),
        "emails.value pr (+externalId eq)": lambda p: _f(
            f'externalId eq "{p["externalId"]}" and emails.value pr'
        ),
        "emails[type eq and value co]": lambda p: _f(f'emails[type eq "home" and value co "{_i(p):06d}@"]'),
        "sortBy=userName descending": lambda p: {
            "sortBy": "userName",
            "sortOrder": "descending",
            "count": "10",
        },
        "sortBy=name.familyName": lambda p: {"sortBy": "name.familyName", "count": "10"},
        "sortBy=meta.lastModified": lambda p: {"sortBy": "meta.lastModified", "count": "10"},
        "userName sw + sortBy=userName": lambda p: {
            "filter": f'userName sw "{_local(p)[:-1]}"',
            "sortBy": "userName",
            "count": "10",
        },
        "deep page startIndex=i": lambda p: {"startIndex": str(_i(p) + 1), "count": "10"},
        "deep page sortBy=userName startIndex=i": lambda p: {
            "sortBy": "userName",
            "startIndex": str(_i(p) + 1),
            "count": "10",
        },
    }
)

DEPARTMENTS = ["Engineering", "Sales", "Finance", "Support", "Legal", "Marketing"]


def group_body(k: int) -> dict[str, object]:
    return {
        "schemas": [urns.GROUP],
        "displayName": f"{DEPARTMENTS[k % len(DEPARTMENTS)]} team {k:06d}",
        "externalId": f"grp-{k:06d}",
    }


def load_groups(db: Path, size: int) -> list[dict[str, object]]:
    """Write ``size // 10`` groups (at least 10, no members) into ``db``; returns their bodies."""
    groups = [group_body(k) for k in range(max(10, size // 10))]
    store = SqliteStore(db)
    now = utc_now()
    with store.write() as tx:
        for body in groups:
            doc = {
                **normalize(body, GROUP_TYPE),
                "id": str(uuid.uuid4()),
                "meta": {"resourceType": "Group", "created": now, "lastModified": now, "version": etag(1)},
            }
            tx.insert("Group", doc)
    store.conn.execute("ANALYZE")
    store.close()
    return groups


def _k(g: dict[str, object]) -> int:
    return int(str(g["externalId"])[4:])


def _name(g: dict[str, object]) -> str:
    return str(g["displayName"])


GROUP_QUERIES: dict[str, Query] = {
    "Groups displayName eq": lambda g: _f(f'displayName eq "{_name(g)}"'),
    "Groups displayName sw": lambda g: _f(f'displayName sw "{_name(g)[:-1]}"'),
    "Groups displayName ew": lambda g: _f(f'displayName ew "m {_k(g):06d}"'),
    "Groups displayName co": lambda g: _f(f'displayName co "team {_k(g):06d}"'),
    "Groups displayName gt+lt": lambda g: _f(
        f'displayName gt "{_name(g)[:-1]}" and displayName lt "{_name(g)}~"'
    ),
    "Groups displayName ne (+externalId eq)": lambda g: _f(
        f'externalId eq "{g["externalId"]}" and displayName ne "nothing"'
    ),
    "Groups displayName pr (+externalId eq)": lambda g: _f(
        f'externalId eq "{g["externalId"]}" and displayName pr'
    ),
    "Groups sortBy=displayName": lambda g: {"sortBy": "displayName", "count": "10"},
    "Groups deep page startIndex=k": lambda g: {"startIndex": str(_k(g) + 1), "count": "10"},
}


def measure(
    base_url: str,
    people: list[dict[str, object]],
    requests: int,
    groups: list[dict[str, object]] | None = None,
) -> dict[str, float]:
    rng = random.Random(11)
    out: dict[str, float] = {}
    suites = [("/Users", QUERIES, people)] + ([("/Groups", GROUP_QUERIES, groups)] if groups else [])
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as client:
        for path, queries, bodies in suites:
            for name, make in queries.items():
                samples = []
                for _ in range(requests):
                    params = make(rng.choice(bodies))
                    started = time.perf_counter()
                    response = client.get(path, params=params)
                    samples.append(time.perf_counter() - started)
                    if response.status_code != 200 or response.json()["totalResults"] < 1:
                        raise SystemExit(
                            f"{name}: unexpected answer {response.status_code} {response.text[:200]}"
                        )
                out[name] = statistics.median(samples) * 1000
    return out


def serve(db: Path, logs: Path) -> ServerUnderTest:
    """``scim-harness serve`` on ``db``, as the throughput bench starts it (bench/targets.py)."""
    argv = [sys.executable, "-m", "harness", "serve", "--host", HOST, "--port", "{port}", "--db", str(db)]
    env = {"SCIM_TOKEN": TOKEN, "SCIM_OBSERVER_TOKEN": TOKEN + "-observer"}
    return ServerUnderTest(f"reference-{db.stem}", argv, BASE_PATH, env).start(logs)


def run(sizes: list[int], requests: int) -> dict[str, dict[str, float]]:
    # Not tests.support.procserver: bench scripts run with bench/ on sys.path, not the project root.
    results: dict[str, dict[str, float]] = {}
    with TemporaryDirectory() as tmp:
        for size in sizes:
            db = Path(tmp) / f"users-{size}.db"
            started = time.perf_counter()
            people = load(db, size)
            groups = load_groups(db, size)
            print(f"loaded {size:,} users in {time.perf_counter() - started:.1f} s", flush=True)
            server = serve(db, Path(tmp))
            try:
                base_url = f"http://{HOST}:{server.port}{BASE_PATH}"
                results[str(size)] = measure(base_url, people, requests, groups)
            finally:
                server.stop()
    return results


def table(results: dict[str, dict[str, float]]) -> str:
    sizes = list(results)
    width = max(26, *(len(name) + 2 for name in results[sizes[0]]))
    head = f"{'median latency (ms)':<{width}}" + "".join(f"{int(s):>12,}" for s in sizes)
    if len(sizes) > 1:
        head += f"{'ratio':>9}"
    lines = [head, "-" * len(head)]
    for name in results[sizes[0]]:
        row = f"{name:<{width}}" + "".join(f"{results[s][name]:>12.2f}" for s in sizes)
        if len(sizes) > 1:
            row += f"{results[sizes[-1]][name] / results[sizes[0]][name]:>8.2f}x"
        lines.append(row)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("results_lookups.json"))
    args = parser.parse_args()
    results = run(args.sizes, args.requests)
    print(table(results))
    args.output.write_text(json.dumps({"median_ms": results, "requests_per_query": args.requests}, indent=2))


if __name__ == "__main__":
    main()
