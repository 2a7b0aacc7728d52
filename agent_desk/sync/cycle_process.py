"""The workstation's sync cycles, run in a child process of their own.

A full download decodes and writes a million rows in Python. On a thread of the window's
process it holds the interpreter lock that the window's thread needs to show a caller's
card: the foreground gate (agent_desk.foreground) makes it step aside between chunks, but
each of the pop's many small waits for the lock still queues behind it. Measured at a
million patients, 200 calls during a push and a full pull, alternating in the same
minutes: a sync thread gave a pop p95 of 20 – 22 ms; the same sync in a process of its
own, 13 – 15 ms (BENCHMARKS.md, issue 18, eighth round).

The child opens the same SQLite file with the same key (handed over the pipe, never on a
command line or in the environment), keeps its own connection to the central server and
runs one cycle (`run_cycle`) each time it is asked. SQLite's locks work across processes
as across threads, so the window's writes and the pull's batches take turns as before. It
runs at the sync's low priority (it is started from the sync thread, whose nice value it
inherits, and lowers itself again), its log records come back over the same pipe into the
window's log, and a child that dies is started afresh at the next cycle: a cycle it did
not finish is a sync failure like a dropped connection, retried, with nothing half-applied
(each batch commits with its cursor).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
from enum import Enum
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from agent_desk.db.sqlcipher import LocalFile
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.cycle import SyncReport
from agent_desk.sync.errors import SyncError

log = logging.getLogger(__name__)

# Spawned, not forked: the window's process has Qt's and pjsua2's threads, which a fork
# would copy in whatever state they were in.
_CONTEXT = multiprocessing.get_context("spawn")
CLOSE_WAIT_S = 5.0  # for an idle child to close its database and connection


class _Message(Enum):
    CYCLE = "cycle"
    LOG = "log"
    REPORT = "report"
    FAILED = "failed"


class SyncProcessStopped(SyncError):
    """The sync's process ended during a cycle (killed, or out of memory)."""

    transient = True


class SyncProcessFailed(SyncError):
    """The cycle failed in the sync's process for a reason no SyncError names."""


class CycleProcess:
    """Runs sync cycles of the workstation *file* in a child process, started when first
    needed. run() is called by one thread (the sync thread); close() by any."""

    def __init__(self, file: LocalFile, config: CentralConfig) -> None:
        self._file = file
        self._config = config
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._pipe: Connection | None = None
        self._busy = False
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs (for the tests and the log)."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def run(self) -> SyncReport:
        """One cycle (upload, then download) in the child; raises what run_cycle raises."""
        pipe = self._started()
        try:
            pipe.send((_Message.CYCLE, None))
            while True:
                kind, value = pipe.recv()
                if kind is _Message.LOG:
                    logging.getLogger(value.name).handle(value)
                    continue
                break
        except (EOFError, OSError) as exc:
            self._reap()
            raise SyncProcessStopped(
                "the sync's process stopped during a cycle; it starts again at the next"
            ) from exc
        finally:
            self._busy = False
        if kind is _Message.REPORT:
            report: SyncReport = value
            return report
        raise value

    def stop(self) -> None:
        """End the child, from any thread: at once when a cycle is running (SQLite and the
        server roll back the batch in progress), else after it has closed its database."""
        with self._lock:
            self._closed = True
            process, pipe, busy = self._process, self._pipe, self._busy
        if process is None or pipe is None:
            return
        if busy:  # the running cycle's thread then reads the pipe's end, and reaps the child
            process.terminate()
            return
        with contextlib.suppress(OSError):  # already gone: reaped all the same
            pipe.send(None)
        self._reap()

    def close(self) -> None:
        self.stop()

    def _started(self) -> Connection:
        with self._lock:
            if self._closed:
                raise SyncProcessStopped("the sync is stopping")
            if self._process is not None and not self._process.is_alive():
                log.warning("the sync's process had ended (exit code %s)", self._process.exitcode)
                self._reap_locked()
            if self._process is None:
                ours, theirs = _CONTEXT.Pipe()
                process = _CONTEXT.Process(
                    target=serve,
                    args=(theirs, self._file, self._config, logging.getLogger().level),
                    name="agent-desk-sync",
                    daemon=True,  # ended with the window's process
                )
                process.start()
                theirs.close()  # so that the child's end alone keeps the pipe open
                self._process, self._pipe = process, ours
                log.info("sync process started (pid %s)", process.pid)
            assert self._pipe is not None
            self._busy = True
            return self._pipe

    def _reap(self) -> None:
        with self._lock:
            self._reap_locked()

    def _reap_locked(self) -> None:
        if self._pipe is not None:
            self._pipe.close()
        if self._process is not None:
            self._process.join(CLOSE_WAIT_S)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(CLOSE_WAIT_S)
        self._process, self._pipe = None, None


class _PipeHandler(logging.Handler):
    """The child's log records, to the window's process (any of the child's threads)."""

    def __init__(self, pipe: Connection, lock: threading.Lock) -> None:
        super().__init__()
        self._pipe = pipe
        self._send_lock = lock

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if record.exc_info:  # the traceback as text: its frames do not pickle
                record.exc_text = logging.Formatter().formatException(record.exc_info)
                record.exc_info = None
            record.msg, record.args = record.getMessage(), None
            record.threadName = f"{record.processName}:{record.threadName}"  # in the log file
            with self._send_lock:
                self._pipe.send((_Message.LOG, record))
        except Exception:
            self.handleError(record)


def serve(pipe: Connection, file: LocalFile, config: CentralConfig, level: int) -> None:
    """The child's side: a cycle for each request, until None or the pipe closes."""
    from agent_desk.foreground import lower_this_thread

    lower_this_thread()  # before the heavy imports below
    send_lock = threading.Lock()
    root = logging.getLogger()
    root.handlers[:] = [_PipeHandler(pipe, send_lock)]
    root.setLevel(level)

    from agent_desk.db.engine import Database, make_local_engine
    from agent_desk.sync.capture import install_capture
    from agent_desk.sync.cycle import CentralLink, client_id, run_cycle

    db = Database(make_local_engine(file), file)
    install_capture(db)  # as in the window: the sync's own writes are told from ours
    link = CentralLink(config, client_id(db))
    logging.getLogger(__name__).info("sync process ready for %s", file.path.name)
    try:
        while True:
            try:
                request = pipe.recv()
            except EOFError:  # the window's process is gone
                break
            if request is None:
                break
            answer: tuple[_Message, Any]
            try:
                answer = (_Message.REPORT, run_cycle(db, link))
            except SyncError as exc:
                answer = (_Message.FAILED, exc)
            except Exception as exc:  # logged in full here; one line for the status
                logging.getLogger(__name__).exception("sync cycle failed")
                answer = (_Message.FAILED, SyncProcessFailed(f"unexpected sync error: {exc!r}"))
            with send_lock:
                pipe.send(answer)
    finally:
        link.close()
        # Not db.dispose(): its statistics refresh is the window's, at its own close.
        db.engine.dispose()
