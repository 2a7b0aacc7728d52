"""`screenpop_p95_during_sync_ms`: the SIP screen-pop while the sync works its hardest.

A thread of the benchmark's own process, as the workstation's sync thread is one of the
window's, runs sync cycles against a scratch central database holding a hospital of
*patients* patients. Each round, a new workstation file pushes *changes* follow-up records
made on it, then pulls the whole hospital (what a new or reset workstation does), in one
sync cycle. Rounds repeat until the calls are done, so that every call rings while a push or
a pull runs.

The pull writes a workstation file of its own, not the desk's: the desk's file is the
benchmark cache, which another hospital's download would change. What the pops share with
this sync is what a workstation's pops share with its sync thread: the interpreter and its
lock, the two cores, the disk. (SQLite in WAL mode never makes a reader wait for a writer,
so the card's reads would not wait on the sync's write lock in one file either; the call
log's writes, queued after the card is shown, would.)
"""

from __future__ import annotations

import logging
import sys
import threading
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
from agent_desk.sync.cycle import sync_once

if TYPE_CHECKING:
    from agent_desk.bench.screen_pop_desk import ScreenPopDesk

log = logging.getLogger(__name__)

CHANGES = 10_000  # follow-up records pushed each round (issue 18's figure)
_NAME = "screenpop_sync"  # the sync's workstation file in the benchmark folder


class _SyncLoad(threading.Thread):
    """Push *changes*, pull everything, again, until stopped; stops at a round's end."""

    def __init__(self, config: CentralConfig, folder: Path, changes: int) -> None:
        super().__init__(name="bench-sync-load", daemon=True)
        self._config = config
        self._folder = folder
        self._changes = changes
        self.stopping = threading.Event()
        self.started_pull = threading.Event()
        self.pulled = 0
        self.pushed = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        lower_this_thread()  # as the workstation's sync thread does
        try:
            while not self.stopping.is_set():
                self._round()
        except BaseException as error:  # reported by the caller, on its own thread
            self.error = error
        finally:
            self.started_pull.set()

    def _round(self) -> None:
        ws = _workstation(self._folder, _NAME)
        try:
            # The changes are made first (a patient registered here, its records), so that
            # the calls ring while the sync itself works: one cycle pushes them, then pulls.
            with ws.write() as session:
                patient = Patient(record_no=f"S{uuid.uuid4().hex[:9].upper()}", name="王秀英")
                session.add(patient)
            _make_records(ws, patient.id, self._changes)
            self.started_pull.set()
            report = sync_once(ws, self._config)
            self.pushed += report.push.sent
            self.pulled += report.pull.applied
        finally:
            ws.dispose()
            _discard(self._folder, _NAME)


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
        load = _SyncLoad(config, folder, changes)
        load.start()
        load.started_pull.wait(60)
        try:
            sip = run_invite_bench(len(numbers), desk, callers=[(n, "") for n in numbers])
        finally:
            load.stopping.set()
            load.join()
    if load.error is not None:
        raise RuntimeError("the sync under the screen-pop failed") from load.error
    log.info("pops during sync: %d rows pulled, %d pushed", load.pulled, load.pushed)
    return {
        "screenpop_p50_during_sync_ms": rounded(percentile(sip.from_send_ms, 50)),
        "screenpop_p95_during_sync_ms": rounded(percentile(sip.from_send_ms, 95)),
        "screenpop_during_sync_rows_pulled": float(load.pulled),
        "screenpop_during_sync_rows_pushed": float(load.pushed),
    }
