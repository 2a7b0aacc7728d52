"""The background sync: a thread that uploads and downloads, and one that listens.

- A cycle runs when a local change commits (capture tells us), when the central server
  NOTIFYs a change made elsewhere, and every *interval_s* regardless (a lost
  notification costs at most one interval).
- When the server cannot be reached, local work goes on and the outbox grows; cycles are
  retried on a timer with exponential backoff and jitter (so that a hundred workstations
  coming back after a server restart do not all knock at once), and local changes do
  not trigger attempts while offline.
- The status (online, last sync, pending, conflicts, last error) is a SyncStatus
  snapshot; *on_status* hears every change of it on the sync thread, so a GUI must post
  it across to its own thread.
- With a shared work queue, the same thread sends its queued completions before each
  cycle and renews the leases every HEARTBEAT_EVERY, so that no click waits on them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import psycopg

from agent_desk.db import sync_local
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.sync_central import NOTIFY_CHANNEL
from agent_desk.domain.enums import SyncConnection, SyncProblem
from agent_desk.foreground import lower_this_thread
from agent_desk.sync.capture import Capture
from agent_desk.sync.central import CentralConfig, connect
from agent_desk.sync.cycle import Cycles, InThreadCycles, SyncReport
from agent_desk.sync.errors import SyncError
from agent_desk.sync.queue import HEARTBEAT_EVERY, WorkQueue
from agent_desk.sync.queue_errors import Offline
from agent_desk.sync.state import SyncStatus, read_status

log = logging.getLogger(__name__)

StatusListener = Callable[[SyncStatus], None]
PRUNE_EVERY_S = 3600.0
KEEP_SENT = timedelta(days=7)


class Backoff:
    """Exponential delays with jitter: first, first·factor, … up to cap, each scaled by a
    random factor in [1 - jitter, 1]."""

    def __init__(
        self,
        first_s: float = 1.0,
        factor: float = 2.0,
        cap_s: float = 300.0,
        jitter: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        self.first_s, self.factor, self.cap_s, self.jitter = first_s, factor, cap_s, jitter
        self._rng = rng or random.Random()
        self._failures = 0

    def next_delay(self) -> float:
        base = min(self.cap_s, self.first_s * self.factor**self._failures)
        self._failures += 1
        return base * (1 - self.jitter * self._rng.random())

    def reset(self) -> None:
        self._failures = 0


class SyncRunner:
    """Keeps one workstation in sync with the central server until stop()."""

    def __init__(
        self,
        db: Database,
        config: CentralConfig,
        *,
        capture: Capture | None = None,
        interval_s: float = 30.0,
        listen: bool = True,
        on_status: StatusListener | None = None,
        backoff: Backoff | None = None,
        waiting_poll_s: float = 0.01,
        work_queue: WorkQueue | None = None,
        after_cycle: Callable[[], None] | None = None,
        cycles: Cycles | None = None,
    ) -> None:
        self._db = db
        # The workstation's window runs them in a process of their own (SyncHub).
        self._cycles = cycles or InThreadCycles(db, config)
        self._config = config
        self._capture = capture
        self._interval_s = interval_s
        self._listen_enabled = listen
        self._on_status = on_status
        self._backoff = backoff or Backoff()
        self._listen_backoff = Backoff(first_s=1.0, cap_s=60.0)
        self._waiting_poll_s = waiting_poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._status = read_status(db, SyncConnection.CONNECTING)
        self._threads: list[threading.Thread] = []
        self.last_report: SyncReport | None = None
        self._last_prune = -PRUNE_EVERY_S
        self.work_queue = work_queue
        # Work that rides on a good connection (the recordings uploader); its failures are
        # logged and retried next cycle, never counted against the sync itself.
        self._after_cycle = after_cycle
        self._last_beat = time.monotonic()  # the claims themselves were just granted
        self._status = self._with_queue(self._status)

    # --- control ----------------------------------------------------------------------

    def start(self) -> None:
        if self._threads:
            return
        if self._capture is not None:
            self._capture.subscribe(self.wake)
        self._threads = [threading.Thread(target=self._run, name="sync", daemon=True)]
        if self._listen_enabled:
            self._threads.append(
                threading.Thread(target=self._listen, name="sync-listen", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._capture is not None:
            self._capture.unsubscribe(self.wake)
        self._stop.set()
        self._wake.set()
        self._cycles.stop()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads = []

    def wake(self) -> None:
        """Something changed (here or on the server): sync soon, unless offline, where only
        the retry timer knocks."""
        if self.status.connection is not SyncConnection.OFFLINE:
            self._wake.set()

    def sync_now(self) -> None:
        """Sync at once, offline or not (a button in the window)."""
        self._wake.set()

    @property
    def cycles(self) -> Cycles:
        return self._cycles

    @property
    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    # --- the sync thread --------------------------------------------------------------

    def _run(self) -> None:
        lower_this_thread()  # and the pull's and the push's helpers (agent_desk.foreground)
        delay = 0.0
        waiting_polls = 0
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self._tend_queue()
                report = self._cycles.run()
            except SyncError as exc:
                if self._stop.is_set():  # the cycle was ended by stop()
                    break
                delay = self._failed(str(exc), exc.problem)
                continue
            except Offline as exc:
                delay = self._failed(str(exc), SyncProblem.UNREACHABLE)
                continue
            except Exception as exc:  # the thread must live on; logged in full
                log.exception("sync cycle failed")
                delay = self._failed(f"unexpected sync error: {exc!r}", SyncProblem.OTHER)
                continue
            self._backoff.reset()
            self.last_report = report
            self._prune_now_and_then()
            self._run_after_cycle()
            self._publish(
                self._with_queue(
                    replace(
                        self.status,
                        connection=SyncConnection.ONLINE,
                        last_sync_at=utcnow(),
                        last_error=None,
                        problem=None,
                        next_attempt_at=None,
                        received=report.pull.applied,
                    ).with_counts(report.counts)
                )
            )
            # Rows committed on the server but held behind a running transaction: look
            # again shortly rather than after a whole interval, backing off (10 ms, 20 ms,
            # … up to a second) in case that transaction is a long one.
            if report.pull.waiting:
                delay = min(1.0, self._waiting_poll_s * 2**waiting_polls, self._interval_s)
                waiting_polls += 1
            else:
                delay, waiting_polls = self._interval_s, 0
        self._cycles.close()

    def _tend_queue(self) -> None:
        """Queued completions first (so their leases settle before they lapse further),
        and the heartbeat's renewals when one is due."""
        queue = self.work_queue
        if queue is None:
            return
        if time.monotonic() - self._last_beat >= HEARTBEAT_EVERY.total_seconds():
            report = queue.heartbeat()
            self._last_beat = time.monotonic()
            for lost in report.renewal.lost:
                log.warning("the lease on task %s lapsed or was taken over", lost.task_id)
        elif queue.pending():
            queue.send_pending()

    def _with_queue(self, status: SyncStatus) -> SyncStatus:
        queue = self.work_queue
        if queue is None:
            return status
        return replace(
            status,
            held=len(queue.held()),
            queued_completions=len(queue.pending()),
            refused_completions=len(queue.refused()),
        )

    def _run_after_cycle(self) -> None:
        if self._after_cycle is None:
            return
        try:
            self._after_cycle()
        except Exception as exc:  # the server went away mid-way: the next cycle resumes
            log.warning("after the sync cycle: %s", exc)

    def _prune_now_and_then(self) -> None:
        """Forget acknowledged outbox rows after a week (the server keeps its own record),
        at most once an hour, so that the outbox does not grow for ever."""
        now = time.monotonic()
        if now - self._last_prune < PRUNE_EVERY_S:
            return
        self._last_prune = now
        try:
            with self._db.write() as session:
                sync_local.prune_sent(session, utcnow() - KEEP_SENT)
        except Exception:  # housekeeping only: the next hour tries again
            log.exception("pruning the outbox failed")

    def _failed(self, message: str, problem: SyncProblem) -> float:
        delay = self._backoff.next_delay()
        log.warning("sync failed (retry in %.1f s): %s", delay, message)
        try:
            status = read_status(self._db, SyncConnection.OFFLINE)
        except Exception:  # the local database may be the problem itself
            status = replace(self.status, connection=SyncConnection.OFFLINE)
        self._publish(
            self._with_queue(
                replace(
                    status,
                    last_sync_at=self.status.last_sync_at,
                    last_error=message,
                    problem=problem,
                    received=0,
                    next_attempt_at=utcnow() + timedelta(seconds=delay),
                )
            )
        )
        return delay

    def _publish(self, status: SyncStatus) -> None:
        with self._lock:
            changed = status != self._status
            self._status = status
        if changed and self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:  # a broken listener must not stop sync
                log.exception("sync status listener failed")

    # --- the listening thread ---------------------------------------------------------

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with connect(self._config) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._listen_backoff.reset()
                    self.sync_now()  # the server is back: catch up at once
                    while not self._stop.is_set():
                        for _notification in conn.notifies(timeout=0.5):
                            self.wake()
            except (SyncError, psycopg.Error) as exc:
                delay = self._listen_backoff.next_delay()
                log.info("sync listener disconnected (retry in %.1f s): %s", delay, exc)
                self._stop.wait(delay)
