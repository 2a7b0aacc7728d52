"""Appointments to the HIS: HL7 v2.5 SIU^S12 (booked) and SIU^S15 (cancelled) over MLLP, or CSV.

The outpatient desk sees the revisits booked here. Each message and the HIS's ACK (or why
none came) is stored (appointment_his_messages), so IT can see what the HIS was told. A
move is a cancellation of the old booking and a new one, as most HIS interfaces expect.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from agent_desk.db import appointments as sql
from agent_desk.db.base import new_id, utcnow
from agent_desk.db.engine import Database
from agent_desk.domain.appointments import AppointmentView
from agent_desk.domain.enums import AppointmentStatus
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.errors import UserError
from agent_desk.intake import mllp
from agent_desk.plans.calendar import HOSPITAL_TZ

SENDING_APP = "AGENT_DESK"


class SiuEvent(StrEnum):
    NEW = "S12"
    CANCELLED = "S15"


@dataclass(frozen=True, slots=True)
class HisAnswer:
    event: SiuEvent
    control_id: str
    ack_code: str | None  # AA accepted, AE error, AR rejected; None: no answer
    detail: str  # the ACK's text, or why none came

    @property
    def accepted(self) -> bool:
        return self.ack_code in ("AA", "CA")


def _escape(value: str) -> str:
    out = value.replace("\\", "\\E\\")
    for char, code in (("|", "\\F\\"), ("^", "\\S\\"), ("&", "\\T\\"), ("~", "\\R\\")):
        out = out.replace(char, code)
    return " ".join(out.split())


def _ts(at: datetime) -> str:
    return at.astimezone(HOSPITAL_TZ).strftime("%Y%m%d%H%M%S%z")


def siu_message(
    facts: sql.HisFacts, event: SiuEvent, control_id: str, now: datetime, facility: str = ""
) -> str:
    """One SIU message (segments separated by CR, as HL7 wants)."""
    a = facts.appointment
    minutes = int((facts.ends_at - a.starts_at).total_seconds() // 60)
    status = "Cancelled" if event is SiuEvent.CANCELLED else "Booked"
    place = _escape(facility)
    segments = [
        f"MSH|^~\\&|{SENDING_APP}|{place}|HIS|{place}|{_ts(now)}||SIU^{event.value}^SIU_S12|"
        f"{control_id}|P|2.5|||AL|NE|CHN|UNICODE UTF-8",
        f"SCH|{a.id}^{SENDING_APP}||||||REVISIT^复诊||{minutes}|min|"
        f"^^{minutes}^{_ts(a.starts_at)}^{_ts(facts.ends_at)}|||||{_escape(a.booked_by)}"
        f"||||{_escape(a.booked_by)}|||||{status}",
        f"PID|1||{_escape(a.record_no)}^^^^MR||{_escape(a.patient_name)}",
        "RGS|1|A",
        f"AIL|1|A|{_escape(facts.department_code)}^^^{_escape(a.department_name)}",
    ]
    if a.doctor:
        segments.append(f"AIP|1|A|^{_escape(a.doctor)}|D")
    return "\r".join(segments) + "\r"


def _ack_of(raw: bytes) -> tuple[str | None, str]:
    text = raw.decode("utf-8", errors="replace")
    for segment in text.replace("\n", "\r").split("\r"):
        if segment.startswith("MSA|"):
            fields = segment.split("|")
            code = fields[1] if len(fields) > 1 else None
            return code, (fields[3] if len(fields) > 3 else "")
    return None, "the answer holds no MSA segment"


def parse_address(address: str) -> tuple[str, int]:
    host, _, port = address.strip().rpartition(":")
    if not host or not port.isdigit():
        raise UserError(f"the HIS address must be host:port, got {address!r}")
    return host, int(port)


def send_to_his(
    db: Database,
    principal: Principal,
    appointment_id: uuid.UUID,
    address: str,
    *,
    facility: str = "",
    timeout: float = 10.0,
) -> HisAnswer:
    """Tell the HIS about the booking (S12) or its cancellation (S15), store the ACK."""
    principal.require(Permission.BOOK_APPOINTMENTS)
    host, port = parse_address(address)
    with db.read() as session:
        facts = sql.his_facts(session, appointment_id)
    if facts is None:
        raise UserError(f"no appointment {appointment_id}")
    holding = facts.appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)
    event = SiuEvent.NEW if holding else SiuEvent.CANCELLED
    control_id = new_id().hex[:20]
    message = siu_message(facts, event, control_id, utcnow(), facility)
    ack_code: str | None = None
    raw_ack: str | None = None
    error: str | None = None
    try:
        answer = mllp.send(host, port, message.encode("utf-8"), timeout=timeout)
    except (OSError, mllp.MllpError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        detail = error
    else:
        raw_ack = answer.decode("utf-8", errors="replace")
        ack_code, detail = _ack_of(answer)
    with db.write() as session:
        sql.record_his_message(
            session, appointment_id, event.value, control_id, address, ack_code, raw_ack, error
        )
    return HisAnswer(event, control_id, ack_code, detail)


CSV_COLUMNS = (
    "appointment_id",
    "record_no",
    "patient",
    "department",
    "doctor",
    "starts_at",
    "status",
    "booked_by",
    "booked_at",
)


def csv_row(a: AppointmentView) -> list[str]:
    return [
        str(a.id),
        a.record_no,
        a.patient_name,
        a.department_name,
        a.doctor,
        a.starts_at.astimezone(HOSPITAL_TZ).strftime("%Y-%m-%d %H:%M"),
        a.status.value,
        a.booked_by,
        a.booked_at.astimezone(HOSPITAL_TZ).strftime("%Y-%m-%d %H:%M"),
    ]


def write_csv(rows: Sequence[AppointmentView], path: Path) -> int:
    """The HIS's CSV route: UTF-8 with a BOM (Excel on Chinese Windows opens it as is)."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_row(a) for a in rows)
    return len(rows)
