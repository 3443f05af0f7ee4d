"""Reading a response body with a cap, so a target answering 50 MB, or endlessly, costs little.

Every response the harness reads — the suite's, the simulator's, the pre-flight's — is streamed and
read through :func:`read_capped` / :func:`aread_capped`: past :data:`MAX_RESPONSE_BYTES` (decoded)
reading stops, the connection is dropped and :class:`ResponseTooLarge` says so.
"""

from __future__ import annotations

import httpx

MAX_RESPONSE_BYTES = 10 * 1024 * 1024
"""A response body larger than this (decoded) fails its exchange."""


class ResponseTooLarge(Exception):
    """A response body passed :data:`MAX_RESPONSE_BYTES`; the connection was dropped."""

    def __init__(self, limit: int = MAX_RESPONSE_BYTES) -> None:
        super().__init__(f"response body exceeds {limit // (1024 * 1024)} MB (stopped reading)")


def _declared_too_large(response: httpx.Response, limit: int) -> bool:
    declared = response.headers.get("content-length", "")
    encoded = response.headers.get("content-encoding", "identity").lower() not in ("", "identity")
    return declared.isdigit() and int(declared) > limit and not encoded


class _Body:
    """The body read so far, refusing to grow past ``limit``: the part both readers share."""

    def __init__(self, response: httpx.Response, limit: int) -> None:
        if _declared_too_large(response, limit):
            raise ResponseTooLarge(limit)
        self.limit, self.size, self.chunks = limit, 0, list[bytes]()

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise ResponseTooLarge(self.limit)
        self.chunks.append(chunk)

    def done(self, response: httpx.Response) -> bytes:
        response._content = content = b"".join(self.chunks)
        return content


def read_capped(response: httpx.Response, limit: int = MAX_RESPONSE_BYTES) -> bytes:
    """Read a streamed response's body, at most ``limit`` bytes, then close it.

    Raises :class:`ResponseTooLarge` past the limit and ``httpx.HTTPError`` for a broken body (a
    connection closed mid-response). The body is then available as ``response.content``.
    """
    try:
        body = _Body(response, limit)
        for chunk in response.iter_bytes():
            body.add(chunk)
    except BaseException:
        response._content = b""
        raise
    finally:
        response.close()
    return body.done(response)


async def aread_capped(response: httpx.Response, limit: int = MAX_RESPONSE_BYTES) -> bytes:
    """The asynchronous twin of :func:`read_capped` (one for each I/O style; :class:`_Body` reads)."""
    try:
        body = _Body(response, limit)
        async for chunk in response.aiter_bytes():
            body.add(chunk)
    except BaseException:
        response._content = b""
        raise
    finally:
        await response.aclose()
    return body.done(response)
