"""The worklist as the window sees it: pages of rows, counts, and the departments to filter by.

A nurse or a doctor works their departments' patients (least privilege): the service keeps
their worklist to those departments (the principal's department scope) whatever filter a
screen asks for. A role without VIEW_RECORDS (an administrator who is not also a
supervisor) has an empty worklist: no patient's name reaches its screen.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from dataclasses import replace
from datetime import date
from typing import Any

from agent_desk.db import staff
from agent_desk.db import worklist as worklist_queries
from agent_desk.db.engine import Database
from agent_desk.db.worklist import Cursor, WorklistFilter, cursor_of
from agent_desk.domain.enums import WorklistView
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.domain.views import DepartmentView, WorklistRow

FIRST_VIEW = WorklistView.DUE  # the list the window opens on


class WorklistService:
    def __init__(self, db: Database, principal: Principal | None = None) -> None:
        """*principal* None: the whole hospital (benchmarks and tests of the lists alone)."""
        self._db = db
        self.scope: frozenset[uuid.UUID] | None = None
        if principal is not None:
            # No department matches the empty scope: nothing to list for such a role.
            may_view = principal.may(Permission.VIEW_RECORDS)
            self.scope = principal.department_filter() if may_view else frozenset()
        self._ahead: dict[Hashable, Any] = {}  # read_ahead's answers, each given once

    def read_ahead(self, today: date, page_size: int) -> None:
        """Reads now what the window asks first (issue 18, `startup_s`): the departments,
        and of its first list (FIRST_VIEW in the fixed department, or all) the count, the
        first page and how many are due tomorrow. Made on the thread that opens the
        database, while the window's modules load: SQLite reads outside the interpreter
        lock. Each answer goes to the first question that matches it; any later one, or
        one that differs (another day, another page size), reads afresh."""
        self._ahead = {}
        departments = self.departments()
        fixed = self.fixed_department(departments)
        flt = WorklistFilter(FIRST_VIEW, today, None if fixed is None else fixed.id)
        tomorrow = replace(flt, view=WorklistView.TOMORROW)
        self._ahead = {
            ("departments",): departments,
            ("count", flt): self.count(flt),
            ("page", flt, page_size): self.page(flt, page_size, None),
            ("count", tomorrow): self.count(tomorrow),
        }

    def unanswered(self) -> list[Hashable]:
        """The questions read ahead that nobody has asked yet."""
        return list(self._ahead)

    def count(self, flt: WorklistFilter) -> int:
        if (ahead := self._ahead.pop(("count", flt), None)) is not None:
            return int(ahead)
        with self._db.read() as session:
            return worklist_queries.count(session, self._scoped(flt))

    def page(self, flt: WorklistFilter, limit: int, after: WorklistRow | None) -> list[WorklistRow]:
        if after is None and (ahead := self._ahead.pop(("page", flt, limit), None)) is not None:
            return list(ahead)
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
        if (ahead := self._ahead.pop(("departments",), None)) is not None:
            return list(ahead)
        with self._db.read() as session:
            found = staff.departments(session)
        return [dept for dept in found if self.scope is None or dept.id in self.scope]

    def fixed_department(self, departments: list[DepartmentView]) -> DepartmentView | None:
        """The one department of a user bound to it (*departments*: departments()), whose
        lists show only it; None when the user may choose."""
        return departments[0] if self.scope is not None and len(departments) == 1 else None

    def _scoped(self, flt: WorklistFilter) -> WorklistFilter:
        return flt if self.scope is None else replace(flt, scope=self.scope)
