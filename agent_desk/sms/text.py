"""The words of a text message: signature, templates, and what a reply means.

Pure functions, shared by the senders, the receiver and the campaign preview.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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
