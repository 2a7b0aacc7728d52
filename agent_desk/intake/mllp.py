"""An MLLP listener for HL7 v2: frames in, one handler call per message, ACK frames out.

MLLP wraps each message as 0x0B … 0x1C 0x0D. The listener runs an asyncio loop on
its own thread; the handler (which writes to the database) runs on one worker
thread, so messages are applied one at a time, in the order they arrived, and a
slow database never stalls the reading of sockets. It is bounded: connections,
message size and idle time all have limits, and stop() ends it cleanly.

A new connection is never turned away for idle ones: when a peer holds its share
of connections, or the listener holds its total, the connection silent the longest
is closed to make room. Idle sockets (a port scanner, a sender that crashed without
closing) therefore cannot lock the HIS out; a connection whose message is being
applied is never closed, so every message read gets its ACK.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from agent_desk.errors import UserError

log = logging.getLogger(__name__)

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\r"
MAX_MESSAGE_BYTES = 1 << 20  # an ADT message is a few KiB; a megabyte is a broken sender
MAX_CONNECTIONS = 16
MAX_CONNECTIONS_PER_PEER = 4  # a HIS interface engine uses one or two
IDLE_TIMEOUT_S = 60.0  # senders reconnect when they have something to send

Handler = Callable[[bytes], bytes]  # one message (unframed) → the ACK (unframed)


def frame(message: bytes) -> bytes:
    return START_BLOCK + message + END_BLOCK


class MllpError(UserError, RuntimeError):
    pass


@dataclass(eq=False)
class _Connection:
    peer: str  # the sender's address
    writer: asyncio.StreamWriter
    last_heard: float  # loop time of the last byte read or ACK written
    busy: bool = False  # a message of it is being applied: its ACK must go out


class MllpServer:
    def __init__(
        self,
        handler: Handler,
        host: str = "127.0.0.1",
        port: int = 2575,
        *,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        max_connections: int = MAX_CONNECTIONS,
        max_connections_per_peer: int = MAX_CONNECTIONS_PER_PEER,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
        oversize_reply: Callable[[], bytes] | None = None,
    ) -> None:
        self._handler = handler
        self._host = host
        self._port = port
        self._max_message = max_message_bytes
        self._max_connections = max_connections
        self._max_per_peer = max_connections_per_peer
        self._idle_timeout = idle_timeout_s
        self._oversize_reply = oversize_reply
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="mllp-apply")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._open: set[_Connection] = set()
        self.port = port  # the bound port once started (useful with port 0)

    def start(self) -> None:
        """Bind and serve in the background; raises at once if the port cannot be bound."""
        self._thread = threading.Thread(target=self._run, name="mllp-listener", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise MllpError(f"cannot listen on {self._host}:{self._port}: {self._error}")

    def stop(self, timeout: float = 5.0) -> None:
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopped.set)
        if self._thread is not None:
            self._thread.join(timeout)
        self._worker.shutdown(wait=True)

    def __enter__(self) -> MllpServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to start(), or logged when it came later
            if not self._ready.is_set():
                self._error = exc
                self._ready.set()
            else:
                log.exception("MLLP listener stopped with an error")

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        server = await asyncio.start_server(
            self._client, self._host, self._port, family=socket.AF_INET
        )
        self.port = server.sockets[0].getsockname()[1]
        log.info("MLLP listening on %s:%d", self._host, self.port)
        self._ready.set()
        async with server:
            await self._stopped.wait()
        log.info("MLLP listener stopped")

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peername = writer.get_extra_info("peername")
        peer = str(peername[0]) if peername else "?"
        if not self._make_room(peer):
            log.warning("MLLP: refusing %s, every connection is applying a message", peer)
            writer.close()
            return
        connection = _Connection(peer, writer, asyncio.get_running_loop().time())
        self._open.add(connection)
        try:
            await self._conversation(reader, connection)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the peer went away; nothing was half-applied, each message is whole
        except TimeoutError:
            log.info("MLLP: closing idle connection from %s", peer)
        except Exception:
            log.exception("MLLP: the connection from %s failed", peer)
        finally:
            self._open.discard(connection)
            writer.close()

    def _make_room(self, peer: str) -> bool:
        """Close the idlest connection when *peer*, or the listener, is at its limit;
        False when every candidate is busy applying a message."""
        own = [c for c in self._open if c.peer == peer]
        if len(own) >= self._max_per_peer:
            candidates = own
        elif len(self._open) >= self._max_connections:
            candidates = list(self._open)
        else:
            return True
        idle = [c for c in candidates if not c.busy]
        if not idle:
            return False
        idlest = min(idle, key=lambda c: c.last_heard)
        log.info("MLLP: closing the idlest connection from %s to let %s in", idlest.peer, peer)
        self._open.discard(idlest)
        idlest.writer.close()
        return True

    async def _conversation(self, reader: asyncio.StreamReader, connection: _Connection) -> None:
        loop = asyncio.get_running_loop()
        writer = connection.writer
        while True:
            message = await asyncio.wait_for(
                self._read_frame(reader, connection), self._idle_timeout
            )
            if message is None:
                return
            if len(message) > self._max_message:
                if self._oversize_reply is not None:
                    writer.write(frame(self._oversize_reply()))
                    await writer.drain()
                return  # the rest of the stream cannot be trusted to be in step
            connection.busy = True
            try:
                ack = await loop.run_in_executor(self._worker, self._handler, message)
                writer.write(frame(ack))
                await writer.drain()
            finally:
                connection.busy = False
                connection.last_heard = loop.time()

    async def _read_frame(
        self, reader: asyncio.StreamReader, connection: _Connection
    ) -> bytes | None:
        """The next message, or None at end of stream; bytes outside frames are dropped."""
        clock = asyncio.get_running_loop().time
        while True:
            byte = await reader.read(1)
            if not byte:
                return None
            connection.last_heard = clock()
            if byte == START_BLOCK:
                break
        body = bytearray()
        while True:
            try:
                chunk = await reader.readuntil(END_BLOCK)
            except asyncio.LimitOverrunError as exc:
                chunk = await reader.readexactly(exc.consumed)
                connection.last_heard = clock()
                body += chunk
                if len(body) > self._max_message:
                    return bytes(body)
                continue
            connection.last_heard = clock()
            body += chunk[: -len(END_BLOCK)]
            return bytes(body)


def send(host: str, port: int, message: bytes, timeout: float = 10.0) -> bytes:
    """Send one message over MLLP and return the unframed answer (a blocking client)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(frame(message))
        return receive(sock)


def receive(sock: socket.socket) -> bytes:
    data = bytearray()
    while END_BLOCK not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise MllpError("connection closed before a complete MLLP frame arrived")
        data += chunk
    start = data.find(START_BLOCK)
    return bytes(data[start + 1 : data.index(END_BLOCK)])
