"""The workstation's side of the shared work queue: claim, heartbeat, call, finish.

A WorkQueue talks to the central PostgreSQL through agent_desk.db.leases and keeps a
small journal file beside the local database. The rules:

- **Claims need the server.** claim_next() and claim() raise Offline when the central
  server cannot be reached: a lease is only ever granted by the server.
- **A lapsed lease must not start a call.** Before dialling, check_start() asks the
  server whether the lease is still live. When the server cannot be reached it falls back
  on a countdown: the server said how long the lease had left (a duration, never a
  time), and the workstation counts that down on its monotonic clock from *before* the
  request was sent, less a margin, so the countdown always ends before the server's
  lease does. Past that point, or after a restart (the countdown is lost), the lease
  cannot be verified and the call is refused. No client time is ever sent or compared
  with a server time.
- **Offline, what is held can still be finished.** finish() first writes the completion
  (with its fence) to the journal, then sends it. If the server cannot be reached it
  stays queued, and send_pending() (called by heartbeat()) sends it later. A queued
  completion is accepted if its fence is still the task's lease, even a lapsed one
  (nobody claimed the task meanwhile, FenceRule.UNCHALLENGED); if the task was taken
  over or closed it is refused and kept in the journal's refused list for review.
  Nothing is lost: a crash after the server's commit but before the journal forgets
  the completion makes a resend, which the server recognises (ALREADY_APPLIED).

The journal (agent_desk.sync.queue_journal) is the whole offline state of the queue:
the leases held, the completions waiting to be sent, and those the server refused.

Thread-safety: the methods may be called from background threads at once (the sync
thread tends the leases while a claim runs on the window's background helper) and the
readers (held(), pending(), refused()) from the GUI thread; state is guarded by a lock and
checked again after each network call, and no lock is held while waiting on the network
except the one that keeps two sends of the same completion apart.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import NoReturn, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from agent_desk.db import leases
from agent_desk.db.base import new_id, utcnow
from agent_desk.db.engine import Database
from agent_desk.db.followup import AttemptMade, AttemptResult, TaskNotOpen
from agent_desk.db.leases import CompletionOutcome, FenceRule, Lease, LeaseLost
from agent_desk.domain.enums import AttemptOutcome, Channel
from agent_desk.plans.retry import RetryPolicy
from agent_desk.sync.central import CentralConfig, central_database
from agent_desk.sync.errors import first_line, sqlstate
from agent_desk.sync.queue_errors import CompletionRefused, NotHeld, Offline, is_unreachable
from agent_desk.sync.queue_journal import QueueJournal
from agent_desk.sync.queue_records import (
    FinishResult,
    HeartbeatReport,
    HeldLease,
    PendingCompletion,
    RefusedCompletion,
    RenewReport,
    SendReport,
)
from agent_desk.sync.queue_states import CALL_ALLOWED, FinishState, RefusalReason, StartVerdict

# Long enough for a call and its form with a few heartbeats missed; short enough that a
# crashed workstation's task goes back to the pool within minutes.
DEFAULT_TTL = timedelta(minutes=3)
HEARTBEAT_EVERY = timedelta(seconds=45)
# Taken off the offline countdown: covers the monotonic clock's drift and rounding.
COUNTDOWN_MARGIN = timedelta(seconds=5)
# Completions are recorded on the server under the workstation's client id; a queue that
# is not given one (a test, the benchmark) derives a stable one from its holder name.
_HOLDER_IDS = uuid.UUID("0193b2c4-5a1e-7c3d-9f00-6a67656e7464")
# The server refused the completion's data itself (22 data exception, 23 integrity
# violation): sending it again would be refused again. Except a missing foreign key:
# the call or staff row it names may simply not have been pushed by the outbox yet.
_REJECTING_CLASSES = ("22", "23")
_NOT_YET = "23503"
_T = TypeVar("_T")


class WorkQueue:
    """One workstation's leases on the central work queue, and its queued completions."""

    def __init__(
        self,
        central: Database,
        journal_path: Path,
        *,
        holder: str,
        staff_id: uuid.UUID | None,
        department_id: uuid.UUID | None = None,
        client_id: uuid.UUID | None = None,
        ttl: timedelta = DEFAULT_TTL,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._central = central
        self.holder = holder
        self.client_id = client_id or uuid.uuid5(_HOLDER_IDS, holder)
        self.staff_id = staff_id
        self.department_id = department_id
        self.ttl = ttl
        self.policy = policy or RetryPolicy()
        self._clock = clock
        self._monotonic = monotonic
        self._journal = QueueJournal(journal_path)
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._held, self._pending, self._refused = self._journal.load()

    @classmethod
    def for_central(
        cls,
        config: CentralConfig,
        journal_path: Path,
        *,
        holder: str,
        staff_id: uuid.UUID | None,
        department_id: uuid.UUID | None = None,
        client_id: uuid.UUID | None = None,
    ) -> WorkQueue:
        """The workstation's queue on the configured central server (password, TLS files
        and connect timeout as sync uses them; no connection is made until needed)."""
        return cls(
            central_database(config, pool_size=2, max_overflow=2, pool_pre_ping=False),
            journal_path,
            holder=holder,
            staff_id=staff_id,
            department_id=department_id,
            client_id=client_id,
        )

    def close(self) -> None:
        self._central.dispose()

    # -- what the window shows ---------------------------------------------------------

    def held(self) -> list[HeldLease]:
        with self._lock:
            return list(self._held.values())

    def pending(self) -> list[PendingCompletion]:
        with self._lock:
            return list(self._pending)

    def refused(self) -> list[RefusedCompletion]:
        with self._lock:
            return list(self._refused)

    def holds(self, task_id: uuid.UUID) -> bool:
        """Whether this workstation holds a lease on the task (its state is the server's to
        decide: an attempt on it is finished through the queue)."""
        with self._lock:
            return task_id in self._held

    # -- claims: online only -----------------------------------------------------------

    def claim_next(self) -> HeldLease | None:
        """Lease the next task due for this workstation's department; None when none is."""
        sent = self._monotonic()
        lease = self._run(
            lambda session: leases.claim_next(
                session, self.holder, self.staff_id, self.ttl, self.department_id
            ),
            one_statement=True,
        )
        return None if lease is None else self._hold(lease, sent)

    def claim(self, task_id: uuid.UUID) -> HeldLease:
        """Lease a task the agent picked or a call popped (raises TaskUnavailable, Offline)."""
        sent = self._monotonic()
        lease = self._run(
            lambda session: leases.claim_task(
                session, task_id, self.holder, self.staff_id, self.ttl
            )
        )
        return self._hold(lease, sent)

    def resume(self) -> list[HeldLease]:
        """After a restart: take the server's word for which leases are still ours."""
        sent = self._monotonic()
        live = self._run(lambda session: leases.held_by(session, self.holder))
        with self._lock:
            self._held = {lease.task_id: self._held_lease(lease, sent) for lease in live}
            self._save()
            return list(self._held.values())

    # -- while holding ------------------------------------------------------------------

    def renew(self) -> RenewReport:
        """Extend every held lease; those the server no longer grants are dropped (Offline).

        The leases of finished tasks whose completion is still queued are extended too:
        until the server has the completion, nobody else should be handed the patient.
        """
        with self._lock:
            asked = list(self._held.values())
            waiting = [(item.task_id, item.fence) for item in self._pending]
        if not asked and not waiting:
            return RenewReport()
        sent = self._monotonic()
        wanted = [(held.task_id, held.fence) for held in asked] + waiting
        granted = self._run(
            lambda session: leases.renew_all(session, self.holder, wanted, self.ttl)
        )
        by_task = {lease.task_id: lease for lease in granted}
        renewed, lost = [], []
        with self._lock:
            for held in asked:
                if self._held.get(held.task_id) != held:
                    continue  # finished or released while we were asking
                lease = by_task.get(held.task_id)
                if lease is None:
                    del self._held[held.task_id]
                    lost.append(held)
                else:
                    self._held[held.task_id] = self._held_lease(lease, sent)
                    renewed.append(self._held[held.task_id])
            if lost:
                self._save()
        return RenewReport(tuple(renewed), tuple(lost))

    def check_start(self, lease: HeldLease) -> StartVerdict:
        """Whether a call on this lease may start now; see the module's notes on offline."""
        with self._lock:
            held = self._held.get(lease.task_id)
        if held is None or held.fence != lease.fence:
            return StartVerdict.NOT_HELD
        sent = self._monotonic()
        try:
            live = self._run(lambda session: leases.ensure_live(session, held.task_id, held.fence))
        except LeaseLost:
            self._forget(held)
            return StartVerdict.LAPSED
        except Offline:
            if held.deadline is not None and self._monotonic() < held.deadline:
                return StartVerdict.LIVE_BY_COUNTDOWN
            return StartVerdict.UNVERIFIABLE
        with self._lock:
            if self._held.get(held.task_id) == held:
                self._held[held.task_id] = self._held_lease(live, sent)
        return StartVerdict.LIVE

    def can_start_call(self, lease: HeldLease) -> bool:
        return self.check_start(lease) in CALL_ALLOWED

    def release(self, task_id: uuid.UUID) -> None:
        """Give the task back. Offline, it is only forgotten here: the server's lease then
        lapses by itself after the ttl, and the task returns to the pool."""
        held = self._require(task_id)
        # Offline, the lease lapses on the server: giving it back needs no more than that.
        with contextlib.suppress(Offline):
            self._run(lambda session: leases.release(session, task_id, self.holder, held.fence))
        self._forget(held)

    # -- finishing: online or queued ----------------------------------------------------

    def finish(
        self,
        task_id: uuid.UUID,
        outcome: AttemptOutcome,
        *,
        channel: Channel = Channel.PHONE,
        at: datetime | None = None,
        note: str | None = None,
        number: str | None = None,
        call_id: uuid.UUID | None = None,
        attempt_id: uuid.UUID | None = None,
        send_now: bool = True,
    ) -> FinishResult:
        """End this agent's turn on a held task with the attempt's outcome.

        Online, the server checks the fence and the lease's life (FenceRule.LIVE) and
        applies it now (COMPLETED); a refusal raises CompletionRefused. Unreachable, it is
        QUEUED in the journal and sent later by send_pending(); so is a completion the
        server could not take yet (a deadlock, or a call row not pushed yet), with the
        reason in queued_because. With send_now=False it is only queued (hand_over).
        """
        held = self._require(task_id)
        completion = PendingCompletion(
            completion_id=new_id(),
            task_id=task_id,
            fence=held.fence,
            staff_id=self.staff_id,
            outcome=outcome,
            channel=channel,
            at=at or self._clock(),
            note=note,
            number=number,
            call_id=call_id,
            attempt_id=attempt_id,
        )
        with self._lock:
            # Written down before the server is asked: a crash from here on loses nothing.
            self._pending.append(completion)
            self._held.pop(task_id, None)
            self._save()
        if not send_now:
            return FinishResult(FinishState.QUEUED, completion, None, None)
        try:
            _, attempt = self._send(completion, FenceRule.LIVE)
        except Offline as exc:
            return FinishResult(FinishState.QUEUED, completion, None, exc.detail)
        except DBAPIError as exc:
            # Neither applied nor refused: it stays queued, and the reason is shown.
            return FinishResult(FinishState.QUEUED, completion, None, first_line(exc.orig or exc))
        return FinishResult(FinishState.COMPLETED, completion, attempt)

    def hand_over(self, made: AttemptMade) -> PendingCompletion:
        """Queue the completion of an attempt the workstation has just stored (raises
        NotHeld). Only queued: the sync thread sends it, so no click waits on the network."""
        return self.finish(
            made.task_id,
            made.outcome,
            channel=made.channel,
            at=made.at,
            note=made.note,
            number=made.number,
            call_id=made.call_id,
            attempt_id=made.attempt_id,
            send_now=False,
        ).completion

    def send_pending(self) -> SendReport:
        """Send queued completions, oldest first; stops with Offline when the server goes.

        One that the server cannot take yet stays queued without holding up the others.
        """
        applied = already = 0
        refused: list[RefusedCompletion] = []
        deferred: list[str] = []
        for completion in self.pending():
            try:
                outcome, _ = self._send(completion, FenceRule.UNCHALLENGED)
            except CompletionRefused as exc:
                refused.append(exc.refused)
                continue
            except DBAPIError as exc:
                deferred.append(f"task {completion.task_id}: {first_line(exc.orig or exc)}")
                continue
            if outcome is CompletionOutcome.APPLIED:
                applied += 1
            else:
                already += 1
        return SendReport(applied, already, tuple(refused), tuple(deferred))

    def heartbeat(self) -> HeartbeatReport:
        """One tick of the timer (every HEARTBEAT_EVERY): queued completions first, so
        their leases are settled before they can lapse further, then renewals."""
        sent = self.send_pending()
        return HeartbeatReport(sent, self.renew())

    # -- inside -----------------------------------------------------------------------

    def _send(
        self, completion: PendingCompletion, rule: FenceRule
    ) -> tuple[CompletionOutcome, AttemptResult | None]:
        with self._send_lock:
            with self._lock:
                if completion not in self._pending:  # another thread sent it first
                    for refused in self._refused:
                        if refused.completion == completion:
                            raise CompletionRefused(refused)
                    return CompletionOutcome.ALREADY_APPLIED, None
            try:
                done = self._run(
                    lambda session: leases.complete_with_fence(
                        session,
                        completion.task_id,
                        completion.fence,
                        completion_id=completion.completion_id,
                        client_id=self.client_id,
                        attempt_id=completion.attempt_id,
                        outcome=completion.outcome,
                        at=completion.at,
                        policy=self.policy,
                        channel=completion.channel,
                        staff_id=completion.staff_id,
                        note=completion.note,
                        number=completion.number,
                        call_id=completion.call_id,
                        rule=rule,
                    )
                )
            except LeaseLost as exc:
                self._refuse(completion, RefusalReason(exc.problem.value), str(exc))
            except TaskNotOpen as exc:
                self._refuse(completion, RefusalReason.TASK_NOT_OPEN, str(exc))
            except DBAPIError as exc:
                state = sqlstate(exc.orig)
                if state[:2] not in _REJECTING_CLASSES or state == _NOT_YET:
                    raise  # e.g. a deadlock: it stays queued and goes again on the next beat
                self._refuse(completion, RefusalReason.REJECTED, first_line(exc.orig or exc))
            with self._lock:
                self._pending.remove(completion)
                self._save()
            return done.outcome, done.attempt

    def _refuse(
        self, completion: PendingCompletion, reason: RefusalReason, message: str
    ) -> NoReturn:
        refused = RefusedCompletion(completion, reason, message)
        with self._lock:
            self._pending.remove(completion)
            self._refused.append(refused)
            self._save()
        raise CompletionRefused(refused)

    def _run(self, work: Callable[[Session], _T], *, one_statement: bool = False) -> _T:
        """*work* as one unit of work on the central server; a lost server becomes Offline.

        The pool lends connections without pinging them first (Database.run: a connection
        the server dropped in the pool costs one more try). Each piece of work here may run
        twice: renewals, releases and checks are idempotent, a completion is recognised by
        its id, and a claim whose answer was lost on the way back leaves a lease that lapses
        by itself after the ttl.
        *one_statement*: the work is a single statement, sent without BEGIN and COMMIT.
        """
        try:
            return self._central.run(work, one_statement=one_statement)
        except DBAPIError as exc:
            if is_unreachable(exc):
                raise Offline(first_line(exc.orig or exc)) from exc
            raise

    def _held_lease(self, lease: Lease, sent: float) -> HeldLease:
        # Counted from before the request left: the server's now() came later, so this
        # deadline falls before the server's expiry whatever the network delay was.
        left = (lease.remaining - COUNTDOWN_MARGIN).total_seconds()
        return HeldLease(
            lease.task_id, lease.fence, lease.holder, lease.staff_id, lease.expires_at, sent + left
        )

    def _hold(self, lease: Lease, sent: float) -> HeldLease:
        held = self._held_lease(lease, sent)
        with self._lock:
            self._held[lease.task_id] = held
            self._save()
        return held

    def _require(self, task_id: uuid.UUID) -> HeldLease:
        with self._lock:
            held = self._held.get(task_id)
        if held is None:
            raise NotHeld(task_id)
        return held

    def _forget(self, held: HeldLease) -> None:
        with self._lock:
            if self._held.get(held.task_id) == held:
                del self._held[held.task_id]
                self._save()

    def _save(self) -> None:
        self._journal.save(self._held, self._pending, self._refused)
