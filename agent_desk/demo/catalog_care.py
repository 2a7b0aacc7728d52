"""Word lists for the demo hospital's care: visits, discharges, follow-up outcomes and forms."""

from __future__ import annotations

from agent_desk.domain.enums import AttemptOutcome, DischargeDisposition, LostReason

# Encounters per patient (1-5): older patients come back more often.
ENCOUNTER_WEIGHTS_YOUNG = (0.38, 0.28, 0.18, 0.10, 0.06)
ENCOUNTER_WEIGHTS_OLD = (0.22, 0.26, 0.24, 0.16, 0.12)
DISPOSITIONS = (
    (DischargeDisposition.HOME, 0.93),
    (DischargeDisposition.TRANSFER, 0.03),
    (DischargeDisposition.AGAINST_ADVICE, 0.03),
    (DischargeDisposition.OTHER, 0.01),
)

# (label shown, what the statistics group by, the last attempt's outcome), as the retry
# policy (agent_desk/plans/retry.py) would have ended the task.
LOST_REASONS: tuple[tuple[str, LostReason, AttemptOutcome], ...] = (
    ("三次未接通", LostReason.UNREACHABLE, AttemptOutcome.NO_ANSWER),
    ("三次未接通", LostReason.UNREACHABLE, AttemptOutcome.NO_ANSWER),
    ("三次未接通", LostReason.UNREACHABLE, AttemptOutcome.NO_ANSWER),
    ("三次未接通", LostReason.UNREACHABLE, AttemptOutcome.SWITCHED_OFF),
    ("空号", LostReason.NUMBER_INVALID, AttemptOutcome.NUMBER_INVALID),
    ("拒绝回访", LostReason.REFUSED, AttemptOutcome.REFUSED),
    ("号码错误", LostReason.WRONG_NUMBER, AttemptOutcome.WRONG_NUMBER),
    ("患者已故", LostReason.DECEASED, AttemptOutcome.DECEASED),
)
FAILED_OUTCOMES = (
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.BUSY,
    AttemptOutcome.SWITCHED_OFF,
)
SMS_NOTE = "未接通，已发送回访提醒短信"

# The general_discharge template's answer codes (resources/forms/general_discharge/1.json),
# with how often each is given.
RESPONDENTS = (("patient", 70), ("family", 27), ("other", 3))
RECOVERY = (
    ("recovered", 30), ("improved", 42), ("slightly_improved", 18), ("unchanged", 7), ("worse", 3)
)  # fmt: skip
MEDICATION = (
    ("as_prescribed", 75), ("sometimes_missed", 10), ("stopped", 3), ("no_medication", 12)
)  # fmt: skip
MEDICATION_PROBLEMS = ("忘记服药", "担心副作用自行减量", "药吃完了未及时复诊开药", "觉得好了就停了")
WOUND = (("no_wound", 55), ("healed", 38), ("redness", 6), ("infected", 1))
SYMPTOMS = (("none", 64), ("mild", 29), ("marked", 7))
SYMPTOM_DETAILS = ("偶有头晕", "活动后轻微胸闷", "伤口周围轻微疼痛", "夜间咳嗽", "食欲较差", "乏力")
UNDERSTOOD = (("fully", 80), ("partly", 17), ("not", 3))
CONSULTATIONS = ("复查需要空腹吗？", "出院带药吃完后还要继续吃吗？", "什么时候可以恢复正常工作？")
# Satisfaction marks, 5 (非常满意) to 1 (非常不满意), for a contented patient and one who
# complains; "no_opinion" (不清楚/不评价) is asked of cost more often than of the rest.
SATISFACTION_CODES = ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")
CONTENTED = (66, 27, 5, 1.5, 0.5)
UNHAPPY = (15, 25, 30, 20, 10)
NO_OPINION = {"doctors": 0.01, "nurses": 0.01, "environment": 0.02, "cost": 0.06, "overall": 0.01}
PRAISE = (
    "护士很耐心，出院指导讲得很清楚，谢谢！",
    "主治医生医术高明，态度很好。",
    "病房干净整洁，护理到位。",
    "夜班护士巡视及时，半夜按铃马上就来了。",
    "医生查房时解释病情很仔细，让我们很放心。",
    "手术很成功，感谢科室全体医护人员。",
)
COMPLAINTS = (
    "办理出院手续排队时间太长。",
    "夜间病房有些吵，休息不好。",
    "做检查等候时间太久，没有人告知要等多久。",
    "个别护士说话语气生硬。",
    "住院费用清单看不明白，没有人解释。",
)
SUGGESTIONS = (
    "希望能增加周末的专家门诊。",
    "建议停车场增加车位。",
    "建议病房增加陪护床。",
    "希望出院带药能在病房直接领取。",
)
