"""What SQLCipher costs: the same card, lookup and start on a plain and an encrypted copy.

Both copies are made once from the core benchmark's hospital by sqlcipher_export, so they
have the same pages in the same order, and are kept beside it. The encrypted copy's key is
a fixed one: the benchmark data is generated, holds nobody's data, and must open again in
the next run on a computer without an OS keyring.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from agent_desk.bench import core, samples
from agent_desk.bench.bench_files import bench_file
from agent_desk.bench.stats import percentile, rounded
from agent_desk.db.engine import Database
from agent_desk.db.open import open_file
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.db.sqlcipher import LocalFile, export_copy
from agent_desk.domain.phones import PhonePlan, try_normalise
from agent_desk.services.patients import PatientService

CARDS = 300
LOOKUPS = 3000
OPENS = 5


def copies(folder: Path, patients: int) -> tuple[LocalFile, LocalFile]:
    """The plain and the encrypted copy of the core hospital of *patients*, made once."""
    target = folder / f"governance-cipher-{patients}"
    plain = LocalFile(target / "plain.sqlite3", None)
    encrypted = bench_file(target / "encrypted.sqlite3")
    if plain.path.exists() and encrypted.path.exists():
        return plain, encrypted
    _data, db = core.prepare(folder, patients)
    try:
        assert db.local is not None
        source = db.local
    finally:
        db.dispose()
    target.mkdir(parents=True, exist_ok=True)
    for copy in (plain, encrypted):
        if not copy.path.exists():
            print(f"copying the core hospital to {copy.path} …", file=sys.stderr)
            temporary = copy.beside(copy.path.with_suffix(".partial"))
            temporary.path.unlink(missing_ok=True)
            export_copy(source, temporary)
            temporary.path.replace(copy.path)
    return plain, encrypted


@contextmanager
def _opened(file: LocalFile) -> Iterator[tuple[Database, PatientService]]:
    db = open_file(file)
    index = PhoneIndex(db)
    try:
        index.warm_up()  # as the workstation does at start
        yield db, PatientService(db, PhonePlan(), index)
    finally:
        index.close()
        db.dispose()


def _open_ms(file: LocalFile) -> float:
    """Opening the database and reading the schema, as every start does (median)."""
    timings = []
    for _ in range(OPENS):
        start = time.perf_counter()
        open_file(file).dispose()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def run_cipher_cost(folder: Path, patients: int) -> dict[str, float]:
    plain, encrypted = copies(folder, patients)
    open_plain, open_encrypted = _open_ms(plain), _open_ms(encrypted)
    with ExitStack() as stack:
        plain_db, plain_service = stack.enter_context(_opened(plain))
        _db, encrypted_service = stack.enter_context(_opened(encrypted))
        with plain_db.read() as session:
            numbers = [n for n in samples.contact_numbers(session, LOOKUPS) if try_normalise(n)]
            ids = samples.patient_ids(session, CARDS, seed=5)  # not the core bench's cards
        timings: dict[str, list[float]] = {"plain": [], "encrypted": []}
        lookups: dict[str, list[float]] = {"plain": [], "encrypted": []}
        services = {"plain": plain_service, "encrypted": encrypted_service}
        # Turn about, card by card: both copies see the same moments of the machine.
        for patient_id in ids:
            for name, service in services.items():
                start = time.perf_counter()
                service.open_card(patient_id, core.BENCH_PRINCIPAL)
                timings[name].append((time.perf_counter() - start) * 1000)
        for number in numbers:
            for name, service in services.items():
                start = time.perf_counter()
                service.lookup_number(number, core.BENCH_PRINCIPAL)
                lookups[name].append((time.perf_counter() - start) * 1000)

    def ratio(samples_by_copy: dict[str, list[float]], q: float) -> float:
        return percentile(samples_by_copy["encrypted"], q) / percentile(samples_by_copy["plain"], q)

    return {
        "sqlcipher_card_ratio": rounded(ratio(timings, 95)),
        "sqlcipher_card_p95_ms": rounded(percentile(timings["encrypted"], 95)),
        "sqlcipher_plain_card_p95_ms": rounded(percentile(timings["plain"], 95)),
        "sqlcipher_lookup_p99_ms": rounded(percentile(lookups["encrypted"], 99)),
        "sqlcipher_plain_lookup_p99_ms": rounded(percentile(lookups["plain"], 99)),
        "sqlcipher_open_ms": rounded(open_encrypted),
        "sqlcipher_plain_open_ms": rounded(open_plain),
        "sqlcipher_patients": float(patients),
    }
