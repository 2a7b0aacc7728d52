"""The one shape of the workstation's read-only tables: a list of rows (plain dataclasses),
column constants, headers, and a sort a view's header can ask for.

A subclass says its columns (an IntEnum), its headers, what a cell shows (data) and, to be
sortable, what a cell sorts by (sort_key: numbers as numbers, not as the text shown).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

R = TypeVar("R")
INDEX = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole


class RowsModel(QAbstractTableModel, Generic[R]):
    columns: ClassVar[type[IntEnum]]
    pinned_last = 0  # rows kept at the bottom whatever the sort (a total)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[R] = []

    # --- what a subclass says ----------------------------------------------------------

    def headers(self) -> list[str]:
        raise NotImplementedError

    def header_tip(self, column: int) -> str | None:
        return None

    def sort_key(self, row: R, column: int) -> Any:
        """What *row* sorts by in *column*; None sorts last either way (and a table whose
        model says None for every cell keeps its order)."""
        return None

    # --- rows --------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def add_rows(self, rows: Sequence[R]) -> None:
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    # --- Qt's model interface ----------------------------------------------------------

    def rowCount(self, parent: INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation is not Qt.Orientation.Horizontal:
            return None
        if role == DISPLAY:
            return self.headers()[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tip(section)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by *column* (the pinned last rows stay last), keeping selections."""
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [(self.rows[index.row()], index.column()) for index in before]
        cut = len(self.rows) - self.pinned_last
        keyed = [(self.sort_key(row, column), row) for row in self.rows[:cut]]
        known = sorted(
            (item for item in keyed if item[0] is not None),
            key=lambda item: item[0],
            reverse=order is Qt.SortOrder.DescendingOrder,
        )
        unknown = [item for item in keyed if item[0] is None]
        self.rows = [row for _, row in known + unknown] + self.rows[cut:]
        position = {id(row): n for n, row in enumerate(self.rows)}
        self.changePersistentIndexList(
            before, [self.index(position[id(row)], col) for row, col in held]
        )
        self.layoutChanged.emit()
