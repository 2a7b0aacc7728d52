"""Staff accounts and departments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_desk.db import natural_keys
from agent_desk.db.models import Department, StaffUser
from agent_desk.domain.enums import Role
from agent_desk.domain.passwords import hash_password, verify_password
from agent_desk.domain.views import DepartmentView, StaffView


class StaffError(ValueError):
    pass


def _view(user: StaffUser, department_name: str | None) -> StaffView:
    return StaffView(
        user.id,
        user.username,
        user.display_name,
        user.role,
        user.department_id,
        department_name,
        user.active,
        # A role this version does not know (added by a newer workstation) grants nothing.
        tuple(Role(r) for r in user.extra_roles or () if r in Role._value2member_map_),
        tuple(uuid.UUID(d) for d in user.extra_departments or ()),
    )


def count_users(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(StaffUser).where(StaffUser.password_hash.is_not(None))
        )
        or 0
    )


def department_by_code(session: Session, code: str) -> Department:
    department = session.scalar(select(Department).where(Department.code == code))
    if department is None:
        known = ", ".join(session.scalars(select(Department.code).order_by(Department.code)))
        raise StaffError(
            f"unknown department code {code!r}" + (f"; known: {known}" if known else "")
        )
    return department


def departments(session: Session) -> list[DepartmentView]:
    return [
        DepartmentView(d.id, d.code, d.name)
        for d in session.scalars(select(Department).order_by(Department.code))
    ]


def add_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    department_code: str | None = None,
    display_name: str | None = None,
    *,
    extra_roles: Sequence[Role] = (),
    extra_department_codes: Sequence[str] = (),
) -> StaffView:
    """A new account: *role* and *department_code* are the primary ones, the extras the
    others it also holds (an admin who is also a supervisor, several departments)."""
    username = username.strip()
    if not username:
        raise StaffError("user name is empty")
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        raise StaffError(f"user {username!r} already exists")
    department = department_by_code(session, department_code) if department_code else None
    extra_departments = [department_by_code(session, code) for code in extra_department_codes]
    user = StaffUser(
        id=natural_keys.staff_id(username),
        username=username,
        display_name=display_name or username,
        role=role,
        department_id=department.id if department else None,
        password_hash=hash_password(password),
        extra_roles=list(dict.fromkeys(r.value for r in extra_roles if r is not role)),
        extra_departments=list(
            dict.fromkeys(str(d.id) for d in extra_departments if d is not department)
        ),
    )
    session.add(user)
    session.flush()
    return _view(user, department.name if department else None)


def set_password(session: Session, username: str, password: str) -> None:
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise StaffError(f"no user {username!r}")
    user.password_hash = hash_password(password)


def change_user(
    session: Session,
    username: str,
    roles: Sequence[Role] | None,
    department_codes: Sequence[str] | None,
    active: bool | None,
) -> StaffView:
    """Replace the account's roles and/or departments (the first of each primary), or turn
    it off or on; None leaves that part as it is."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None:
        raise StaffError(f"no user {username!r}")
    if roles is not None:
        if not roles:
            raise StaffError("an account needs a role")
        user.role = roles[0]
        user.extra_roles = list(dict.fromkeys(r.value for r in roles[1:] if r is not roles[0]))
    if department_codes is not None:
        found = [department_by_code(session, code) for code in department_codes]
        user.department_id = found[0].id if found else None
        user.extra_departments = list(dict.fromkeys(str(d.id) for d in found[1:]))
    if active is not None:
        user.active = active
    session.flush()
    department = session.get(Department, user.department_id) if user.department_id else None
    return _view(user, department.name if department else None)


def list_users(session: Session) -> list[StaffView]:
    rows = session.execute(
        select(StaffUser, Department.name)
        .outerjoin(Department, Department.id == StaffUser.department_id)
        .order_by(StaffUser.username)
    )
    return [_view(user, dept) for user, dept in rows]


def authenticate(session: Session, username: str, password: str) -> StaffView | None:
    """The account, when the password is right and the account active; None otherwise."""
    row = session.execute(
        select(StaffUser, Department.name)
        .outerjoin(Department, Department.id == StaffUser.department_id)
        .where(StaffUser.username == username.strip())
    ).first()
    if row is None:
        return None
    user, dept = row
    if not user.active or user.password_hash is None:
        return None
    if not verify_password(user.password_hash, password):
        return None
    return _view(user, dept)


def get_user(session: Session, user_id: uuid.UUID) -> StaffView | None:
    row = session.execute(
        select(StaffUser, Department.name)
        .outerjoin(Department, Department.id == StaffUser.department_id)
        .where(StaffUser.id == user_id)
    ).first()
    return _view(*row) if row else None
