"""录音: the supervisors' recordings library — find a recorded call, listen, export.

The service (agent_desk.services.recordings) checks the role and department scope and
audits; this screen gathers the filter, shows the rows and plays what the service opens.
Reading pages, opening (which may fetch from the central server) and the audit of each
listening all run on the background helper.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from agent_desk.domain.enums import AttemptOutcome, CallDirection
from agent_desk.errors import UserError
from agent_desk.services.recordings import (
    LibraryCursor,
    LibraryFilter,
    Playback,
    RecordingLibrary,
    RecordingPage,
)
from agent_desk.ui.background import Background, LatestOnly
from agent_desk.ui.labels import format_datetime, label
from agent_desk.ui.recording_player import RecordingPlayer
from agent_desk.ui.recordings_model import RecordingsModel

DEFAULT_DAYS = 30


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()


class RecordingsDialog(QDialog):
    def __init__(
        self,
        library: RecordingLibrary,
        today: date,
        background: Background,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._library, self._background = library, background
        self._filter = LibraryFilter()
        self._next: LibraryCursor | None = None
        self._pages = LatestOnly(background, self)  # a page for an older search is dropped
        self._playback: Playback | None = None
        self.setWindowTitle(self.tr("Recordings"))
        self.resize(1100, 640)
        self.date_from = QDateEdit(_qdate(today - timedelta(days=DEFAULT_DAYS)))
        self.date_to = QDateEdit(_qdate(today))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.department_combo = QComboBox()
        self.agent_combo = QComboBox()
        for combo in (self.department_combo, self.agent_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.patient_box = QLineEdit()
        self.patient_box.setPlaceholderText(self.tr("Record number or name"))
        self.direction_combo = QComboBox()
        self.direction_combo.addItem(self.tr("Both directions"), None)
        for direction in CallDirection:
            self.direction_combo.addItem(label(direction), direction)
        self.outcome_combo = QComboBox()
        self.outcome_combo.addItem(self.tr("Any outcome"), None)
        for outcome in AttemptOutcome:
            self.outcome_combo.addItem(label(outcome), outcome)
        search = QPushButton(self.tr("Search"))
        search.setDefault(True)
        search.clicked.connect(self.search)
        self.more_button = QPushButton(self.tr("Show more"))
        self.more_button.clicked.connect(self.show_more)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(self._ask_export)
        bar = QHBoxLayout()
        for widget in (
            QLabel(self.tr("Date")),
            self.date_from,
            QLabel("–"),
            self.date_to,
            self.department_combo,
            self.agent_combo,
            self.patient_box,
            self.direction_combo,
            self.outcome_combo,
            search,
        ):
            bar.addWidget(widget)
        self.model = RecordingsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self._on_double_click)
        self.count_label = QLabel()
        self.now_playing = QLabel(self.tr("Double-click a call to listen."))
        self.player = RecordingPlayer()
        self.player.finished.connect(self._listened)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.more_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.now_playing)
        layout.addWidget(self.player)
        self._load_choices()

    # --- filter and pages --------------------------------------------------------------

    def _load_choices(self) -> None:
        self._background.run(self, self._library.choices, self._show_choices, self._refused)

    def _show_choices(
        self, choices: tuple[list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, str]]]
    ) -> None:
        departments, staff = choices
        self.department_combo.addItem(self.tr("All departments"), None)
        for department_id, name in departments:
            self.department_combo.addItem(name, department_id)
        self.agent_combo.addItem(self.tr("All agents"), None)
        for staff_id, name in staff:
            self.agent_combo.addItem(name, staff_id)
        self.search()

    def current_filter(self) -> LibraryFilter:
        first, last = self.date_from.date().toPython(), self.date_to.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        return LibraryFilter(
            since=_local_midnight(first),
            until=_local_midnight(last + timedelta(days=1)),  # the whole last day
            department_id=self.department_combo.currentData(),
            staff_id=self.agent_combo.currentData(),
            patient_text=self.patient_box.text().strip() or None,
            direction=self.direction_combo.currentData(),
            outcome=self.outcome_combo.currentData(),
        )

    def search(self) -> None:
        self._filter, self._next = self.current_filter(), None
        self._pages.ask()
        self._load(replace=True)

    def show_more(self) -> None:
        if self._next is not None:
            self._load(replace=False)

    def _load(self, replace: bool) -> None:
        library, flt, after = self._library, self._filter, self._next
        self._pages.run(
            lambda: library.page(flt, after),
            lambda page: self._show(page, replace),
            self._refused,
        )

    def _show(self, page: RecordingPage, replace: bool) -> None:
        if replace:
            self.model.set_rows(list(page.rows))
        else:
            self.model.add_rows(list(page.rows))
        self._next = page.next
        self.more_button.setEnabled(page.next is not None)
        self.count_label.setText(
            self.tr("Recordings shown: %1").replace("%1", str(self.model.rowCount()))
        )

    # --- listening ---------------------------------------------------------------------

    def _on_double_click(self, index: QModelIndex) -> None:
        self.play(self.model.rows[index.row()].call_id)

    def play(self, call_id: uuid.UUID) -> None:
        """Open the call's recording (fetched from the central server on first play)."""
        self.now_playing.setText(self.tr("Opening the recording…"))
        library = self._library
        self._background.run(self, lambda: library.open(call_id), self._start, self._unplayable)

    def _start(self, playback: Playback) -> None:
        self.player.close_recording()  # audits what was playing before
        self._playback = playback
        started = format_datetime(playback.held.started_at)
        self.now_playing.setText(self.tr("Playing the call of %1").replace("%1", started))
        self.player.open(playback.flac, f"{playback.call_id.hex}.flac")

    def _listened(self, seconds: float) -> None:
        playback, self._playback = self._playback, None
        if playback is not None:
            self._background.run(
                self, lambda: playback.close(seconds), lambda _none: None, self._refused
            )

    def _unplayable(self, problem: Exception) -> None:
        if not isinstance(problem, UserError | OSError):
            raise problem
        # Said on the screen, not in a box: a damaged recording is a fact to show, not a fault.
        self.now_playing.setText(self.tr("Cannot play: %1").replace("%1", str(problem)))
        self.search()  # a recording found missing or damaged now shows as such

    # --- export and closing ------------------------------------------------------------

    def _selected_call(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()].call_id if rows else None

    def _ask_export(self) -> None:
        call_id = self._selected_call()
        if call_id is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export…"), f"{call_id.hex}.flac", self.tr("FLAC audio (*.flac)")
        )
        if name:
            self.export_to(call_id, Path(name))

    def export_to(self, call_id: uuid.UUID, path: Path) -> None:
        library = self._library
        self._background.run(
            self,
            lambda: library.export(call_id, path),
            lambda written: self.count_label.setText(
                self.tr("Recording written to %1").replace("%1", str(written))
            ),
            self._refused,
        )

    def _refused(self, problem: Exception) -> None:
        if not isinstance(problem, UserError | OSError):
            raise problem  # a bug: the window's exception hook shows and logs it
        QMessageBox.warning(self, self.tr("Recordings"), str(problem))

    # Closed by a button, Esc or the window's close box: the listening so far is audited.
    def done(self, result: int) -> None:
        self.player.close_recording()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.player.close_recording()
        super().closeEvent(event)
