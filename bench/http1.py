"""Just enough HTTP/1.1 for the load generator: pre-encoded requests and response framing.

A request is built as bytes in one go; a response is parsed no further than its status line, its
``Content-Length`` or chunked framing, and its body bytes. Keep-alive is HTTP/1.1's default, so
every connection is reused for all of a virtual user's requests.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where to send: ``base`` is the path prefix (``/scim/v2``), ``token`` a throwaway bearer."""

    host: str
    port: int
    base: str
    token: str | None = field(default=None, repr=False)

    def preamble(self) -> bytes:
        auth = f"Authorization: Bearer {self.token}\r\n" if self.token else ""
        return f"Host: {self.host}:{self.port}\r\n{auth}".encode()


def encode(endpoint: Endpoint, preamble: bytes, method: str, path: str, body: bytes | None) -> bytes:
    """The bytes of one request (HTTP/1.1, keep-alive is the default)."""
    line = f"{method} {endpoint.base}{path} HTTP/1.1\r\n".encode()
    if body is None:
        return line + preamble + b"\r\n"
    length = f"Content-Type: application/scim+json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    return line + preamble + length + body


def parse(buf: bytearray) -> tuple[int, bytes, int] | None:
    """``(status, body, consumed)`` once ``buf`` holds a whole response, else None."""
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    head = bytes(buf[:head_end]).lower()
    status = int(head[9:12])
    start = head_end + 4
    at = head.find(b"\r\ncontent-length:")
    if at >= 0:
        stop = head.find(b"\r\n", at + 2)
        end = start + int(head[at + 17 : stop if stop >= 0 else None])
        return (status, bytes(buf[start:end]), end) if len(buf) >= end else None
    if b"\r\ntransfer-encoding: chunked" not in head:
        return status, b"", start  # 204 and 304 carry no body
    body = bytearray()
    pos = start
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size = int(bytes(buf[pos:eol]).split(b";")[0], 16)
        if size == 0:
            end = buf.find(b"\r\n\r\n", eol)  # no trailers are expected
            return (status, bytes(body), end + 4) if end >= 0 else None
        if len(buf) < eol + 2 + size + 2:
            return None
        body += buf[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2


class BlockingClient:
    """One keep-alive connection for setup steps (seeding groups and users) outside the timed runs."""

    def __init__(self, endpoint: Endpoint, timeout: float = 30.0) -> None:
        self.endpoint = endpoint
        self.preamble = endpoint.preamble()
        self.sock = socket.create_connection((endpoint.host, endpoint.port), timeout=timeout)
        self.buf = bytearray()

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        self.sock.sendall(encode(self.endpoint, self.preamble, method, path, body))
        while (parsed := parse(self.buf)) is None:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buf += chunk
        status, data, consumed = parsed
        del self.buf[:consumed]
        return status, data

    def close(self) -> None:
        self.sock.close()
