"""An MLLP listener for HL7 v2: frames in, one handler call per message, ACK frames out.

MLLP wraps each message as 0x0B … 0x1C 0x0D. The listener runs an asyncio loop on
its own thread; the handler (which writes to the database) runs on one worker
thread, so messages are applied one at a time, in the order they arrived, and a
slow database never stalls the reading of sockets. It is bounded: connections,
message size and idle time all have limits, and stop() ends it cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from agent_desk.errors import UserError

log = logging.getLogger(__name__)

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\r"
MAX_MESSAGE_BYTES = 1 << 20  # an ADT message is a few KiB; a megabyte is a broken sender
MAX_CONNECTIONS = 16
IDLE_TIMEOUT_S = 300.0

Handler = Callable[[bytes], bytes]  # one message (unframed) → the ACK (unframed)


def frame(message: bytes) -> bytes:
    return START_BLOCK + message + END_BLOCK


class MllpError(UserError, RuntimeError):
    pass


class MllpServer:
    def __init__(
        self,
        handler: Handler,
        host: str = "127.0.0.1",
        port: int = 2575,
        *,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        max_connections: int = MAX_CONNECTIONS,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
        oversize_reply: Callable[[], bytes] | None = None,
    ) -> None:
        self._handler = handler
        self._host = host
        self._port = port
        self._max_message = max_message_bytes
        self._max_connections = max_connections
        self._idle_timeout = idle_timeout_s
        self._oversize_reply = oversize_reply
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="mllp-apply")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._connections = 0
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
        peer = writer.get_extra_info("peername")
        if self._connections >= self._max_connections:
            log.warning("MLLP: refusing %s, already %d connections", peer, self._connections)
            writer.close()
            return
        self._connections += 1
        try:
            await self._conversation(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the peer went away; nothing was half-applied, each message is whole
        except TimeoutError:
            log.info("MLLP: closing idle connection from %s", peer)
        finally:
            self._connections -= 1
            writer.close()

    async def _conversation(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            message = await asyncio.wait_for(self._read_frame(reader), self._idle_timeout)
            if message is None:
                return
            if len(message) > self._max_message:
                if self._oversize_reply is not None:
                    writer.write(frame(self._oversize_reply()))
                    await writer.drain()
                return  # the rest of the stream cannot be trusted to be in step
            ack = await loop.run_in_executor(self._worker, self._handler, message)
            writer.write(frame(ack))
            await writer.drain()

    async def _read_frame(self, reader: asyncio.StreamReader) -> bytes | None:
        """The next message, or None at end of stream; bytes outside frames are dropped."""
        while True:
            byte = await reader.read(1)
            if not byte:
                return None
            if byte == START_BLOCK:
                break
        body = bytearray()
        while True:
            try:
                chunk = await reader.readuntil(END_BLOCK)
            except asyncio.LimitOverrunError as exc:
                chunk = await reader.readexactly(exc.consumed)
                body += chunk
                if len(body) > self._max_message:
                    return bytes(body)
                continue
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
