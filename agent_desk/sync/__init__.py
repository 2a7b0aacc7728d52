"""Central sync: the outbox, the change feed and the shared work queue, all Qt-free.

How a change travels (see each module for the why):

1. capture   - every ORM change to a synced row writes a sync_outbox row in its own
               transaction (install_capture(db) on the workstation's Database).
2. push      - outbox batches go up, one central transaction each; sync_applied_mutations
               makes a resend harmless; a stale version is a conflict, kept for review.
3. feed      - triggers on the central tables (migration 0005) write sync_change_log and
               NOTIFY agent_desk_sync; the feed is read in (txid, seq) order below the
               snapshot's xmin, so a row committed out of order is never skipped.
4. pull      - feed rows go down into SQLite, one transaction per batch with the cursor;
               a workstation new to the server, or behind the retention horizon, resyncs.
5. runner    - SyncRunner does 2 and 4 from a thread, on local commits, on NOTIFY and on a
               timer, with backoff and jitter while the server is away; SyncStatus is what
               the window shows. The window's cycles run in a child process
               (cycle_process), off its interpreter lock; cycle.sync_once is one round on
               the calling thread, for the CLI.
6. conflicts - the review list, and what a person decides about each entry.

central (connect, init, status, prune) and seed (a first central database from one
workstation) complete it; the command line's side is agent_desk.cli.sync and
agent_desk.cli.central, the benchmark agent_desk.bench.sync. The SQL lives in
agent_desk.db.sync_*; queue.py is the work queue (leases), call_check.py the check before
a call.
"""
