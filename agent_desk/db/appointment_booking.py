"""A booking on the central PostgreSQL in one round trip: the place taken and the
booking written, or, when the slot has no place, the next free slots to offer instead.

Why one statement answers both: under eight agents booking at once, a refusal that needed
a second unit of work (BEGIN, the slot, the offers, COMMIT: four round trips more) made the
slow tail of the booking times, and the loser waited for it while the patient was on the
line. The statement runs in a unit of Database.statement() (autocommit): no BEGIN or
COMMIT goes on the wire, and the slot's row lock is held for the statement and its commit
alone, never across a round trip to a workstation.

No overbooking: the place is taken by a conditional UPDATE of the slot's row (see
agent_desk.db.appointments); concurrent statements queue on the row lock and each re-checks
``booked < capacity`` on the row as the one before left it.

The offers are read in the statement's snapshot, taken when it began: when the statement
had to wait for another booking of the same slot, a slot offered may have filled in the
meantime (booking it is then refused with fresh offers). The slot just refused is never
among them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    CompoundSelect,
    String,
    Table,
    and_,
    bindparam,
    exists,
    insert,
    literal,
    literal_column,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from agent_desk.db.appointment_models import ANY_DOCTOR, Appointment, AppointmentSlot
from agent_desk.db.appointments import taking
from agent_desk.db.base import new_id
from agent_desk.domain.appointments import SlotView
from agent_desk.domain.enums import AppointmentStatus


class _Kind:
    """What a row of the answer is (a text column: the branches of one UNION)."""

    BOOKED = "booked"  # the slot after, with the booking made
    REFUSED = "refused"  # the slot as it stood when it refused (absent: no such slot)
    DOCTOR = "doctor"  # a free slot of the refused slot's doctor
    DEPARTMENT = "department"  # a free slot of its department, any doctor


@dataclass(frozen=True, slots=True)
class ServerBooking:
    """The server's answer: *slot* and *appointment* rows (column name → value) when
    booked; else the refused slot (None when it does not exist) and the slots to offer."""

    slot: dict[str, Any] | None
    appointment: dict[str, Any] | None
    refused: SlotView | None = None
    doctor_offers: tuple[SlotView, ...] = ()
    department_offers: tuple[SlotView, ...] = ()

    @property
    def offers(self) -> list[SlotView]:
        """The doctor's next free slots, or the department's when the doctor has none."""
        return list(self.doctor_offers or self.department_offers)


def book_on_server(
    session: Session,
    *,
    slot: uuid.UUID,
    patient_id: uuid.UUID,
    booked_by: str,
    now: datetime,
    note: str | None = None,
    appointment_id: uuid.UUID | None = None,
    offered: int = 8,
) -> ServerBooking:
    """Book *slot* for the patient in one statement, in a unit of Database.statement().

    *appointment_id*: the booking's id, made here when not given. A caller that sends the
    statement again after a lost connection passes the same one: a booking the first try
    made then fails on the key rather than booking the patient twice."""
    rows = session.execute(
        _booking_statement(offered),
        {
            "slot": slot,
            "now": now,
            "appointment_id": appointment_id or new_id(),
            "patient_id": patient_id,
            "booked_by": booked_by,
            "note": note,
        },
    ).all()
    slots = cast(Table, AppointmentSlot.__table__)
    bookings = cast(Table, Appointment.__table__)
    by_kind: dict[str, list[Any]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row._mapping)

    def slot_of(found: Any) -> SlotView:
        return SlotView(*(found[f"s_{name}"] for name in _SLOT_VIEW))

    for found in by_kind.get(_Kind.BOOKED, []):
        return ServerBooking(
            {c.name: found[f"s_{c.name}"] for c in slots.c},
            {c.name: found[f"a_{c.name}"] for c in bookings.c},
        )
    refused = [slot_of(found) for found in by_kind.get(_Kind.REFUSED, [])]
    return ServerBooking(
        None,
        None,
        refused[0] if refused else None,
        tuple(map(slot_of, by_kind.get(_Kind.DOCTOR, []))),
        tuple(map(slot_of, by_kind.get(_Kind.DEPARTMENT, []))),
    )


_SLOT_VIEW = ("id", "department_id", "doctor", "day", "starts_at", "ends_at", "capacity", "booked")


@cache
def _booking_statement(offered: int) -> CompoundSelect[Any]:
    # Built once with bind parameters: the hot path of booking, where building the
    # statement anew each time would cost as much as the server takes to run it.
    slots = cast(Table, AppointmentSlot.__table__)
    bookings = cast(Table, Appointment.__table__)
    slot = bindparam("slot", type_=slots.c.id.type)
    now = bindparam("now", type_=slots.c.starts_at.type)
    taken = taking(slots, slot, now).cte("taken")
    values = {
        "id": bindparam("appointment_id", type_=bookings.c.id.type),
        "patient_id": bindparam("patient_id", type_=bookings.c.patient_id.type),
        "slot_id": taken.c.id,
        "department_id": taken.c.department_id,
        "doctor": taken.c.doctor,
        "starts_at": taken.c.starts_at,
        "status": literal(AppointmentStatus.BOOKED, bookings.c.status.type),
        "booked_at": now,
        "booked_by": bindparam("booked_by", type_=bookings.c.booked_by.type),
        "note": bindparam("note", type_=bookings.c.note.type),
        "version": literal(1),
        "created_at": now,
        "updated_at": now,
    }
    made = (
        insert(bookings)
        .from_select(list(values), select(*values.values()).select_from(taken))
        .returning(*bookings.c)
        .cte("made")
    )
    no_booking = [cast(Any, null()).cast(c.type).label(f"a_{c.name}") for c in bookings.c]
    not_taken = ~exists(select(taken.c.id))

    def kind(name: str) -> Any:
        return literal_column(f"'{name}'", String()).label("kind")

    booked = select(
        kind(_Kind.BOOKED),
        *(c.label(f"s_{c.name}") for c in taken.c),
        *(c.label(f"a_{c.name}") for c in made.c),
    ).select_from(taken.join(made, true()))
    refused = select(
        kind(_Kind.REFUSED), *(c.label(f"s_{c.name}") for c in slots.c), *no_booking
    ).where(slots.c.id == slot, not_taken)

    def offers(name: str, same_doctor: bool) -> Any:
        target, free = slots.alias("target"), slots.alias(f"free_{name}")
        joined = [free.c.department_id == target.c.department_id]
        if same_doctor:  # the refused slot's doctor, when it has one
            joined += [free.c.doctor == target.c.doctor, target.c.doctor != ANY_DOCTOR]
        listed = (
            select(kind(name), *(c.label(f"s_{c.name}") for c in free.c), *no_booking)
            .select_from(target.join(free, and_(*joined)))
            .where(
                target.c.id == slot,
                not_taken,
                free.c.id != slot,
                free.c.starts_at > now,
                free.c.booked < free.c.capacity,
            )
            .order_by(free.c.starts_at, free.c.doctor)
            .limit(offered)
            .subquery(f"offers_{name}")
        )
        return select(*listed.c)

    return union_all(booked, refused, offers(_Kind.DOCTOR, True), offers(_Kind.DEPARTMENT, False))
