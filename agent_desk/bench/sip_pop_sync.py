"""`screenpop_p95_during_sync_ms`: the SIP screen-pop while the sync works its hardest.

A thread of the benchmark's own process, as the workstation's sync thread is one of the
window's, runs sync cycles against a scratch central database holding a hospital of
*patients* patients, each cycle in a child process as the workstation's are
(agent_desk.sync.cycle_process). Each round, a new workstation file pushes *changes*
follow-up records made on it, then pulls the whole hospital (what a new or reset
workstation does), in one sync cycle. Rounds repeat until the calls are done. The rounds'
changes are made before the calls ring, and the figure counts the calls that rang while a
cycle ran (`screenpop_during_sync_calls` says how many). The first round starts when the
first call rings: the phone line and sipp take a moment to come up (on one CI machine,
longer than all the prepared rounds of a small hospital), and rounds spent before the
calls overlap none.

The pull writes a workstation file of its own, not the desk's: the desk's file is the
benchmark cache, which another hospital's download would change. What the pops share with
this sync is what a workstation's pops share with its sync: the two cores and the disk,
and the interpreter lock only for the sync thread's own small part. (SQLite in WAL mode
never makes a reader wait for a writer, so the card's reads would not wait on the sync's
write lock in one file either; the call log's writes, queued after the card is shown,
would.)
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desk.bench import sync_server
from agent_desk.bench.sip_pop import run_invite_bench
from agent_desk.bench.stats import percentile, rounded
from agent_desk.bench.sync_transfer import (
    _bench_database,
    _discard,
    _make_records,
    _workstation,
    check_reachable,
)
from agent_desk.db.models import Patient
from agent_desk.foreground import lower_this_thread
from agent_desk.sync.central import CentralConfig, connect
from agent_desk.sync.cycle_process import CycleProcess

if TYPE_CHECKING:
    from agent_desk.bench.screen_pop_desk import ScreenPopDesk

log = logging.getLogger(__name__)

CHANGES = 10_000  # follow-up records pushed each round (issue 18's figure)
# Rounds whose changes are made before the calls: at a million patients a round (push,
# then the whole pull) takes 10 – 15 s, and the 200 calls at 5 a second last about 40 s.
PREPARED_ROUNDS = 5
_NAME = "screenpop_sync"  # the sync's workstation file in the benchmark folder


class _SyncLoad(threading.Thread):
    """Push *changes*, pull everything, again, until stopped; stops at a round's end.

    Each round's workstation file, with its changes, is made before the calls ring
    (prepare()): making 10,000 records through the ORM is the agents' work of a day, not
    the sync's, and in the desk's process it took a quarter of the calls' time. The calls
    counted are those that rang while a sync cycle ran (`syncing`)."""

    def __init__(
        self, config: CentralConfig, folder: Path, changes: int, first_ring: threading.Event
    ) -> None:
        super().__init__(name="bench-sync-load", daemon=True)
        self._config = config
        self._first_ring = first_ring
        self._folder = folder
        self._changes = changes
        self._ready: list[str] = []  # prepared workstation files, by name
        self._made = 0
        self.stopping = threading.Event()
        self.syncing: list[tuple[int, int]] = []  # perf_counter_ns of each cycle's start, end
        self.pulled = 0
        self.pushed = 0
        self.error: BaseException | None = None

    def prepare(self, rounds: int) -> None:
        for _round in range(rounds):
            self._ready.append(self._make_round())

    def run(self) -> None:
        lower_this_thread()  # as the workstation's sync thread does (its child inherits it)
        try:
            while not self._first_ring.wait(0.05):
                if self.stopping.is_set():  # the calls failed before any rang
                    return
            while not self.stopping.is_set():
                self._round()
        except BaseException as error:  # reported by the caller, on its own thread
            self.error = error

    def _make_round(self) -> str:
        """A workstation file holding a patient registered there and its *changes* records."""
        name = f"{_NAME}-{self._made}"
        self._made += 1
        ws = _workstation(self._folder, name)
        try:
            with ws.write() as session:
                patient = Patient(record_no=f"S{uuid.uuid4().hex[:9].upper()}", name="王秀英")
                session.add(patient)
            _make_records(ws, patient.id, self._changes)
        finally:
            ws.dispose()
        return name

    def _round(self) -> None:
        # More rounds than prepared: the next is made now, and calls meanwhile do not count.
        name = self._ready.pop(0) if self._ready else self._make_round()
        ws = _workstation(self._folder, name, fresh=False)
        assert ws.local is not None
        cycles = CycleProcess(ws.local, self._config)
        try:
            started = time.perf_counter_ns()
            try:
                report = cycles.run()
            finally:
                cycles.close()
                self.syncing.append((started, time.perf_counter_ns()))
            self.pushed += report.push.sent
            self.pulled += report.pull.applied
        finally:
            ws.dispose()
            _discard(self._folder, name)

    def discard_unused(self) -> None:
        for name in self._ready:
            _discard(self._folder, name)
        self._ready.clear()


def measure_pops_during_sync(
    desk: ScreenPopDesk,
    central: CentralConfig,
    folder: Path,
    patients: int,
    numbers: Sequence[str],
    changes: int = CHANGES,
) -> dict[str, float]:
    """One pop per number in *numbers*, rung while the sync pulls and pushes."""
    check_reachable(central)
    with _bench_database(central) as config:
        print(f"generating {patients:,} patients on the server …", file=sys.stderr, flush=True)
        with connect(config) as conn:
            sync_server.generate_patients(conn, patients)
        desk.rang.clear()
        load = _SyncLoad(config, folder, changes, desk.rang)
        print("making each sync round's changes …", file=sys.stderr, flush=True)
        load.prepare(PREPARED_ROUNDS)
        load.start()
        try:
            sip = run_invite_bench(len(numbers), desk, callers=[(n, "") for n in numbers])
        finally:
            load.stopping.set()
            load.join()
            load.discard_unused()
    if load.error is not None:
        raise RuntimeError("the sync under the screen-pop failed") from load.error
    during = [ms for pop, ms in sip.timed if _inside(pop.rang_ns, load.syncing)]
    if not during:
        raise RuntimeError("no call rang while the sync worked")
    log.info("pops during sync: %d rows pulled, %d pushed", load.pulled, load.pushed)
    return {
        "screenpop_p50_during_sync_ms": rounded(percentile(during, 50)),
        "screenpop_p95_during_sync_ms": rounded(percentile(during, 95)),
        "screenpop_during_sync_calls": float(len(during)),
        "screenpop_during_sync_rows_pulled": float(load.pulled),
        "screenpop_during_sync_rows_pushed": float(load.pushed),
    }


def _inside(at_ns: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= at_ns <= end for start, end in spans)
