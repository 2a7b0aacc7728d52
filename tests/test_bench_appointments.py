"""`agent-desk bench appointments`: the figures exist and the race overbooks nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desk.bench.appointments import measure_booking, measure_free_slots
from tests.pg import ADMIN_URL


def test_free_slots_are_measured_on_a_sqlite_file(tmp_path: Path) -> None:
    p95, p50 = measure_free_slots(tmp_path)
    assert p95 >= p50 > 0
    assert not (tmp_path / "appointments").exists()  # its database is removed


@pytest.mark.postgres
def test_the_booking_race_overbooks_no_slot() -> None:
    try:
        figures = measure_booking(ADMIN_URL, agents=4)
    except Exception as exc:  # no server here: the PostgreSQL tests skip alike
        if "Connection refused" in str(exc):
            pytest.skip(f"no PostgreSQL server: {exc}")
        raise
    assert figures["overbookings"] == 0
    # The race offered more tries than places: some were refused, none went over.
    assert 0 < figures["contended_bookings"] < figures["contended_tries"]
    assert figures["book_p95_ms"] > 0
