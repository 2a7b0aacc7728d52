"""README's roles table says what agent_desk/domain/permissions.py enforces, mark for mark."""

from __future__ import annotations

import re
from pathlib import Path

from agent_desk.domain.enums import Role
from agent_desk.domain.permissions import ROLE_PERMISSIONS, Permission

README = Path(__file__).resolve().parent.parent / "README.md"
COLUMNS = [Role.AGENT, Role.NURSE, Role.DOCTOR, Role.SUPERVISOR, Role.ADMIN, Role.INTEGRATION]
HEADER = (
    "| may | 客服 agent | 护士 nurse | 医生 doctor | 主管 supervisor | 管理员 admin "
    "| 接口 integration |"
)


def _table() -> dict[Permission, list[bool]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER) + 2  # past the header and its |---| line
    rows: dict[Permission, list[bool]] = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        (code,) = re.findall(r"\(`(\w+)`\)$", cells[0])
        rows[Permission(code)] = [cell == "✓" for cell in cells[1:]]
    return rows


def test_the_readme_roles_table_is_the_permissions_table() -> None:
    expected = {
        permission: [permission in ROLE_PERMISSIONS[role] for role in COLUMNS]
        for permission in Permission
    }
    assert _table() == expected
