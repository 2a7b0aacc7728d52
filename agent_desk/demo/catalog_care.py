"""Word lists for the demo hospital's care: visits, discharges, follow-up outcomes and forms."""

from __future__ import annotations

from agent_desk.domain.enums import AttemptOutcome, DischargeDisposition

# Encounters per patient (1-5): older patients come back more often.
ENCOUNTER_WEIGHTS_YOUNG = (0.38, 0.28, 0.18, 0.10, 0.06)
ENCOUNTER_WEIGHTS_OLD = (0.22, 0.26, 0.24, 0.16, 0.12)
DISPOSITIONS = (
    (DischargeDisposition.HOME, 0.93),
    (DischargeDisposition.TRANSFER, 0.03),
    (DischargeDisposition.AGAINST_ADVICE, 0.03),
    (DischargeDisposition.OTHER, 0.01),
)

LOST_REASONS: tuple[tuple[str, AttemptOutcome], ...] = (
    ("三次未接通", AttemptOutcome.NO_ANSWER),
    ("三次未接通", AttemptOutcome.NO_ANSWER),
    ("三次未接通", AttemptOutcome.NO_ANSWER),
    ("空号", AttemptOutcome.NUMBER_INVALID),
    ("停机", AttemptOutcome.SWITCHED_OFF),
    ("拒绝回访", AttemptOutcome.REFUSED),
    ("号码错误", AttemptOutcome.WRONG_NUMBER),
    ("患者已故", AttemptOutcome.DECEASED),
)
FAILED_OUTCOMES = (
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.BUSY,
    AttemptOutcome.SWITCHED_OFF,
)
SMS_NOTE = "未接通，已发送回访提醒短信"

RECOVERY_LEVELS = (("good", 75, 100, 0.7), ("fair", 55, 80, 0.25), ("poor", 40, 60, 0.05))
MEDICATION = ("regular", "regular", "regular", "regular", "irregular", "stopped")
COMMENTS = (
    ("praise", "护士很耐心，出院指导讲得很清楚，谢谢！"),
    ("praise", "主治医生医术高明，态度很好。"),
    ("praise", "病房干净整洁，护理到位。"),
    ("criticism", "办理出院手续排队时间太长。"),
    ("criticism", "夜间病房有些吵，休息不好。"),
    ("suggestion", "希望能增加周末的专家门诊。"),
    ("suggestion", "建议停车场增加车位。"),
)
