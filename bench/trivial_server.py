"""A fixed-answer HTTP/1.1 server: the trivial endpoint the load generator's ceiling is measured on.

It answers every request with the same 11-byte JSON body and does nothing else, so the load
generator's requests per CPU-second against it are what the load side can do at most.

    python bench/trivial_server.py PORT
"""

from __future__ import annotations

import asyncio
import sys

_FIXED = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}'


class _Trivial(asyncio.Protocol):
    def __init__(self) -> None:
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while (end := self.buf.find(b"\r\n\r\n")) >= 0:
            at = self.buf.find(b"Content-Length: ", 0, end)
            length = int(self.buf[at + 16 : self.buf.find(b"\r\n", at)]) if at >= 0 else 0
            if len(self.buf) < end + 4 + length:
                return
            del self.buf[: end + 4 + length]
            assert self.transport is not None
            self.transport.write(_FIXED)


async def _serve_trivial(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(_Trivial, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) == 2:
        asyncio.run(_serve_trivial(int(sys.argv[1])))
    else:
        raise SystemExit("usage: python bench/trivial_server.py PORT")
