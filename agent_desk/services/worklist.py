"""The worklist as the window sees it: pages of rows, counts, and the departments to filter by."""

from __future__ import annotations

from agent_desk.db import staff
from agent_desk.db import worklist as worklist_queries
from agent_desk.db.engine import Database
from agent_desk.db.worklist import Cursor, WorklistFilter, cursor_of
from agent_desk.domain.views import DepartmentView, WorklistRow


class WorklistService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def count(self, flt: WorklistFilter) -> int:
        with self._db.read() as session:
            return worklist_queries.count(session, flt)

    def page(self, flt: WorklistFilter, limit: int, after: WorklistRow | None) -> list[WorklistRow]:
        cursor: Cursor | None = cursor_of(after) if after is not None else None
        with self._db.read() as session:
            return worklist_queries.page(session, flt, limit, cursor)

    def departments(self) -> list[DepartmentView]:
        with self._db.read() as session:
            return staff.departments(session)
