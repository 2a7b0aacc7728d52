"""A synthetic demo hospital: `agent-desk demo --patients N`.

It bulk-loads (agent_desk/db/bulk_load.py) instead of writing through the services as an
import does: their unit of work per patient would take hours for the million patients
the benchmarks need, and the bulk load takes a few minutes.

Everything is random, and seeded: a seed and a day give the same people (though
not the same ids, which are UUIDv7 and carry the clock). No real patient is
described anywhere.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import date

from agent_desk.db.bulk_load import BulkLoad, Rows
from agent_desk.db.engine import Database
from agent_desk.demo import DEFAULT_SEED
from agent_desk.demo.batches import BATCH_TABLES, BatchBuilder
from agent_desk.demo.hospital import ensure_hospital, first_free_record_no
from agent_desk.demo.tickets import add_demo_tickets


@dataclass(frozen=True)
class DemoSummary:
    """Rows this call added (departments, wards and staff only when they were missing)."""

    departments: int
    wards: int
    staff: int
    patients: int
    contacts: int
    encounters: int
    diagnoses: int
    tasks: int
    attempts: int
    records: int
    feedback: int  # praise, complaints and suggestions heard on the calls
    calls: int
    tickets: int  # the newest feedback as tickets (工单) in every state
    seconds: float


def generate(
    db: Database,
    patients: int,
    *,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    batch_size: int = 10_000,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Add *patients* synthetic patients (with their whole history) to *db*.

    Departments, wards and demo staff are created when missing. Record numbers
    continue after the highest demo record number already present, so running
    this again adds patients. Each batch is committed on its own: an interrupted
    run leaves whole patients behind, never half of one. The load skips fsync
    until its final checkpoint (see db/bulk_load.py), so it is for demo databases.
    """
    if patients < 0:
        raise ValueError(f"patients must be zero or more, not {patients}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    started = time.perf_counter()
    today = today or date.today()
    totals = {f.name: 0 for f in fields(DemoSummary) if f.name != "seconds"}
    with BulkLoad(db) as load:
        hospital, added = ensure_hospital(load, random.Random(f"{seed}:hospital"))
        totals["departments"] = len(added["departments"])
        totals["wards"] = len(added["wards"])
        totals["staff"] = len(added["staff_users"])
        first_no = first_free_record_no(load, patients)
        # Seeded by the first record number too, so that a second run adds new people.
        builder = BatchBuilder(hospital, today, random.Random(f"{seed}:{first_no}"), seed)
        _load(load, builder, range(first_no, first_no + patients), batch_size, progress, totals)
        load.analyze()
    totals["tickets"] = add_demo_tickets(db, today, seed)
    return DemoSummary(**totals, seconds=time.perf_counter() - started)


def _load(
    load: BulkLoad,
    builder: BatchBuilder,
    record_nos: range,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
    totals: dict[str, int],
) -> None:
    batches = [record_nos[n : n + batch_size] for n in range(0, len(record_nos), batch_size)]
    if not batches:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-rows") as worker:
        upcoming: Future[Rows] = worker.submit(builder.batch, batches[0])
        for n, batch in enumerate(batches):
            rows = upcoming.result()
            load.insert(rows)
            # COMMIT writes the dirty pages with the GIL released and takes longer than
            # building a batch, so the next batch is built on the other core meanwhile.
            # Not earlier: during the inserts both threads would fight over the GIL per row.
            if n + 1 < len(batches):
                upcoming = worker.submit(builder.batch, batches[n + 1])
            load.commit()
            for table, name in BATCH_TABLES.items():
                totals[name] += len(rows[table])
            if progress is not None:
                progress(batch.stop - record_nos.start, len(record_nos))
