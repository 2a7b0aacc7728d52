"""审计日志: supervisors and admins look through the audit log and export what they see.

The service (agent_desk.services.audit_log) checks the role and masks identifiers; this
screen only gathers the filter and shows the rows.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from agent_desk.db.audit_log import AuditFilter
from agent_desk.domain.enums import AuditAction
from agent_desk.domain.views import StaffView
from agent_desk.errors import UserError
from agent_desk.services.audit_log import AuditEntry, AuditLogService
from agent_desk.ui.background import Background, LatestOnly
from agent_desk.ui.labels import format_datetime, label
from agent_desk.ui.table_model import INDEX, RowsModel

DEFAULT_DAYS = 7  # what the screen shows when it opens: the last week


class Column(IntEnum):
    TIME = 0
    USER = 1
    ACTION = 2
    ENTITY = 3
    DETAIL = 4


class AuditLogModel(RowsModel[AuditEntry]):
    columns = Column

    def headers(self) -> list[str]:
        return [
            self.tr("Time"),
            self.tr("User"),
            self.tr("Action"),
            self.tr("About"),
            self.tr("Detail"),
        ]

    def data(self, index: INDEX, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        entry = self.rows[index.row()]
        column = Column(index.column())
        if column is Column.TIME:
            return format_datetime(entry.at)
        if column is Column.USER:
            return entry.actor
        if column is Column.ACTION:
            return label(entry.action)
        if column is Column.ENTITY:
            if entry.subject is None:
                return entry.about
            return f"{label(entry.subject)}: {entry.about}" if entry.about else label(entry.subject)
        return entry.detail


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()


class AuditLogDialog(QDialog):
    def __init__(
        self,
        service: AuditLogService,
        user: StaffView,
        today: date,
        background: Background,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._service, self._user, self._background = service, user, background
        self._filter = AuditFilter()
        self._page = 0
        self._pages = LatestOnly(background, self)  # a page for an older search is dropped
        self.setWindowTitle(self.tr("Audit log"))
        self.resize(1000, 600)
        self.user_box = QLineEdit()
        self.user_box.setPlaceholderText(self.tr("Login name"))
        self.patient_box = QLineEdit()
        self.patient_box.setPlaceholderText(self.tr("Record number"))
        self.action_combo = QComboBox()
        self.action_combo.addItem(self.tr("All actions"), None)
        for action in AuditAction:
            self.action_combo.addItem(label(action), action)
        self.date_from = QDateEdit(_qdate(today - timedelta(days=DEFAULT_DAYS)))
        self.date_to = QDateEdit(_qdate(today))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        search = QPushButton(self.tr("Search"))
        search.setDefault(True)
        search.clicked.connect(self.search)
        self.more_button = QPushButton(self.tr("Show more"))
        self.more_button.clicked.connect(self.show_more)
        export = QPushButton(self.tr("Export to CSV…"))
        export.clicked.connect(self._ask_export)
        filters = QFormLayout()
        filters.addRow(self.tr("User"), self.user_box)
        filters.addRow(self.tr("Patient"), self.patient_box)
        filters.addRow(self.tr("Action"), self.action_combo)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        filters.addRow(self.tr("Date"), dates)
        self.model = AuditLogModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.count_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(search)
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.more_button)
        buttons.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.search()

    def current_filter(self) -> AuditFilter:
        first, last = self.date_from.date().toPython(), self.date_to.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        return AuditFilter(
            actor=self.user_box.text().strip() or None,
            patient=self.patient_box.text().strip() or None,
            action=self.action_combo.currentData(),
            since=_local_midnight(first),
            until=_local_midnight(last + timedelta(days=1)),  # the whole last day
        )

    # A year of a busy centre's events is a large query and a large file: both run on the
    # background helper, so the window stays responsive; results arrive on the GUI thread.
    def search(self) -> None:
        self._filter, self._page = self.current_filter(), 0
        self._pages.ask()
        self._load(replace=True)

    def show_more(self) -> None:
        self._page += 1
        self._load(replace=False)

    def export_to(self, path: Path) -> None:
        """Write the rows this filter selects to *path*; the count shows when it is done."""
        service, user, flt = self._service, self._user, self._filter
        self._background.run(
            self,
            lambda: service.export_csv(user.principal, flt, path),
            self._exported,
            self._refused,
        )

    def _ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export to CSV…"), "audit_log.csv", self.tr("CSV files (*.csv)")
        )
        if name:
            self.export_to(Path(name))

    def _load(self, replace: bool) -> None:
        service, user, flt, page = self._service, self._user, self._filter, self._page
        self._pages.run(
            lambda: service.page(user.principal, flt, page),
            lambda entries: self._show(entries, replace),
            self._refused,
        )

    def _show(self, entries: list[AuditEntry], replace: bool) -> None:
        if replace:
            self.model.set_rows(entries)
        else:
            self.model.add_rows(entries)
        self._after_load(entries)

    def _exported(self, count: int) -> None:
        self.count_label.setText(self.tr("Events exported: %1").replace("%1", str(count)))

    def _refused(self, problem: Exception) -> None:
        if not isinstance(problem, UserError | OSError):
            raise problem  # a bug: the window's exception hook shows and logs it
        QMessageBox.warning(self, self.tr("Audit log"), str(problem))

    def _after_load(self, entries: list[AuditEntry]) -> None:
        self.more_button.setEnabled(len(entries) == self._service.page_size)
        self.count_label.setText(
            self.tr("Events shown: %1").replace("%1", str(self.model.rowCount()))
        )
