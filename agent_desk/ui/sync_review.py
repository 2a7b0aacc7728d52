"""The sync review: changes the central server refused, settled one by one by a person.

Nothing here decides on its own: the dialog lists what agent_desk.sync.conflicts keeps,
shows where the two versions differ (identifiers masked, as everywhere on screen), and
hands the person's choice back to resolve_issue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_desk.db.engine import Database
from agent_desk.db.sync_codec import to_python
from agent_desk.db.sync_issues import IssueView
from agent_desk.db.sync_tables import synced_table
from agent_desk.domain.enums import ConflictResolution, SyncIssueKind, SyncOp
from agent_desk.domain.masking import IDENTIFIER_COLUMNS, mask
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.sync.conflicts import CannotResolve, open_issues, resolve_issue
from agent_desk.ui.labels import format_date, format_datetime, label, table_label

_ISSUE_ROLE = Qt.ItemDataRole.UserRole + 1
_MISSING = "—"

# Bookkeeping the server sets on every write: it always differs in a conflict and is not
# what the person chooses between (resolve_issue never copies it back either).
_BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at"})

# PIPL: identifiers (phone, ID-card and insurance numbers, the address) are masked on
# screen. Names are shown as the worklist and the card show them: two masked names (王**
# against 王**) would leave the reviewer nothing to choose between.
_NEVER_SHOWN = frozenset({"password_hash"})  # not even masked: a hash helps nobody decide


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One field whose wire values differ; None where that side has no row."""

    name: str
    local: Any
    server: Any


def differing_fields(issue: IssueView) -> list[FieldDifference]:
    """The fields where this workstation's version and the server's differ, in the
    table's column order. A side without a row (a refused insert, a row that could not
    come down, a delete) differs in every field the other side fills."""
    local = issue.local_payload or {}
    server = issue.server_payload or {}
    names = [n for n in _column_order(issue.table_name) if n in local or n in server]
    names += sorted((local.keys() | server.keys()) - set(names))
    return [
        FieldDifference(name, local.get(name), server.get(name))
        for name in names
        if name not in _BOOKKEEPING and _filled(local.get(name)) != _filled(server.get(name))
    ]


def _filled(value: Any) -> Any:
    """None for an empty value: no row and an empty list of tags show alike, so they
    are no difference worth a line."""
    return None if value in ("", [], {}) else value


def _column_order(table_name: str) -> tuple[str, ...]:
    try:
        return synced_table(table_name).column_names
    except LookupError:  # a table this workstation does not sync: keys sorted instead
        return ()


def _masked(table_name: str, field: str, text: str) -> str:
    if field in _NEVER_SHOWN:
        return "********"
    identifier = IDENTIFIER_COLUMNS.get(field)
    return text if identifier is None else mask(identifier, text)


def _as_python(table_name: str, field: str, value: Any) -> Any:
    """The value as the workstation holds it (a time, a date, an enum), for display."""
    try:
        table = synced_table(table_name)
        converted = next(iter(to_python(table, {field: value}).values()), value)
        # The codec leaves enums as their stored strings (the ORM takes those); the label
        # needs the member.
        column = table.table.columns.get(field)
        enum_class = getattr(column.type, "enum_class", None) if column is not None else None
        return enum_class(converted) if enum_class is not None else converted
    except (LookupError, ValueError, TypeError):
        # A newer server's table, column or enum value: shown as it was sent.
        return value


class SyncReviewDialog(QDialog):
    """Lists the open sync issues; each choice is applied at once and the list reloads."""

    resolved = Signal()  # after each successful choice, so the status bar can recount

    def __init__(self, db: Database, principal: Principal, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._principal = principal  # who decides, for the audit log
        self.setWindowTitle(self.tr("Changes to review"))
        self.resize(860, 560)
        self._build()
        self.reload()

    # --- layout ----------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        self.empty = QLabel(self.tr("Nothing to review: every change reached the server."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._build_review())
        layout.addWidget(self.pages, 1)

        buttons = QHBoxLayout()
        self.keep_server = QPushButton(label(ConflictResolution.KEEP_SERVER))
        self.keep_server.clicked.connect(lambda: self._choose(ConflictResolution.KEEP_SERVER))
        self.send_again = QPushButton(label(ConflictResolution.REAPPLY_LOCAL))
        self.send_again.clicked.connect(lambda: self._choose(ConflictResolution.REAPPLY_LOCAL))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(self.keep_server)
        buttons.addWidget(self.send_again)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def _build_review(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            self.tr(
                "The central server did not take these changes. For each one, choose which"
                " version stays."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.issues = QTableWidget(0, 4)
        self.issues.setHorizontalHeaderLabels(
            [self.tr("Detected"), self.tr("What"), self.tr("Problem"), self.tr("Server's message")]
        )
        _tidy(self.issues, stretch=3)
        self.issues.itemSelectionChanged.connect(self._show_selected)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lower_layout.addWidget(self.summary)
        self.comparison = QTableWidget(0, 3)
        self.comparison.setHorizontalHeaderLabels(
            [self.tr("Field"), self.tr("On this workstation"), self.tr("On the server")]
        )
        _tidy(self.comparison, stretch=None)
        lower_layout.addWidget(self.comparison)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.issues)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        return page

    # --- the list --------------------------------------------------------------------

    def reload(self) -> None:
        """Read the open issues again, keeping the selection at the same place in the list
        (after a choice, the next issue moves up into it)."""
        row = max(self.issues.currentRow(), 0)
        found = open_issues(self._db)
        self.issues.setRowCount(0)
        for issue in found:
            self._add_issue(issue)
        self.pages.setCurrentIndex(1 if found else 0)
        if found:
            self.issues.selectRow(min(row, len(found) - 1))
        self._show_selected()

    def _add_issue(self, issue: IssueView) -> None:
        row = self.issues.rowCount()
        self.issues.insertRow(row)
        texts = (
            format_datetime(issue.detected_at),
            table_label(issue.table_name),
            label(issue.kind),
            issue.error or "",
        )
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.issues.setItem(row, column, item)
        first = self.issues.item(row, 0)
        if first is not None:
            first.setData(_ISSUE_ROLE, issue)

    def selected_issue(self) -> IssueView | None:
        item = self.issues.item(self.issues.currentRow(), 0)
        issue: IssueView | None = item.data(_ISSUE_ROLE) if item is not None else None
        return issue

    # --- one issue -------------------------------------------------------------------

    def _show_selected(self) -> None:
        issue = self.selected_issue()
        self.comparison.setRowCount(0)
        self.keep_server.setEnabled(issue is not None)
        self.send_again.setEnabled(issue is not None and _can_send_again(issue))
        if issue is None:
            self.summary.clear()
            return
        differences = differing_fields(issue)
        both = issue.local_payload is not None and issue.server_payload is not None
        self.summary.setText(self._summary(issue, same_values=both and not differences))
        for difference in differences:
            row = self.comparison.rowCount()
            self.comparison.insertRow(row)
            local = self._side_text(issue, difference.name, difference.local, mine=True)
            server = self._side_text(issue, difference.name, difference.server, mine=False)
            for column, text in enumerate((difference.name, local, server)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.comparison.setItem(row, column, item)

    def _summary(self, issue: IssueView, same_values: bool) -> str:
        if issue.kind is SyncIssueKind.CONFLICT:
            text = self.tr(
                "Someone changed this on another workstation before your change arrived."
            )
        elif issue.kind is SyncIssueKind.PULL_FAILED:
            text = self.tr(
                "The server's version could not be saved on this workstation. Keeping it"
                " makes the next sync download everything afresh."
            )
        else:
            text = self.tr("The server refused this change.")
        if same_values:
            text += " " + self.tr("Both versions hold the same values.")
        elif issue.local_payload is None and issue.server_payload is None:
            # A row that failed in the first full download is recorded without its values.
            text += " " + self.tr("No field values were kept: the server's message says why.")
        return text

    def _side_text(self, issue: IssueView, field: str, value: Any, mine: bool) -> str:
        # A delete carries no row, only the intent. The op is this workstation's for a
        # refused change, and the server's for a row that could not come down.
        deleted_here = issue.kind is not SyncIssueKind.PULL_FAILED
        if issue.op is SyncOp.DELETE and mine == deleted_here:
            return self.tr("deleted")
        return self._value_text(issue.table_name, field, value)

    def _value_text(self, table_name: str, field: str, value: Any) -> str:
        if _filled(value) is None:
            return _MISSING
        shown = _as_python(table_name, field, value)
        if isinstance(shown, bool):
            text = self.tr("Yes") if shown else self.tr("No")
        elif isinstance(shown, datetime):
            text = format_datetime(shown)
        elif isinstance(shown, date):
            text = format_date(shown)
        elif isinstance(shown, Enum):
            text = label(shown)
        elif isinstance(shown, dict | list):
            text = json.dumps(shown, ensure_ascii=False, sort_keys=True)
        else:
            text = str(shown)
        return _masked(table_name, field, text)

    # --- the choice ------------------------------------------------------------------

    def _choose(self, resolution: ConflictResolution) -> None:
        issue = self.selected_issue()
        if issue is None:
            return
        try:
            resolve_issue(self._db, issue.id, resolution, self._principal)
        except (CannotResolve, PermissionDenied) as exc:
            # Nothing was changed (resolve_issue is one transaction): say why and stay.
            QMessageBox.warning(self, self.tr("This cannot be done"), str(exc))
            return
        self.reload()
        self.resolved.emit()


def _can_send_again(issue: IssueView) -> bool:
    """resolve_issue refuses these; the button says so before anyone clicks."""
    return issue.kind is not SyncIssueKind.PULL_FAILED and issue.local_payload is not None


def _tidy(table: QTableWidget, stretch: int | None) -> None:
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
