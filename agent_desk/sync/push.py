"""Upload: the outbox, in order, in batches; each batch one central transaction.

Per batch, on the server:
1. Every mutation id goes into sync_applied_mutations (by COPY; when one is there
   already, by INSERT … ON CONFLICT DO NOTHING). Ids already there are resends (a crash
   came between the central commit and the local acknowledgement): they are not
   applied again; their recorded verdict is returned.
2. The new mutations are applied in outbox order, in runs of the same table and kind:
   inserts as one INSERT … SELECT FROM json_populate_recordset (the outbox's JSON goes
   up as it is stored, and the feed trigger fires once per run), updates and deletes
   as one executemany. Facts are inserted ON CONFLICT DO NOTHING and never conflict;
   versioned updates and deletes name the version they were made on, and a row that
   has moved on is a conflict, never overwritten. A row with a natural key (a
   department, a patient, a visit, a plan task: see agent_desk.db.sync_tables) that is
   on the server already was made by another workstation's import of the same data:
   the insert counts as applied and the server's row stands.
3. A change the server refuses (a conflict, or a constraint: a duplicate record number,
   a missing parent) fails only its row: later changes to that row in the batch are
   blocked, every other row goes on. The first refusal makes the batch start over in
   careful mode, one savepoint per change, so that the refused one is known.

Then, locally and in one transaction (on a helper thread, while the server judges the
next batch): acknowledged rows are marked sent; refused ones
are recorded in sync_conflicts with both payloads, later queued changes to their row
are blocked, and the row is put back to the server's state (unless the server never
had it). A natural-keyed row the server had already takes the server's state too.
Time on the client's clock decides nothing here.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent_desk.db import sync_central, sync_local
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.sync_central import PgConnection
from agent_desk.db.sync_codec import Wire, same_content, to_sqlite
from agent_desk.db.sync_local import Mutation, SyncIssue
from agent_desk.db.sync_tables import SyncedTable, synced_table
from agent_desk.domain.enums import MutationOutcome, OutboxStatus, SyncIssueKind, SyncOp
from agent_desk.foreground import yield_to_foreground
from agent_desk.sync.capture import APPLYING
from agent_desk.sync.errors import first_line, is_rejection

log = logging.getLogger(__name__)

Hook = Callable[[], None]


@dataclass
class PushReport:
    sent: int = 0  # applied now, or found applied (a resend)
    conflicts: int = 0
    rejected: int = 0
    blocked: int = 0
    batches: int = 0


@dataclass(frozen=True)
class Verdict:
    outcome: MutationOutcome
    error: str | None = None
    # Applied, but the server's row stands: the workstation takes it in place of its own.
    take_server_row: bool = False


@dataclass
class _Judgement:
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # by mutation id (hex)
    server_rows: dict[str, Wire | None] = field(default_factory=dict)  # by row id (hex)


_APPLIED = Verdict(MutationOutcome.APPLIED)
_MADE_ELSEWHERE = Verdict(MutationOutcome.APPLIED, take_server_row=True)


class _Refused(Exception):
    """A constraint refused a change in fast mode: the batch starts over carefully."""


def push(
    db: Database,
    conn: PgConnection,
    client_id: uuid.UUID,
    *,
    batch_size: int = 1000,
    before_commit: Hook | None = None,
    after_commit: Hook | None = None,
) -> PushReport:
    """Upload every pending change; the hooks are for fault-injection tests.

    Pipelined: while the server judges one batch, a helper thread acknowledges the batch
    before it and reads the next one from SQLite, so the workstation's own work hides
    behind the network and the server. A batch read ahead may hold later changes to a
    row that has just been refused: they are left out (and blocked by the refused batch's
    acknowledgement, which always runs first)."""
    report = PushReport()
    with db.read() as session:
        if not sync_local.pending_mutations(session, 1):
            return report
        held_back = sync_local.has_rows_held_back(session)
    if held_back:  # checked first: a write costs an fsync, on the path of every change
        with db.write() as session:
            report.blocked += sync_local.block_rows_held_back(session)
    refused_rows: set[str] = set()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push") as helper:
        batch = _read(db, batch_size, 0)
        acknowledged: Future[None] | None = None
        while batch:
            ahead = helper.submit(_read, db, batch_size, batch[-1].seq)
            sendable = [m for m in batch if m.row_id not in refused_rows]
            if sendable:
                yield_to_foreground()  # a call's pop goes first (agent_desk.foreground)
                judgement = _judge_batch(conn, client_id, sendable, before_commit)
                if after_commit is not None:
                    after_commit()
                refused_rows.update(_refused(sendable, judgement))
                if acknowledged is not None:
                    # The previous batch's acknowledgement ran while this one was judged;
                    # if it failed (a full disk), the push fails and both go again later.
                    acknowledged.result()
                acknowledged = helper.submit(_acknowledge, db, sendable, judgement, report)
                report.batches += 1
            batch = ahead.result()
        if acknowledged is not None:
            acknowledged.result()
    return report


def _read(db: Database, batch_size: int, after_seq: int) -> list[Mutation]:
    yield_to_foreground()
    with db.read() as session:
        return sync_local.pending_mutations(session, batch_size, after_seq)


def _refused(batch: Sequence[Mutation], judgement: _Judgement) -> set[str]:
    return {
        m.row_id
        for m in batch
        if judgement.verdicts[m.mutation_id].outcome is not MutationOutcome.APPLIED
    }


# --- on the server -------------------------------------------------------------------


def _judge_batch(
    conn: PgConnection, client_id: uuid.UUID, batch: Sequence[Mutation], before_commit: Hook | None
) -> _Judgement:
    try:
        return _judge_in_transaction(conn, client_id, batch, careful=False, hook=before_commit)
    except _Refused:
        return _judge_in_transaction(conn, client_id, batch, careful=True, hook=before_commit)


def _judge_in_transaction(
    conn: PgConnection,
    client_id: uuid.UUID,
    batch: Sequence[Mutation],
    *,
    careful: bool,
    hook: Hook | None,
) -> _Judgement:
    with conn.transaction():
        judgement = _judge(conn, client_id, batch, careful)
        if hook is not None:
            hook()
    return judgement


def _judge(
    conn: PgConnection, client_id: uuid.UUID, batch: Sequence[Mutation], careful: bool
) -> _Judgement:
    judgement = _Judgement()
    ids = [m.mutation_id for m in batch]
    resent: set[str] = set()
    if not sync_central.claim_new_mutations(conn, client_id, ids):
        resent = sync_central.claim_mutations(conn, client_id, ids)
    # The verdict on a resent insert of a natural-keyed row may have been "made elsewhere"
    # with the ack lost: the server's row is taken again (harmless if it was ours).
    keyed_inserts = {
        m.mutation_id
        for m in batch
        if m.mutation_id in resent
        and m.op is SyncOp.INSERT
        and synced_table(m.table_name).natural_keyed
    }
    for mutation_id, outcome in sync_central.recorded_outcomes(conn, list(resent)).items():
        if outcome is MutationOutcome.APPLIED:
            keyed = mutation_id in keyed_inserts
            judgement.verdicts[mutation_id] = _MADE_ELSEWHERE if keyed else _APPLIED
        else:
            judgement.verdicts[mutation_id] = Verdict(outcome, "refused before")
    failed_rows = {
        m.row_id
        for m in batch
        if m.mutation_id in judgement.verdicts
        and judgement.verdicts[m.mutation_id].outcome is not MutationOutcome.APPLIED
    }
    todo = [m for m in batch if m.mutation_id not in resent]
    for run in _runs(todo, careful):
        live = [m for m in run if m.row_id not in failed_rows]
        for m in run:
            if m.row_id in failed_rows:
                judgement.verdicts[m.mutation_id] = Verdict(
                    MutationOutcome.BLOCKED, "an earlier change to this row was refused"
                )
        if not live:
            continue
        verdicts = _apply_run(conn, live, careful)
        for m, verdict in zip(live, verdicts, strict=True):
            judgement.verdicts[m.mutation_id] = verdict
            if verdict.outcome is not MutationOutcome.APPLIED:
                failed_rows.add(m.row_id)
    sync_central.set_outcomes(
        conn,
        {
            m.mutation_id: judgement.verdicts[m.mutation_id].outcome
            for m in todo
            if judgement.verdicts[m.mutation_id].outcome is not MutationOutcome.APPLIED
        },
    )
    _fetch_server_rows(conn, batch, judgement)
    return judgement


def _runs(mutations: Sequence[Mutation], careful: bool) -> Iterator[list[Mutation]]:
    """Consecutive changes of one table and kind, each row at most once per run (a row's
    second change must wait for the verdict on its first)."""
    run: list[Mutation] = []
    rows: set[str] = set()
    for m in mutations:
        same_kind = run and run[0].table_name == m.table_name and run[0].op is m.op
        if run and (careful or not same_kind or m.row_id in rows):
            yield run
            run, rows = [], set()
        run.append(m)
        rows.add(m.row_id)
    if run:
        yield run


def _apply_run(conn: PgConnection, run: list[Mutation], careful: bool) -> list[Verdict]:
    if not careful:
        try:
            return _apply(conn, synced_table(run[0].table_name), run)
        except psycopg.Error as exc:
            if is_rejection(exc):
                raise _Refused() from exc
            raise
    assert len(run) == 1
    try:
        with conn.transaction():  # a savepoint: a refused change leaves the rest intact
            return _apply(conn, synced_table(run[0].table_name), run)
    except psycopg.Error as exc:
        if not is_rejection(exc):
            raise
        return [Verdict(MutationOutcome.REJECTED, first_line(exc))]


def _apply(conn: PgConnection, table: SyncedTable, run: list[Mutation]) -> list[Verdict]:
    op = run[0].op
    if op is SyncOp.INSERT:
        texts = [_payload_text(m) for m in run]
        keyed = table.natural_keyed
        inserted = sync_central.insert_rows(conn, table, texts, returning=table.versioned or keyed)
        return [_insert_verdict(table, inserted is None or m.row_id in inserted) for m in run]
    if op is SyncOp.UPDATE:
        applied = sync_central.update_rows(
            conn, table, [(_payload(m), m.base_version) for m in run]
        )
        failure = (
            Verdict(MutationOutcome.CONFLICT, "changed on the server since (version moved on)")
            if table.versioned
            else Verdict(MutationOutcome.REJECTED, "the row is not on the server")
        )
        missed = [m for m, done in zip(run, applied, strict=True) if not done]
        same = _already_so(conn, table, missed) if table.imported and missed else set()
        return [
            _APPLIED if done else _MADE_ELSEWHERE if m.row_id in same else failure
            for m, done in zip(run, applied, strict=True)
        ]
    deleted = sync_central.delete_rows(conn, table, [(m.row_id, m.base_version) for m in run])
    return [
        Verdict(MutationOutcome.APPLIED)
        if done
        else Verdict(MutationOutcome.CONFLICT, "changed on the server since (version moved on)")
        for done in deleted
    ]


def _already_so(conn: PgConnection, table: SyncedTable, missed: list[Mutation]) -> set[str]:
    """Of updates whose version moved on, the rows the server already holds as the update
    would make them: another workstation made the same change (both imported the same
    HIS list). Nothing is lost by taking the server's row, so nothing goes for review."""
    found = sync_central.current_rows(conn, table, [m.row_id for m in missed])
    return {
        m.row_id
        for m in missed
        if m.row_id in found and same_content(table, _payload(m), found[m.row_id])
    }


def _insert_verdict(table: SyncedTable, inserted: bool) -> Verdict:
    if inserted:
        return _APPLIED
    if table.natural_keyed:
        # Another workstation imported the same department, patient or visit first. Its
        # row stands whether or not ours differs: an insert must not overwrite what has
        # been done to the row since (consent set, a task called); ours is replaced.
        return _MADE_ELSEWHERE
    if not table.versioned:
        return _APPLIED  # a fact already there is the same fact (its id was made for it alone)
    return Verdict(MutationOutcome.CONFLICT, "a row with this id is already on the server")


def _payload(mutation: Mutation) -> Wire:
    assert mutation.payload is not None, "inserts and updates carry their row"
    return mutation.payload


def _payload_text(mutation: Mutation) -> str:
    assert mutation.payload_text is not None, "inserts carry their row"
    return mutation.payload_text


def _fetch_server_rows(
    conn: PgConnection, batch: Sequence[Mutation], judgement: _Judgement
) -> None:
    """The server's current row for every refused change, and every row another workstation
    made first: what the workstation goes back to."""
    wanted: dict[str, list[str]] = {}
    for m in batch:
        verdict = judgement.verdicts[m.mutation_id]
        if verdict.outcome is not MutationOutcome.APPLIED or verdict.take_server_row:
            wanted.setdefault(m.table_name, []).append(m.row_id)
    for table_name, row_ids in wanted.items():
        found = sync_central.current_rows(conn, synced_table(table_name), row_ids)
        for row_id in row_ids:
            judgement.server_rows[row_id] = found.get(row_id)


# --- back on the workstation ---------------------------------------------------------


def _acknowledge(
    db: Database, batch: Sequence[Mutation], judgement: _Judgement, report: PushReport
) -> None:
    at = utcnow()
    sent = [
        m.seq for m in batch if judgement.verdicts[m.mutation_id].outcome is MutationOutcome.APPLIED
    ]
    with db.write() as session:
        session.info[APPLYING] = True
        if len(sent) == len(batch):
            sync_local.mark_sent_through(session, batch[-1].seq, at)
        else:
            sync_local.mark_sent(session, sent, at)
        restored: set[str] = set()
        for m in batch:
            verdict = judgement.verdicts[m.mutation_id]
            if verdict.take_server_row:
                _take_server_row(session, m, judgement.server_rows.get(m.row_id))
            if verdict.outcome is MutationOutcome.APPLIED:
                continue
            _record_failure(session, m, verdict, judgement, at, report, batch[-1].seq)
            if m.row_id not in restored:
                restored.add(m.row_id)
                _restore(session, m, judgement.server_rows.get(m.row_id))
        sync_local.note_push(session, at)
    report.sent += len(sent)


def _record_failure(
    session: Session,
    m: Mutation,
    verdict: Verdict,
    judgement: _Judgement,
    at: datetime,
    report: PushReport,
    batch_end: int,
) -> None:
    error = verdict.error or verdict.outcome.value
    if verdict.outcome is MutationOutcome.BLOCKED:
        sync_local.mark_failed(session, m.seq, OutboxStatus.BLOCKED, error, at)
        report.blocked += 1
        return
    server_row = judgement.server_rows.get(m.row_id)
    local_only = m.op is SyncOp.INSERT and server_row is None
    sync_local.mark_failed(session, m.seq, OutboxStatus.REJECTED, error, at)
    sync_local.add_issue(
        session,
        SyncIssue(
            kind=SyncIssueKind.CONFLICT
            if verdict.outcome is MutationOutcome.CONFLICT
            else SyncIssueKind.REJECTED,
            table_name=m.table_name,
            row_id=m.row_uuid,
            error=error,
            mutation_id=m.mutation_uuid,
            op=m.op,
            base_version=m.base_version,
            server_version=None if server_row is None else server_row.get("version"),
            local_payload=m.payload,
            server_payload=server_row,
            local_only=local_only,
        ),
        at,
    )
    # Later changes to the row inside this batch were judged BLOCKED by the server;
    # those queued after the batch are blocked here.
    report.blocked += sync_local.block_later(
        session, m.row_uuid, batch_end, f"an earlier change to this row was refused: {error}"
    )
    if verdict.outcome is MutationOutcome.CONFLICT:
        report.conflicts += 1
    else:
        report.rejected += 1


def _take_server_row(session: Session, m: Mutation, server_row: Wire | None) -> None:
    """Our copy of a row another workstation made first gives way to the server's. As a
    pulled row would: a later change of ours still waiting to go up keeps the local state,
    and its upload decides."""
    if server_row is None:  # deleted on the server since: the feed's tombstone follows
        return
    table = synced_table(m.table_name)
    if m.payload is not None and not same_content(table, m.payload, server_row):
        # Not for review (a later import brings newer HIS values), but IT may ask why.
        log.info(
            "%s %s: the server's row (another workstation's import, first) stands over ours",
            table.name,
            m.row_id,
        )
    sync_local.apply_upserts(session, table, [to_sqlite(table, server_row)])


def _restore(session: Session, m: Mutation, server_row: Wire | None) -> None:
    """Put a refused row back to the server's state, so that every workstation converges;
    the local version stays in sync_conflicts. A row the server never had stays (its
    insert was refused: deleting it here would lose what was typed)."""
    table = synced_table(m.table_name)
    if server_row is not None:
        sync_local.upsert_rows(session, table, [to_sqlite(table, server_row)])
        return
    if m.op is SyncOp.INSERT:
        return
    try:
        with session.begin_nested():
            sync_local.delete_rows(session, table, [m.row_id])
    except IntegrityError:
        # Local children still point at it; the feed's tombstones for them come first.
        log.warning("kept %s %s: local rows still refer to it", m.table_name, m.row_id)
