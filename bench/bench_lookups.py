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
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from reference_server.domain.ddl import STATEMENTS as DOMAIN_STATEMENTS
from reference_server.inbound import normalize
from reference_server.service import etag, utc_now
from reference_server.storage.sqlite import SqliteStore
from schemas import USER_TYPE, urns

FIRST = ["ana", "bo", "carla", "dmitri", "elodie", "farah", "goran", "hana", "ivan", "jun", "kofi", "lena"]
LAST = ["souza", "lee", "obrien", "ivanov", "martin", "haddad", "petrov", "sato", "novak", "chen", "mensah"]
DOMAINS = ["example.com", "example.org", "corp.example.net"]
TOKEN = "bench-token-not-secret"


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
    store = SqliteStore(db, extra_statements=DOMAIN_STATEMENTS)
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
        "filter": f'name.familyName co "{p["name"]["familyName"][1:]}"',
        "count": "10",
    },  # type: ignore[index]
    "sortBy=userName&count=10": lambda p: {"sortBy": "userName", "count": "10"},
}


def measure(base_url: str, people: list[dict[str, object]], requests: int) -> dict[str, float]:
    rng = random.Random(11)
    out: dict[str, float] = {}
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as client:
        for name, make in QUERIES.items():
            samples = []
            for _ in range(requests):
                params = make(rng.choice(people))
                started = time.perf_counter()
                response = client.get("/Users", params=params)
                samples.append(time.perf_counter() - started)
                if response.status_code != 200 or response.json()["totalResults"] < 1:
                    raise SystemExit(
                        f"{name}: unexpected answer {response.status_code} {response.text[:200]}"
                    )
            out[name] = statistics.median(samples) * 1000
    return out


def run(sizes: list[int], requests: int) -> dict[str, dict[str, float]]:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from procserver import ServerProcess

    results: dict[str, dict[str, float]] = {}
    with TemporaryDirectory() as tmp:
        for size in sizes:
            db = Path(tmp) / f"users-{size}.db"
            started = time.perf_counter()
            people = load(db, size)
            print(f"loaded {size:,} users in {time.perf_counter() - started:.1f} s", flush=True)
            server = ServerProcess(db, TOKEN).start()
            try:
                results[str(size)] = measure(server.base_url, people, requests)
            finally:
                server.stop()
    return results


def table(results: dict[str, dict[str, float]]) -> str:
    sizes = list(results)
    head = f"{'median latency (ms)':<26}" + "".join(f"{int(s):>12,}" for s in sizes)
    if len(sizes) > 1:
        head += f"{'ratio':>9}"
    lines = [head, "-" * len(head)]
    for name in QUERIES:
        row = f"{name:<26}" + "".join(f"{results[s][name]:>12.2f}" for s in sizes)
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
