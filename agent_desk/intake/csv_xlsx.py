"""Discharge lists exported from the HIS as CSV or Excel (.xlsx) files.

CSV files from Chinese Windows machines come in GBK, from Excel as UTF-8 with a BOM
(or UTF-16 for "Unicode text"), from everything else in UTF-8: the encoding is
detected, never guessed silently, and the report says which one was used.

The whole table is read before any row is applied: a file that cannot be read to
its end (bad bytes, a damaged workbook) is refused as a whole and changes nothing,
instead of leaving the rows before the damage imported and no import run recorded.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from agent_desk.domain.enums import ContactRelation, ImportKind
from agent_desk.intake import values
from agent_desk.intake.mapping import ColumnMapping, Field, MappingError
from agent_desk.intake.records import (
    ContactInput,
    DiagnosisInput,
    Discharge,
    EncounterInput,
    PatientInput,
    SourceItem,
    describe,
)
from agent_desk.intake.values import Cell
from agent_desk.plans.calendar import local_date

log = logging.getLogger(__name__)

_DELIMITERS = (",", "\t", ";", "|")
# byte-order mark, the codec of the text after it, the name the report gives, its label
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16", "UTF-16"),
)
_EXPORT_AGAIN = "export it again as CSV (UTF-8) or .xlsx"
HEADER_SCAN = 10  # non-blank rows searched for the header row
MAX_COLUMNS = 256  # read from a workbook; a discharge list has a few dozen
_EXCEL_ROWS = 1_048_576  # the most rows a sheet can have
T = TypeVar("T")


class TableError(ValueError):
    """The file cannot be read as a table at all; the whole import is refused."""


def decode(data: bytes) -> tuple[str, str]:
    """The text of *data* and the encoding it was in: BOM first, then UTF-8, then GB18030.

    GB18030 is a superset of GBK and GB2312, so it reads all three. A GBK file is
    almost never valid UTF-8, which makes the order safe. A byte-order mark is a
    promise: text that breaks it is refused, not read in some other encoding.
    """
    for bom, codec, name, label in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(codec), name
            except UnicodeDecodeError as exc:
                raise TableError(
                    f"the file starts with a {label} byte-order mark but is not {label} text "
                    f"({_where(body, exc, codec)}); {_EXPORT_AGAIN}"
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise TableError(
            "the file is neither UTF-8 nor GBK/GB18030 text "
            f"({_where(data, exc, 'gb18030')}); {_EXPORT_AGAIN}"
        ) from None


def _where(data: bytes, exc: UnicodeDecodeError, codec: str) -> str:
    """Where decoding failed, as the line a text editor would show."""
    line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
    if exc.end >= len(data):
        return f"line {line}: the file ends inside a character"
    return f"line {line}, byte 0x{data[exc.start]:02X}"


@dataclass
class Table:
    """Every row of the file with the line (CSV) or row (Excel) it began on, the
    title and header rows included: which row holds the headers is for the mapping to say."""

    rows: list[tuple[str, list[Cell]]]
    encoding: str | None
    kind: ImportKind


def read_table(path: Path) -> Table:
    """The whole table, read; TableError (naming the line or row) when it cannot be."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    if suffix == ".xls":
        raise TableError(f"{path.name}: old .xls files cannot be read; save it as .xlsx or CSV")
    return _read_csv(path)


def _read_csv(path: Path) -> Table:
    text, encoding = decode(path.read_bytes())
    sample = "\n".join(text.split("\n", HEADER_SCAN)[:HEADER_SCAN])
    delimiter = max(_DELIMITERS, key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[str, list[Cell]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((f"line {start}", list(row)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TableError(f"line {start} is not valid CSV: {exc}") from None
    return Table(rows, encoding, ImportKind.CSV)


def _read_xlsx(path: Path) -> Table:
    import openpyxl  # only for Excel files: it takes a while to import

    damaged = "the workbook is damaged: open it in Excel and save it again, or export it as CSV"
    try:
        # read_only streams the rows instead of building the whole sheet in memory.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl lets zip, XML and value errors of any kind through
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # the file itself could not be read (missing, no permission): the caller says
        log.info("cannot open %s as a workbook", path, exc_info=True)
        raise TableError(f"not a readable .xlsx workbook ({describe(exc)}); {damaged}") from None
    rows: list[tuple[str, list[Cell]]] = []
    number = 0  # the last row read
    try:
        sheets = workbook.worksheets
        if sheets:
            # Explicit bounds: openpyxl pads rows and columns up to whatever the sheet XML
            # claims, and a damaged file can claim a million of each.
            cells_by_row = sheets[0].iter_rows(
                max_row=_EXCEL_ROWS, max_col=MAX_COLUMNS, values_only=True
            )
            for number, cells in enumerate(cells_by_row, start=1):
                if any(cell is not None for cell in cells):
                    rows.append((f"row {number}", list(cells)))
    except Exception as exc:
        log.info("cannot read %s after row %d", path, number, exc_info=True)
        raise TableError(f"row {number + 1} cannot be read ({describe(exc)}); {damaged}") from None
    finally:
        workbook.close()  # read-only workbooks keep the file open until closed
    return Table(rows, None, ImportKind.XLSX)


def _blank(cells: list[Cell]) -> bool:
    return not any(values.text(c) for c in cells)


class SpreadsheetSource:
    """Rows of a discharge list as intake items; a bad row becomes an error item.

    The header row is the first of the file's first few non-blank rows in which the
    mapping finds every required column, so a title line above it does no harm.
    A file without one is refused (MappingError) before anything is read.
    """

    def __init__(self, table: Table, mapping: ColumnMapping) -> None:
        self.table = table
        self.rows = iter(table.rows)  # the header scan leaves it at the first data row
        first_error: MappingError | None = None
        for _index, (_position, cells) in zip(range(HEADER_SCAN), self._non_blank(), strict=False):
            self.headers = [values.text(c) or "" for c in cells]
            try:
                self.columns = mapping.resolve(self.headers)
                return
            except MappingError as exc:
                first_error = first_error or exc
        raise first_error or MappingError("the file has no rows at all")

    def _non_blank(self) -> Iterator[tuple[str, list[Cell]]]:
        return ((p, cells) for p, cells in self.rows if not _blank(cells))

    def items(self) -> Iterator[SourceItem]:
        for position, cells in self._non_blank():  # blank lines at the end of an export
            try:
                yield self._item(position, cells)
            except Exception as exc:
                # A bug must not stop the rows after this one: logged in full, reported.
                log.exception("intake: %s failed unexpectedly", position)
                yield SourceItem(position, error=f"internal error: {exc!r} (details in the log)")

    def _item(self, position: str, cells: list[Cell]) -> SourceItem:
        row = _Row(self.headers, self.columns, cells)
        event = row.discharge()
        if row.problems:
            return SourceItem(position, error="; ".join(row.problems))
        assert event is not None
        return SourceItem(position, event, key=event.encounter.visit_no, fingerprint=repr(event))


class _Row:
    """One row being read; every problem in it is collected, not just the first."""

    def __init__(self, headers: list[str], columns: dict[Field, int], cells: list[Cell]):
        self.headers = headers
        self.columns = columns
        self.cells = cells
        self.problems: list[str] = []

    def cell(self, target: Field) -> Cell:
        index = self.columns.get(target)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, target: Field) -> str | None:
        return values.text(self.cell(target))

    def required(self, target: Field) -> str:
        value = self.text(target)
        if value is None:
            self.problems.append(f"{self.header(target)} is empty")
        return value or ""

    def header(self, target: Field) -> str:
        return self.headers[self.columns[target]]

    def parsed(self, target: Field, parse: Callable[[Cell], T]) -> T | None:
        try:
            return parse(self.cell(target))
        except ValueError as exc:
            self.problems.append(f"{self.header(target)} {exc}")
            return None

    def discharge(self) -> Discharge | None:
        record_no = self.required(Field.RECORD_NO).upper()
        name = self.required(Field.NAME)
        discharged_at = self.parsed(Field.DISCHARGED_AT, values.parse_datetime)
        if discharged_at is None and self.text(Field.DISCHARGED_AT) is None:
            self.problems.append(f"{self.header(Field.DISCHARGED_AT)} is empty")
        department_name = self.text(Field.DEPARTMENT_NAME)
        department_code = self.text(Field.DEPARTMENT_CODE) or department_name
        if department_code is None:
            self.problems.append("the department (科室) is empty")
        patient = PatientInput(
            record_no=record_no,
            name=name,
            sex=self.parsed(Field.SEX, values.parse_sex),
            birth_date=self.parsed(Field.BIRTH_DATE, values.parse_date),
            id_number=self.text(Field.ID_NUMBER),
            address=self.text(Field.ADDRESS),
            insurance_no=self.text(Field.INSURANCE_NO),
            contacts=self.contacts(),
        )
        admitted_at = self.parsed(Field.ADMITTED_AT, values.parse_datetime)
        disposition = self.parsed(Field.DISPOSITION, values.parse_disposition)
        diagnoses = self.diagnoses()
        if self.problems or discharged_at is None or department_code is None:
            return None
        # Without a 住院号 column the visit is known by patient and discharge day: enough to
        # make a re-import idempotent (two discharges of one patient in a day are not).
        visit_no = self.text(Field.VISIT_NO) or f"{record_no}-{local_date(discharged_at):%Y%m%d}"
        return Discharge(
            patient,
            EncounterInput(
                visit_no=visit_no,
                department_code=department_code,
                department_name=department_name,
                discharged_at=discharged_at,
                ward_code=self.text(Field.WARD_CODE) or self.text(Field.WARD_NAME),
                ward_name=self.text(Field.WARD_NAME),
                attending_doctor=self.text(Field.ATTENDING_DOCTOR),
                discharge_orders=self.text(Field.DISCHARGE_ORDERS),
                admitted_at=admitted_at,
                disposition=disposition,
                diagnoses=diagnoses,
            ),
        )

    def contacts(self) -> tuple[ContactInput, ...]:
        family = self.text(Field.FAMILY_NAME)
        own = [
            ContactInput(n, ContactRelation.SELF)
            for n in values.split_numbers(self.cell(Field.PHONE))
        ]
        others = [
            ContactInput(n, ContactRelation.OTHER, family)
            for n in values.split_numbers(self.cell(Field.FAMILY_PHONE))
        ]
        return tuple(own + others)

    def diagnoses(self) -> tuple[DiagnosisInput, ...]:
        found: list[DiagnosisInput] = []
        code = self.parsed(Field.DIAGNOSIS_CODE, values.parse_icd10)
        if code is not None:
            found.append(DiagnosisInput(code, self.text(Field.DIAGNOSIS_NAME) or code))
        others = self.parsed(Field.OTHER_DIAGNOSES, values.parse_diagnosis_list) or []
        found += [DiagnosisInput(c, n) for c, n in others if c != code]
        return tuple(found)
