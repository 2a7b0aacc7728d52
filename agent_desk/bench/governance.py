"""Supervision and governance goals: verifying the audit log's hash chain, the recordings
library (agent_desk.bench.recordings), and what the database's encryption costs
(bench/cipher_cost.py)."""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agent_desk.bench.cipher_cost import run_cipher_cost
from agent_desk.bench.options import BenchOptions
from agent_desk.bench.recordings import (
    compression_ratio,
    first_page_ms,
    playback_start_ms,
    prepare_library,
)
from agent_desk.bench.stats import rounded
from agent_desk.db import audit_chain, audit_verify
from agent_desk.db.engine import Database
from agent_desk.db.open import open_local
from agent_desk.domain.enums import AuditAction
from agent_desk.paths import DataDir

# The bench chain's own workstation: fixed, so that the cached database is found again.
BENCH_WORKSTATION = uuid.UUID("00000000-0000-7000-8000-00000000a0d1")

# What a day at a service centre mostly logs: cards opened, searches, the odd export.
_MIX: tuple[tuple[AuditAction, str | None, dict[str, Any]], ...] = (
    (AuditAction.VIEW_PATIENT, "patient", {}),
    (AuditAction.VIEW_PATIENT, "patient", {"call": "inbound"}),
    (AuditAction.SEARCH, None, {"query_kind": "phone", "found": 1}),
    (AuditAction.UNMASK, "patient", {"field": "phone", "reason": "回拨患者"}),
    (AuditAction.EXPORT, "records", {"unmasked": False}),
)


def _events(
    count: int,
) -> Iterator[tuple[str, AuditAction, str | None, str | None, dict[str, Any]]]:
    for number in range(count):
        action, entity_type, detail = _MIX[number % len(_MIX)]
        entity_id = None if entity_type is None else f"{number:012d}"
        yield f"nurse{number % 40}", action, entity_type, entity_id, detail


def prepare(folder: Path, events: int) -> Database:
    """A database holding one chain of *events* audit events, made once and kept."""
    data = folder / f"governance-audit-{events}"
    data.mkdir(parents=True, exist_ok=True)
    db = open_local(data / "agent_desk.sqlite3")
    with db.read() as session:
        head = audit_verify.chain_head(session, BENCH_WORKSTATION)
    have = 0 if head is None else head[0]
    if have < events:
        print(f"generating {events:,} chained audit events in {data} …", file=sys.stderr)
        with db.write() as session:
            audit_chain.append_many(session, BENCH_WORKSTATION, _events(events - have))
    return db


def run_governance(options: BenchOptions) -> dict[str, float]:
    figures = _audit_verify(options)
    library = prepare_library(options.folder, options.recordings)
    try:
        figures.update(first_page_ms(library, DataDir(options.folder)))
    finally:
        library.dispose()
    figures["recordings"] = float(options.recordings)
    figures.update(playback_start_ms(options.folder))
    figures["recording_compression_ratio"] = compression_ratio(options.folder)
    return figures


def _audit_verify(options: BenchOptions) -> dict[str, float]:
    db = prepare(options.folder, options.audit_events)
    try:
        with db.read() as session:
            start = time.perf_counter()
            report = audit_verify.verify_chain(session, BENCH_WORKSTATION, with_head=True)
            elapsed = time.perf_counter() - start
    finally:
        db.dispose()
    if report.broken is not None:
        raise RuntimeError(f"the bench chain does not verify: {report.broken.line()}")
    return {
        "audit_verify_1m_s": rounded(elapsed),
        "audit_events": float(report.events),
        **run_cipher_cost(options.folder, options.patients),
    }
