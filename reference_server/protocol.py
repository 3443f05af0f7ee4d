"""uvicorn's httptools protocol, sending each response in one write.

uvicorn writes a response's status line and headers when the app sends ``http.response.start``
and its body at ``http.response.body``: two ``send`` calls for every response of this server
(none streams), each one a trip through the kernel's TCP stack, which on loopback also delivers
the segment to the client in the same call. In a CPU profile of the server under the bench's
user-only mix (perf, cpu-clock), socket writes took 11.6% of its CPU, the kernel's largest part.
Here the first write of a response waits, and goes out with the second in one ``send``; one that
stays alone (the ``100 Continue`` uvicorn writes before reading a body, say) goes at the end of
the event loop's turn, before any other I/O.
Everything else is uvicorn's own code.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class _JoinedWrites:
    """A transport proxy holding back one write until the next one, or the loop's next turn."""

    __slots__ = ("_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        pending = self._pending
        if pending is None:
            self._pending = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._pending = None
            self._transport.write(pending + data)

    def flush(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and not self._transport.is_closing():
            self._transport.write(pending)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending = None
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` on a transport that joins a response's two writes."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_JoinedWrites(transport, self.loop))  # type: ignore[arg-type]
