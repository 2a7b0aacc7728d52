"""Why an identifier is shown or exported in full: asked first, kept in the audit log.

PIPL treats health data as sensitive personal information: seeing a patient's identifiers
in full needs a purpose, and the audit trail keeps it beside who, what and when.
"""

from __future__ import annotations

from agent_desk.domain.enums import UnmaskReason
from agent_desk.errors import UserError


class ReasonRequired(UserError):
    """An identifier asked for in full without saying why."""


def stated_reason(text: str | None) -> str:
    """The free-text reason, trimmed; refused when there is none."""
    reason = (text or "").strip()
    if not reason:
        raise ReasonRequired("say why the identifiers are needed in full")
    return reason


def unmask_detail(reason: UnmaskReason | None, note: str | None = None) -> dict[str, str]:
    """The audit detail of one identifier shown in full: the reason chosen, and the free
    text, which 'other' cannot do without."""
    if reason is None:
        raise ReasonRequired("choose why the identifier is needed in full")
    if reason is UnmaskReason.OTHER:
        return {"reason": reason.value, "note": stated_reason(note)}
    text = (note or "").strip()
    return {"reason": reason.value, "note": text} if text else {"reason": reason.value}
