"""Campaigns (群发): a template, a patient filter, a preview, then a confirmed send.

Supervisors only (Permission.SEND_CAMPAIGNS), kept to the departments they supervise, and
audited: who sent which template to how many, with the filter. Patients without SMS
consent, without a mobile number or on the do-not-contact list are counted and skipped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from agent_desk import json_input
from agent_desk.db import audit, sms_outbox, sms_recipients, sms_replies
from agent_desk.db.engine import Database
from agent_desk.db.sms_models import SmsCampaign
from agent_desk.domain.enums import AuditAction, AuditSubject, SmsKind
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.domain.sms_filter import CampaignFilter
from agent_desk.errors import UserError
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.services.sms import signature
from agent_desk.services.sms_outbox import Clock, utc_now
from agent_desk.settings import Settings
from agent_desk.sms import text as sms_text
from agent_desk.sms.pdu import part_count

SAMPLE_SIZE = 5


class CampaignChanged(UserError):
    """The group changed between the preview and the send: preview again."""


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    number: str  # masked
    text: str


@dataclass(frozen=True, slots=True)
class CampaignPreview:
    sendable: int
    no_consent: int
    no_number: int
    do_not_contact: int
    parts_each: int  # of the sample's first message: what one patient receives
    samples: tuple[Sample, ...]

    @property
    def skipped(self) -> int:
        return self.no_consent + self.no_number + self.do_not_contact


@dataclass(frozen=True, slots=True)
class CampaignResult:
    campaign_id: uuid.UUID
    queued: int
    skipped: int


def builtin_templates_file() -> Path:
    from importlib.resources import files

    return Path(str(files("agent_desk.resources") / "sms" / "templates.json"))


def load_templates(override: Path | None = None) -> dict[str, str]:
    """The campaign templates: built-in, then the data folder's (same name replaces)."""
    templates: dict[str, str] = {}
    for path in (builtin_templates_file(), override):
        if path is None or not path.is_file():
            continue
        data = json_input.read(path)
        entries = data.get("templates", {}) if isinstance(data, dict) else {}
        templates |= {str(name): str(text) for name, text in entries.items()}
    return templates


class CampaignService:
    def __init__(self, db: Database, settings: Settings, clock: Clock = utc_now) -> None:
        self.db, self.settings, self.clock = db, settings, clock

    def _today(self) -> date:
        return self.clock().astimezone(HOSPITAL_TZ).date()

    def _plan(
        self, principal: Principal, template: str, wanted: CampaignFilter
    ) -> tuple[list[sms_outbox.NewMessage], CampaignPreview]:
        principal.require(Permission.SEND_CAMPAIGNS)
        sms_text.check_template(template)
        sign = signature(self.settings)
        with self.db.read() as session:
            people = sms_recipients.campaign_recipients(
                session, wanted, principal.department_filter(), self._today(), now=self.clock()
            )
            blocked = sms_replies.listed_numbers(session)
        messages: list[sms_outbox.NewMessage] = []
        samples: list[Sample] = []
        no_consent = no_number = listed = 0
        for person in people:
            if not person.consent_sms:
                no_consent += 1
                continue
            if person.number is None:
                no_number += 1
                continue
            if person.number in blocked:
                listed += 1
                continue
            revisit = person.next_revisit
            fields = {
                "姓名": person.name,
                "科室": person.department,
                "出院日期": person.discharged_on.isoformat() if person.discharged_on else "",
                # The next booking holding a place; blank when the patient has none.
                "复诊时间": sms_text.revisit_time(revisit, HOSPITAL_TZ) if revisit else "",
            }
            text = sms_text.signed(sms_text.fill(template, fields), sign)
            messages.append(
                sms_outbox.NewMessage(
                    kind=SmsKind.CAMPAIGN,
                    number=person.number,
                    text=text,
                    created_by=principal.username,
                    patient_id=person.patient_id,
                )
            )
            if len(samples) < SAMPLE_SIZE:
                samples.append(Sample(person.name, mask_phone(person.number), text))
        parts = part_count(messages[0].text) if messages else 0
        preview = CampaignPreview(
            len(messages), no_consent, no_number, listed, parts, tuple(samples)
        )
        return messages, preview

    def preview(
        self, principal: Principal, template: str, wanted: CampaignFilter
    ) -> CampaignPreview:
        return self._plan(principal, template, wanted)[1]

    def send(
        self,
        principal: Principal,
        name: str,
        template: str,
        wanted: CampaignFilter,
        expected: int | None = None,
    ) -> CampaignResult:
        """Queue the campaign. *expected* is the count the person confirmed in the preview:
        when the group has changed since, nothing is queued (CampaignChanged)."""
        messages, preview = self._plan(principal, template, wanted)
        if expected is not None and expected != preview.sendable:
            raise CampaignChanged(
                f"the campaign now reaches {preview.sendable} patients, not the {expected} "
                "confirmed: preview it again"
            )
        now = self.clock()
        campaign_id = uuid.uuid4()
        with self.db.write() as session:
            session.add(
                SmsCampaign(
                    id=campaign_id,
                    name=name,
                    template=template,
                    filter={"text": wanted.as_text()},
                    queued=preview.sendable,
                    skipped=preview.skipped,
                    created_by=principal.username,
                    created_at=now,
                )
            )
            session.flush()
            rows = [
                sms_outbox.NewMessage(
                    kind=m.kind,
                    number=m.number,
                    text=m.text,
                    created_by=m.created_by,
                    patient_id=m.patient_id,
                    campaign_id=campaign_id,
                    dedupe_key=f"campaign:{campaign_id}:{m.patient_id}",
                )
                for m in messages
            ]
            queued = sms_outbox.queue(session, rows, now)
            audit.record(
                session,
                principal.username,
                AuditAction.SMS_CAMPAIGN,
                AuditSubject.SMS,
                campaign_id,
                name=name,
                template=template,
                filter=wanted.as_text(),
                queued=queued,
                skipped=preview.skipped,
            )
        return CampaignResult(campaign_id, queued, preview.skipped)
