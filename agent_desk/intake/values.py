"""Parsing the values HIS exports write: dates in several styles, sex, disposition.

Each parser raises ValueError with a message fit for the import report.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from agent_desk.domain.enums import DischargeDisposition, Sex
from agent_desk.plans.calendar import HOSPITAL_TZ

Cell = object  # whatever a CSV reader or openpyxl hands over: text, numbers, dates, None

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%H%M%S", "%H%M", "%H时%M分")
_ICD10 = re.compile(r"^[A-Z]\d{2}[0-9A-Z.+\-]*$")
_LIST_SEPARATORS = re.compile(r"[;；,，、|]")
_NUMBER_SEPARATORS = re.compile(r"[/;；,，、|]")

_SEX = {
    "男": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "1": Sex.MALE,
    "女": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "2": Sex.FEMALE,
    "未知": Sex.UNKNOWN,
    "未说明": Sex.UNKNOWN,
    "u": Sex.UNKNOWN,
    "o": Sex.UNKNOWN,
    "0": Sex.UNKNOWN,
    "9": Sex.UNKNOWN,
}
# The discharge ways of the Chinese inpatient front sheet (病案首页 离院方式), by code and name.
_DISPOSITION = {
    "1": DischargeDisposition.HOME,
    "医嘱离院": DischargeDisposition.HOME,
    "2": DischargeDisposition.TRANSFER,
    "医嘱转院": DischargeDisposition.TRANSFER,
    "3": DischargeDisposition.TRANSFER,
    "医嘱转社区卫生服务机构/乡镇卫生院": DischargeDisposition.TRANSFER,
    "转院": DischargeDisposition.TRANSFER,
    "4": DischargeDisposition.AGAINST_ADVICE,
    "非医嘱离院": DischargeDisposition.AGAINST_ADVICE,
    "自动出院": DischargeDisposition.AGAINST_ADVICE,
    "5": DischargeDisposition.DECEASED,
    "死亡": DischargeDisposition.DECEASED,
    "9": DischargeDisposition.OTHER,
    "其他": DischargeDisposition.OTHER,
}


def text(cell: Cell) -> str | None:
    """A cell as trimmed text, None when empty. Excel numbers lose their '.0'."""
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    value = str(cell).strip()
    return value or None


def _split_date_time(value: str) -> tuple[str, str]:
    value = value.replace("T", " ").strip()
    if " " in value:
        day, _, clock = value.partition(" ")
        return day, clock.strip()
    if value.isdigit() and len(value) > 8:  # 20261116103000
        return value[:8], value[8:]
    return value, ""


def _parse_day(value: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _parse_clock(value: str) -> time:
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).time()
        except ValueError:
            continue
    raise ValueError(value)


def parse_date(cell: Cell) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    value = text(cell)
    if value is None:
        return None
    day, _ = _split_date_time(value)
    try:
        return _parse_day(day)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (write it as 2026-11-16)") from None


def parse_datetime(cell: Cell) -> datetime | None:
    """A local date and time as an aware datetime; a bare date means its midnight."""
    if isinstance(cell, datetime):
        return cell if cell.tzinfo else cell.replace(tzinfo=HOSPITAL_TZ)
    if isinstance(cell, date):
        return datetime.combine(cell, time(0), HOSPITAL_TZ)
    value = text(cell)
    if value is None:
        return None
    day, clock = _split_date_time(value)
    try:
        moment = datetime.combine(_parse_day(day), _parse_clock(clock) if clock else time(0))
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date and time (write it as 2026-11-16 or 2026-11-16 10:30)"
        ) from None
    return moment.replace(tzinfo=HOSPITAL_TZ)


def parse_sex(cell: Cell) -> Sex | None:
    value = text(cell)
    if value is None:
        return None
    sex = _SEX.get(value.casefold())
    if sex is None:
        raise ValueError(f"{value!r} is not a sex (男/女, M/F or 1/2)")
    return sex


def parse_disposition(cell: Cell) -> DischargeDisposition | None:
    value = text(cell)
    if value is None:
        return None
    disposition = _DISPOSITION.get(value)
    if disposition is None:
        raise ValueError(f"{value!r} is not a discharge way (1–5, 9 or 医嘱离院, 死亡 …)")
    return disposition


def parse_icd10(cell: Cell) -> str | None:
    value = text(cell)
    if value is None:
        return None
    code = value.replace(" ", "").upper()
    if not _ICD10.match(code) or len(code) > 16:
        raise ValueError(f"{value!r} is not an ICD-10 code (such as I10 or E11.9)")
    return code


def parse_diagnosis_list(cell: Cell) -> list[tuple[str, str]]:
    """'I10 高血压; E11.9 2型糖尿病' → [('I10', '高血压'), ('E11.9', '2型糖尿病')]."""
    value = text(cell)
    if value is None:
        return []
    result = []
    for part in _LIST_SEPARATORS.split(value):
        part = part.strip()
        if not part:
            continue
        code, _, name = part.partition(" ")
        icd = parse_icd10(code)
        assert icd is not None
        result.append((icd, name.strip() or icd))
    return result


def split_numbers(cell: Cell) -> list[str]:
    """'13800138000/010-6234 5678' → two numbers; spaces stay inside a number."""
    value = text(cell)
    if value is None:
        return []
    return [part.strip() for part in _NUMBER_SEPARATORS.split(value) if part.strip()]
