"""Reports, log lines and command-line messages name identifiers masked, as the screen does."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desk.db.engine import Database
from agent_desk.domain.phones import InvalidPhoneNumber, normalise
from agent_desk.services.intake import IntakeService, load_plan_set, mapping_store
from tests.builders import HIS, Hospital

SAMPLE = Path(__file__).parent / "data" / "discharges.csv"
HEADER, FIRST = SAMPLE.read_text(encoding="utf-8").splitlines()[:2]


def _import_summary(db: Database, tmp_path: Path, row: str, caplog) -> str:
    path = tmp_path / "d.csv"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    service = IntakeService(db, load_plan_set(tmp_path), HIS)
    with caplog.at_level("INFO"):
        report = service.import_discharges(path, mapping_store(tmp_path).get("default"))
    return report.summary() + "\n" + caplog.text


def test_an_invalid_family_number_is_reported_masked(
    db: Database, hospital: Hospital, tmp_path: Path, caplog
) -> None:
    text = _import_summary(db, tmp_path, FIRST.replace("13900139001", "1390013900"), caplog)
    assert "139****3900" in text and "1390013900" not in text


def test_an_overlong_number_is_refused_masked(
    db: Database, hospital: Hospital, tmp_path: Path, caplog
) -> None:
    text = _import_summary(db, tmp_path, FIRST.replace("13900139001", "13900139001" * 7), caplog)
    assert "139****9001" in text and "13900139001" not in text


def test_an_invalid_number_error_names_it_masked() -> None:
    with pytest.raises(InvalidPhoneNumber) as error:
        normalise("1380013800")
    assert str(error.value) == "not a valid phone number: 138****3800"
