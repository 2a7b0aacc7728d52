"""The worklist as the window sees it: pages of rows, counts, and the departments to filter by.

A nurse or a doctor works their departments' patients (least privilege): the service keeps
their worklist to those departments (the principal's department scope) whatever filter a
screen asks for. A role without VIEW_RECORDS (an administrator who is not also a
supervisor) has an empty worklist: no patient's name reaches its screen.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from agent_desk.db import staff
from agent_desk.db import worklist as worklist_queries
from agent_desk.db.engine import Database
from agent_desk.db.worklist import Cursor, WorklistFilter, cursor_of
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.domain.views import DepartmentView, WorklistRow


class WorklistService:
    def __init__(self, db: Database, principal: Principal | None = None) -> None:
        """*principal* None: the whole hospital (benchmarks and tests of the lists alone)."""
        self._db = db
        self.scope: frozenset[uuid.UUID] | None = None
        if principal is not None:
            # No department matches the empty scope: nothing to list for such a role.
            may_view = principal.may(Permission.VIEW_RECORDS)
            self.scope = principal.department_filter() if may_view else frozenset()

    def count(self, flt: WorklistFilter) -> int:
        with self._db.read() as session:
            return worklist_queries.count(session, self._scoped(flt))

    def page(self, flt: WorklistFilter, limit: int, after: WorklistRow | None) -> list[WorklistRow]:
        cursor: Cursor | None = cursor_of(after) if after is not None else None
        with self._db.read() as session:
            return worklist_queries.page(session, self._scoped(flt), limit, cursor)

    def rows_of(self, task_ids: list[uuid.UUID]) -> list[WorklistRow]:
        """The rows of these tasks (what a statistic counts), those outside the scope left
        out; in the order given."""
        if self.scope is not None and not self.scope:
            return []
        with self._db.read() as session:
            return worklist_queries.rows_of(session, task_ids, self.scope)

    def departments(self) -> list[DepartmentView]:
        with self._db.read() as session:
            found = staff.departments(session)
        return [dept for dept in found if self.scope is None or dept.id in self.scope]

    def _scoped(self, flt: WorklistFilter) -> WorklistFilter:
        return flt if self.scope is None else replace(flt, scope=self.scope)
