"""HL7 v2 ADT messages (A03 discharge, A13 cancel discharge, A08 update) via `hl7`.

Files may hold many messages, in MLLP frames or not, with segments ending in CR
(the standard), LF or CRLF (files that went through an editor): all are normalised
to CR before parsing. Any other event is read and ignored, so that a HIS sending
its whole ADT feed is still answered AA.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import hl7  # type: ignore[import-untyped]

from agent_desk.domain.enums import ContactRelation, DischargeDisposition, EncounterKind, Sex
from agent_desk.intake import values
from agent_desk.intake.hl7_header import (
    AckCode,
    Header,
    Hl7Error,
    decode_message,
    read_header,
    unescape,
)
from agent_desk.intake.records import (
    CancelDischarge,
    ContactInput,
    DiagnosisInput,
    Discharge,
    EncounterInput,
    IntakeEvent,
    MessageId,
    PatientInput,
    SourceItem,
    UpdateDemographics,
    describe,
)
from agent_desk.plans.calendar import HOSPITAL_TZ

log = logging.getLogger(__name__)

_TS = re.compile(r"^(\d{8})(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SEX = {"M": Sex.MALE, "F": Sex.FEMALE, "U": Sex.UNKNOWN, "O": Sex.UNKNOWN, "A": Sex.UNKNOWN}
_RELATIONS = {
    "SPO": ContactRelation.SPOUSE,
    "HUS": ContactRelation.SPOUSE,
    "WIF": ContactRelation.SPOUSE,
    "CHD": ContactRelation.CHILD,
    "SON": ContactRelation.CHILD,
    "DAU": ContactRelation.CHILD,
    "PAR": ContactRelation.PARENT,
    "FTH": ContactRelation.PARENT,
    "MTH": ContactRelation.PARENT,
    "SIB": ContactRelation.SIBLING,
    "BRO": ContactRelation.SIBLING,
    "SIS": ContactRelation.SIBLING,
    "SEL": ContactRelation.SELF,
}
_ID_NUMBER_TYPES = {"ID", "NI", "NNCHN"}  # resident identity card (身份证) in PID-3
USED_EVENTS = ("A03", "A08", "A13")


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    header: Header
    message_id: MessageId
    event: IntakeEvent | None  # None: an ADT event we do not use
    encoding: str
    notes: tuple[str, ...] = field(default=())


def split_messages(data: bytes) -> list[bytes]:
    """The messages in a file or stream, each with CR segment ends and no MLLP framing."""
    text = data.replace(b"\x0b", b"\r").replace(b"\x1c", b"\r")
    text = text.replace(b"\r\n", b"\r").replace(b"\n", b"\r")
    messages: list[list[bytes]] = []
    for segment in text.split(b"\r"):
        segment = segment.strip(b" \t")
        if not segment or segment[:3] in {b"FHS", b"BHS", b"BTS", b"FTS"}:
            continue
        if segment.startswith(b"MSH") or not messages:
            messages.append([])
        messages[-1].append(segment)
    return [b"\r".join(segments) + b"\r" for segments in messages]


def parse_adt(raw: bytes) -> ParsedMessage:
    """One message, read; raises Hl7Error (with the ACK code to answer) when it cannot be."""
    text, encoding, note = decode_message(raw)
    header = read_header(text)
    header.check_separators()
    if not header.control_id:
        raise Hl7Error("MSH-10 (message control id) is empty", AckCode.REJECT)
    if header.message_type != "ADT":
        raise Hl7Error(f"message type {header.message_type!r} is not ADT", AckCode.REJECT)
    try:
        message = hl7.parse(text)
    except Exception as exc:  # the library asserts, and raises what it likes, on bad input
        log.info("hl7 cannot parse message %s", header.control_id, exc_info=True)
        raise Hl7Error(f"cannot parse the message: {describe(exc)}", AckCode.REJECT) from None
    reader = _Reader(message, header.separators, encoding)
    message_id = MessageId(header.sender, header.control_id, header.trigger)
    notes: tuple[str, ...] = (note,) if note else ()
    try:
        event = _event(header.trigger, reader)
    except Hl7Error:
        raise
    except Exception as exc:
        # The parse tree of a malformed message can trip `hl7` itself: report, never crash.
        log.info("cannot read message %s", header.control_id, exc_info=True)
        raise Hl7Error(f"cannot read the message: {describe(exc)}") from None
    if event is None:
        used = ", ".join(USED_EVENTS)
        notes += (f"event {header.trigger or '(none)'} is not used here (only {used})",)
    return ParsedMessage(header, message_id, event, encoding, notes + reader.notes())


def _event(trigger: str, reader: _Reader) -> IntakeEvent | None:
    match trigger:
        case "A03":
            return Discharge(reader.patient(), reader.encounter())
        case "A13":
            return CancelDischarge(reader.record_no(), reader.visit_no())
        case "A08":
            return UpdateDemographics(reader.patient())
    return None


def parse_ts(value: str, what: str) -> datetime | None:
    """An HL7 TS (YYYYMMDD[HHMM[SS]][+ZZZZ]); local hospital time unless it says otherwise."""
    value = value.strip()
    if not value:
        return None
    match = _TS.match(value)
    if match is None:
        raise Hl7Error(f"{what} {value!r} is not an HL7 date/time (YYYYMMDD[HHMM[SS]])")
    day, hour, minute, second, offset = match.groups()
    zone: timezone = HOSPITAL_TZ
    if offset:
        hours, minutes = int(offset[1:3]), int(offset[3:])
        if hours > 14 or minutes > 59:  # no place on earth is further from UTC than 14:00
            raise Hl7Error(f"{what} {value!r} has no real UTC offset ({offset})")
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(
            int(day[:4]),
            int(day[4:6]),
            int(day[6:8]),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=zone,
        )
    except ValueError:
        raise Hl7Error(f"{what} {value!r} is not a real date/time") from None


class _Reader:
    """Typed access to the untyped `hl7` parse tree, one segment kind at a time."""

    def __init__(self, message: Any, separators: str, codec: str) -> None:
        self.message = message
        self.separators = separators
        self.codec = codec
        self.remarks: tuple[str, ...] = ()
        self.undecoded: list[str] = []  # escape sequences left out, reported once

    def notes(self) -> tuple[str, ...]:
        if not self.undecoded:
            return self.remarks
        first = ", ".join(dict.fromkeys(self.undecoded[:3]))
        count = len(self.undecoded)
        return (*self.remarks, f"{count} escape sequence(s) could not be decoded ({first})")

    def segment(self, name: str, required: bool = True) -> Any:
        try:
            return self.message.segment(name)
        except KeyError:
            if required:
                raise Hl7Error(f"the message has no {name} segment") from None
            return None

    def segments(self, name: str) -> list[Any]:
        try:
            return list(self.message.segments(name))
        except KeyError:
            return []

    def get(self, segment: Any, n: int, component: int = 1, repeat: int = 1) -> str:
        """Field *n* (repetition, component, first subcomponent), unescaped; "" if absent.

        The tree is walked here rather than by `hl7`'s extract_field, whose unescaping
        logs every bad sequence and raises on some.
        """
        if n >= len(segment):
            return ""
        node: Any = segment(n)
        for index in (repeat, component, 1):
            if isinstance(node, str):
                if index != 1:
                    return ""
                break
            if index > len(node):
                return ""
            node = node(index)
        decoded = unescape(str(node), self.separators, self.codec)
        self.undecoded += decoded.bad
        return decoded.text.strip()

    def repeats(self, segment: Any, n: int) -> int:
        if n >= len(segment):
            return 0
        return max(1, len(segment[n])) if str(segment[n]) else 0

    def record_no(self) -> str:
        pid = self.segment("PID")
        found = ""
        for r in range(1, self.repeats(pid, 3) + 1):
            number, kind = self.get(pid, 3, 1, r), self.get(pid, 3, 5, r).upper()
            if number and (kind == "MR" or not found) and kind not in _ID_NUMBER_TYPES:
                found = number
        found = found or self.get(pid, 2)
        if not found:
            raise Hl7Error("PID-3 has no patient record number (病案号)")
        if len(found) > 32:
            raise Hl7Error(f"PID-3 record number {found!r} is longer than 32 characters")
        return found.upper()

    def visit_no(self) -> str:
        pv1 = self.segment("PV1")
        visit = self.get(pv1, 19)
        if not visit:
            raise Hl7Error("PV1-19 (visit number) is empty")
        return visit

    def person_name(self, segment: Any, n: int) -> str | None:
        family, given = self.get(segment, n, 1), self.get(segment, n, 2)
        joiner = "" if _CJK.search(family + given) else " "
        return joiner.join(part for part in (family, given) if part) or None

    def patient(self) -> PatientInput:
        pid = self.segment("PID")
        birth = parse_ts(self.get(pid, 7), "PID-7 birth date")
        sex_code = self.get(pid, 8).upper()
        sex = _SEX.get(sex_code) if sex_code else None
        if sex_code and sex is None:
            raise Hl7Error(f"PID-8 sex {sex_code!r} is not M, F, U, O or A")
        return PatientInput(
            record_no=self.record_no(),
            name=self.person_name(pid, 5),
            sex=sex,
            birth_date=birth.date() if birth else None,
            id_number=self.id_number(pid),
            address=self.address(pid),
            contacts=tuple(self.contacts(pid)),
        )

    def id_number(self, pid: Any) -> str | None:
        if self.get(pid, 19):
            return self.get(pid, 19)
        for r in range(1, self.repeats(pid, 3) + 1):
            if self.get(pid, 3, 5, r).upper() in _ID_NUMBER_TYPES:
                return self.get(pid, 3, 1, r) or None
        return None

    def address(self, pid: Any) -> str | None:
        parts = [self.get(pid, 11, c) for c in (4, 3, 1, 2)]  # province, city, street, more
        joiner = "" if _CJK.search("".join(parts)) else ", "
        return joiner.join(p for p in parts if p) or None

    def phones(self, segment: Any, n: int) -> Iterator[str]:
        for r in range(1, self.repeats(segment, n) + 1):
            # XTN: the number as written (1), unformatted (12), or area code + local (6, 7).
            number = (
                self.get(segment, n, 1, r)
                or self.get(segment, n, 12, r)
                or self.get(segment, n, 6, r) + self.get(segment, n, 7, r)
            )
            if number:
                yield number

    def contacts(self, pid: Any) -> Iterator[ContactInput]:
        for n in (13, 14):  # home, then business
            for number in self.phones(pid, n):
                yield ContactInput(number, ContactRelation.SELF)
        for nk1 in self.segments("NK1"):
            relation = _RELATIONS.get(self.get(nk1, 3).upper(), ContactRelation.OTHER)
            for number in self.phones(nk1, 5):
                yield ContactInput(number, relation, self.person_name(nk1, 2))

    def encounter(self) -> EncounterInput:
        pv1 = self.segment("PV1")
        ward_code = self.get(pv1, 3) or None
        department_code = self.get(pv1, 10) or ward_code
        if not department_code:
            raise Hl7Error("no department: PV1-10 (hospital service) and PV1-3 are empty")
        discharged = parse_ts(self.get(pv1, 45), "PV1-45 discharge date/time")
        if discharged is None:
            evn = self.segment("EVN", required=False)
            discharged = parse_ts(self.get(evn, 6), "EVN-6") if evn is not None else None
            if discharged is None:
                raise Hl7Error("PV1-45 (discharge date/time) is empty")
            self.remarks += ("PV1-45 is empty; the discharge time is taken from EVN-6",)
        return EncounterInput(
            visit_no=self.visit_no(),
            department_code=department_code,
            department_name=self.get(pv1, 10, 2) or None,
            discharged_at=discharged,
            kind=EncounterKind.OUTPATIENT if self.get(pv1, 2) == "O" else EncounterKind.INPATIENT,
            ward_code=ward_code,
            ward_name=self.get(pv1, 3, 9) or None,
            attending_doctor=self.person_name_or_id(pv1, 7),
            admitted_at=parse_ts(self.get(pv1, 44), "PV1-44 admit date/time"),
            disposition=_disposition(self.get(pv1, 36)),
            diagnoses=tuple(self.diagnoses()),
        )

    def person_name_or_id(self, segment: Any, n: int) -> str | None:
        family, given = self.get(segment, n, 2), self.get(segment, n, 3)
        joiner = "" if _CJK.search(family + given) else " "
        return joiner.join(p for p in (family, given) if p) or self.get(segment, n) or None

    def diagnoses(self) -> list[DiagnosisInput]:
        found: list[tuple[bool, int, DiagnosisInput]] = []
        for index, dg1 in enumerate(self.segments("DG1")):
            raw = self.get(dg1, 3)
            if not raw:
                continue
            try:
                code = values.parse_icd10(raw)
            except ValueError as exc:
                raise Hl7Error(f"DG1-3 {exc}") from None
            assert code is not None
            name = self.get(dg1, 3, 2) or self.get(dg1, 4) or code
            # DG1-15 priority 1 is the principal diagnosis: plans look at it first.
            found.append((self.get(dg1, 15) != "1", index, DiagnosisInput(code, name)))
        return [dx for _, _, dx in sorted(found, key=lambda item: item[:2])]


def _disposition(code: str) -> DischargeDisposition | None:
    """HL7 table 0112, discharge disposition."""
    if not code:
        return None
    if code == "01":
        return DischargeDisposition.HOME
    if code in {"02", "03", "04", "05", "06", "43", "61", "62", "63", "65", "66"}:
        return DischargeDisposition.TRANSFER
    if code == "07":
        return DischargeDisposition.AGAINST_ADVICE
    if code in {"20", "40", "41", "42"}:
        return DischargeDisposition.DECEASED
    return DischargeDisposition.OTHER


def item_from_raw(raw: bytes, position: str) -> tuple[SourceItem, ParsedMessage | None]:
    """A message as an intake item (an error item when it cannot be read)."""
    try:
        parsed = parse_adt(raw)
    except Hl7Error as exc:
        return SourceItem(position, error=str(exc)), None
    except Exception as exc:
        # A bug must not stop the messages after this one: logged in full, reported, go on.
        log.exception("HL7: %s failed unexpectedly", position)
        return SourceItem(position, error=f"internal error: {exc!r} (details in the log)"), None
    item = SourceItem(position, parsed.event, message=parsed.message_id, notes=parsed.notes)
    return item, parsed


def hl7_files(path: Path) -> list[Path]:
    """The file itself, or every visible file in the folder, in name order."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    return [path]


class Hl7FileSource:
    """Every message of one file or of a folder of files, numbered for the report."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)

    def items(self) -> Iterator[SourceItem]:
        for path in self.paths:
            prefix = f"{path.name} " if len(self.paths) > 1 else ""
            try:
                data = path.read_bytes()
            except OSError as exc:
                yield SourceItem(f"{path.name}", error=f"cannot read: {exc.strerror or exc}")
                continue
            for number, raw in enumerate(split_messages(data), start=1):
                yield item_from_raw(raw, f"{prefix}message {number}")[0]
