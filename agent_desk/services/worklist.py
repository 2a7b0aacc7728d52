"""The worklist as the window sees it: pages of rows, counts, and the departments to filter by.

A nurse or a doctor works one department's patients (least privilege): the service keeps
their worklist to that department whatever filter a screen asks for.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from agent_desk.db import staff
from agent_desk.db import worklist as worklist_queries
from agent_desk.db.engine import Database
from agent_desk.db.worklist import Cursor, WorklistFilter, cursor_of
from agent_desk.domain.enums import Role
from agent_desk.domain.views import DepartmentView, StaffView, WorklistRow

# Roles that work one department's patients only; the others see all.
DEPARTMENT_BOUND = frozenset({Role.NURSE, Role.DOCTOR})


def department_scope(user: StaffView) -> uuid.UUID | None:
    """The one department whose tasks *user* may see; None when all of them."""
    return user.department_id if user.role in DEPARTMENT_BOUND else None


class WorklistService:
    def __init__(self, db: Database, scope: uuid.UUID | None = None) -> None:
        self._db = db
        self.scope = scope  # see department_scope

    def count(self, flt: WorklistFilter) -> int:
        with self._db.read() as session:
            return worklist_queries.count(session, self._scoped(flt))

    def page(self, flt: WorklistFilter, limit: int, after: WorklistRow | None) -> list[WorklistRow]:
        cursor: Cursor | None = cursor_of(after) if after is not None else None
        with self._db.read() as session:
            return worklist_queries.page(session, self._scoped(flt), limit, cursor)

    def departments(self) -> list[DepartmentView]:
        with self._db.read() as session:
            found = staff.departments(session)
        return [dept for dept in found if self.scope is None or dept.id == self.scope]

    def _scoped(self, flt: WorklistFilter) -> WorklistFilter:
        return flt if self.scope is None else replace(flt, department_id=self.scope)
