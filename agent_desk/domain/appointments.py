"""Revisit appointments as the window and the command line see them: plain dataclasses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from agent_desk.domain.enums import AppointmentStatus, SlotState
from agent_desk.errors import UserError

# The statuses that hold a place in their slot.
HOLDING = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED})


@dataclass(frozen=True, slots=True)
class SlotView:
    id: uuid.UUID
    department_id: uuid.UUID
    doctor: str
    day: date
    starts_at: datetime  # aware UTC
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return self.capacity - self.booked

    @property
    def state(self) -> SlotState:
        if self.booked >= self.capacity:
            return SlotState.FULL
        return SlotState.BOOKED if self.booked else SlotState.FREE


@dataclass(frozen=True, slots=True)
class AppointmentView:
    id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    record_no: str
    slot_id: uuid.UUID
    department_id: uuid.UUID
    department_name: str
    doctor: str
    starts_at: datetime
    status: AppointmentStatus
    booked_at: datetime
    booked_by: str
    cancel_reason: str | None = None
    phone: str | None = None  # the patient's primary number, unmasked: mask it to show it

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDING


@dataclass(frozen=True, slots=True)
class DayCounts:
    """The 预约 screen's counts for one department and day."""

    slots: int
    places: int
    booked: int
    full_slots: int

    @property
    def free(self) -> int:
        return self.places - self.booked


class SlotFull(UserError):
    """The slot's last place went to someone else; next_free are the slots still open."""

    def __init__(self, slot_id: uuid.UUID, next_free: list[SlotView]) -> None:
        self.slot_id, self.next_free = slot_id, next_free
        super().__init__(
            f"slot {slot_id} is full: another booking took its last place"
            + (
                "; next free: " + ", ".join(f"{s.starts_at:%Y-%m-%d %H:%M}Z" for s in next_free[:3])
                if next_free
                else ""
            )
        )


class AppointmentsOffline(UserError):
    """A central server is configured and cannot be reached: bookings wait for it."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            "the central server cannot be reached, so no booking can be made now "
            f"(the slots shown are from the last sync): {detail}"
        )


class AppointmentNotOpen(UserError):
    """The booking was already cancelled, moved or marked a no-show."""
