"""The words of a text message: signature, templates, and what a reply means.

Pure functions, shared by the senders, the receiver and the campaign preview.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo

from agent_desk.domain.enums import SmsReplyKind
from agent_desk.errors import UserError

# The placeholders a campaign template may use; each is filled from the patient's data.
PLACEHOLDERS = ("姓名", "科室", "出院日期", "复诊时间")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# Carriers in China ask for TD (退订) as the unsubscribe word; N is what older people send.
OPT_OUT_WORDS = frozenset({"TD", "退订", "N"})
_NOISE = re.compile(r"[\s。.,，!！、]+")
# "1 满意 2 一般 3 不满意" as scores on the forms' 5…1 scale.
SATISFACTION_SCORES: Mapping[str, int] = {
    "1": 5,
    "满意": 5,
    "2": 3,
    "一般": 3,
    "3": 1,
    "不满意": 1,
}
SATISFACTION_QUESTION = "请回复数字评价本次服务：1 满意 2 一般 3 不满意"
# The day before a revisit (S4); one part with the signature, and it asks for the words below.
REVISIT_REMINDER = (
    "您预约了{复诊时间} {科室}复诊，回复“确认”确认，回复“改期”我们将致电为您改约。回复TD退订"
)
REVISIT_ANSWERS: Mapping[str, SmsReplyKind] = {
    "确认": SmsReplyKind.REVISIT_CONFIRMED,
    "确定": SmsReplyKind.REVISIT_CONFIRMED,
    "改期": SmsReplyKind.REVISIT_RESCHEDULE,
    "改约": SmsReplyKind.REVISIT_RESCHEDULE,
}


class TemplateError(UserError):
    """A template names a placeholder that does not exist, or is empty."""


def signed(text: str, hospital: str) -> str:
    """The message as the patient reads it: 【医院名称】 first, as carriers require."""
    signature = f"【{hospital.strip()}】" if hospital.strip() else ""
    body = text.strip()
    return body if signature and body.startswith(signature) else f"{signature}{body}"


def check_template(template: str, extra: tuple[str, ...] = ()) -> None:
    """TemplateError when *template* is empty or names a placeholder not allowed."""
    if not template.strip():
        raise TemplateError("the template is empty")
    known = (*PLACEHOLDERS, *extra)
    unknown = sorted({name for name in _PLACEHOLDER.findall(template)} - set(known))
    if unknown:
        allowed = " ".join(f"{{{p}}}" for p in known)
        raise TemplateError(
            f"unknown placeholder {', '.join('{' + u + '}' for u in unknown)}; use {allowed}"
        )


def fill(template: str, fields: Mapping[str, str], extra: tuple[str, ...] = ()) -> str:
    """The template with each {placeholder} replaced; a missing value leaves it blank."""
    check_template(template, extra)
    return _PLACEHOLDER.sub(lambda m: fields.get(m.group(1), ""), template)


def _bare(text: str) -> str:
    return _NOISE.sub("", text).upper()


def is_opt_out(text: str) -> bool:
    return _bare(text) in OPT_OUT_WORDS


def satisfaction_score(text: str) -> int | None:
    """5, 3 or 1 for a reply of 1/2/3 (or the words); None for anything else."""
    return SATISFACTION_SCORES.get(_bare(text))


def revisit_answer(text: str) -> SmsReplyKind | None:
    """REVISIT_CONFIRMED for 确认, REVISIT_RESCHEDULE for 改期; None for anything else."""
    return REVISIT_ANSWERS.get(_bare(text))


def revisit_time(starts_at: datetime, zone: tzinfo) -> str:
    """{复诊时间} as the patient reads it: 12月17日 09:30 in *zone* (the hospital's)."""
    local = starts_at.astimezone(zone)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
