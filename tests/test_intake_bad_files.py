"""Damaged discharge lists are refused whole, naming the line or row, and import nothing;
an import cut short still records what it applied."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from agent_desk.db.engine import Database
from agent_desk.db.models import ImportRun, Patient
from agent_desk.intake.records import Applied, SourceItem
from agent_desk.services.intake import ImportRefused, IntakeService, load_plan_set, mapping_store
from agent_desk.services.intake_sink import DatabaseSink
from tests.builders import HIS

HEADER = "病案号,姓名,科室,出院日期"
ROWS = ["B001,赵一,心血管内科,2026-11-16", "B002,钱二,心血管内科,2026-11-16"]
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def service(db: Database, tmp_path: Path) -> IntakeService:
    return IntakeService(db, load_plan_set(tmp_path), HIS)


def _refused(service: IntakeService, path: Path, tmp_path: Path) -> str:
    with pytest.raises(ImportRefused) as refused:
        service.import_discharges(path, mapping_store(tmp_path).get("default"))
    return str(refused.value)


def _nothing_imported(db: Database) -> bool:
    with db.read() as session:
        patients = session.scalar(select(func.count()).select_from(Patient))
        runs = session.scalar(select(func.count()).select_from(ImportRun))
    return (patients, runs) == (0, 0)


def test_a_utf8_bom_before_gbk_text_is_refused_naming_the_line(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(codecs.BOM_UTF8 + "\r\n".join([HEADER, *ROWS]).encode("gbk"))
    reason = _refused(service, path, tmp_path)
    assert "UTF-8 byte-order mark but is not UTF-8 text (line 1, byte 0xB2)" in reason
    assert _nothing_imported(db)


def test_an_odd_length_utf16_file_is_refused(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "\r\n".join([HEADER, *ROWS]).encode("utf-16-le") + b"x")
    assert "line 3: the file ends inside a character" in _refused(service, path, tmp_path)
    assert _nothing_imported(db)


def test_a_line_the_csv_reader_cannot_read_refuses_the_file(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    path = tmp_path / "d.csv"
    huge = 'B003,"' + "孙" * 200_000 + '",心血管内科,2026-11-16'  # past the csv field limit
    path.write_text("\r\n".join([HEADER, ROWS[0], huge, ROWS[1]]), encoding="utf-8")
    reason = _refused(service, path, tmp_path)
    assert reason.startswith("d.csv: line 3 is not valid CSV: field larger than field limit")
    assert _nothing_imported(db)


def _workbook(tmp_path: Path, damage: Callable[[dict[str, bytes]], None]) -> Path:
    """A discharge list whose first rows are good, with *damage* done to its parts."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in [HEADER, *ROWS, "B003,孙三,心血管内科,2026-11-16"]:
        sheet.append(line.split(","))
    path = tmp_path / "d.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    damage(parts)
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def _empty_relationships(parts: dict[str, bytes]) -> None:
    parts["xl/_rels/workbook.xml.rels"] = b""


def _text_in_a_number_cell(parts: dict[str, bytes]) -> None:
    start = parts[SHEET].index(b'<c r="A4"')
    end = parts[SHEET].index(b"</c>", start) + 4
    parts[SHEET] = parts[SHEET][:start] + b'<c r="A4" t="n"><v>abc</v></c>' + parts[SHEET][end:]


def _shared_string_past_the_table(parts: dict[str, bytes]) -> None:
    start = parts[SHEET].index(b'<c r="A4"')
    end = parts[SHEET].index(b"</c>", start) + 4
    parts[SHEET] = parts[SHEET][:start] + b'<c r="A4" t="s"><v>99</v></c>' + parts[SHEET][end:]


def _truncated_sheet(parts: dict[str, bytes]) -> None:
    parts[SHEET] = parts[SHEET][: parts[SHEET].index(b'<c r="B4"')]


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        (_empty_relationships, "not a readable .xlsx workbook"),
        (_text_in_a_number_cell, "row 4 cannot be read"),
        (_shared_string_past_the_table, "row 4 cannot be read"),
        (_truncated_sheet, "row 4 cannot be read"),
    ],
)
def test_a_damaged_workbook_is_refused_whole_and_imports_nothing(
    db: Database,
    service: IntakeService,
    tmp_path: Path,
    damage: Callable[[dict[str, bytes]], None],
    where: str,
) -> None:
    reason = _refused(service, _workbook(tmp_path, damage), tmp_path)
    assert reason.startswith(f"d.xlsx: {where}") and "save it again" in reason
    assert _nothing_imported(db)


class _InterruptedSink(DatabaseSink):
    """The real sink, with Ctrl-C pressed while the second row is applied."""

    applied = 0

    def apply(self, item: SourceItem) -> Applied:
        self.applied += 1
        if self.applied == 2:
            raise KeyboardInterrupt
        return super().apply(item)


class _InterruptedService(IntakeService):
    @property
    def sink(self) -> DatabaseSink:
        return _InterruptedSink(self.db, self.plans, self.phone_plan, self.source)


def test_an_import_cut_short_records_what_it_applied(db: Database, tmp_path: Path) -> None:
    service = _InterruptedService(db, load_plan_set(tmp_path), HIS)
    path = tmp_path / "d.csv"
    path.write_text("\r\n".join([HEADER, *ROWS]), encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        service.import_discharges(path, mapping_store(tmp_path).get("default"))
    with db.read() as session:
        run = session.scalar(select(ImportRun))
        assert run is not None and (run.read, run.created, run.errors) == (2, 1, 1)
        assert session.scalars(select(Patient.record_no)).all() == ["B001"]
