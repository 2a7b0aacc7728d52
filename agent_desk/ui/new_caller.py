"""A caller nobody knows: register them as a patient, or add the number to a known one."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_desk.domain.enums import ContactRelation, Sex
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.permissions import Principal
from agent_desk.services.patients import PatientInputError, PatientService
from agent_desk.ui.labels import format_date, label

_NO_BIRTH_DATE = QDate(1900, 1, 1)
_HIT_ROLE = Qt.ItemDataRole.UserRole + 1


class NewCallerDialog(QDialog):
    """Non-modal, so the agent can keep answering, holding and hanging up meanwhile."""

    patient_ready = Signal(object)  # uuid.UUID of the created or linked patient

    def __init__(
        self,
        raw_number: str,
        patients: PatientService,
        principal: Principal,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._number = raw_number
        self._patients = patients
        self._principal = principal
        self.setWindowTitle(self.tr("New caller"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("No patient has the number %1.").replace("%1", mask_phone(raw_number)))
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_create(), self.tr("New patient"))
        self.tabs.addTab(self._build_link(), self.tr("Add to a known patient"))
        layout.addWidget(self.tabs)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _build_create(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.name = QLineEdit()
        self.record_no = QLineEdit()
        self.sex = QComboBox()
        for sex in (Sex.FEMALE, Sex.MALE, Sex.UNKNOWN):
            self.sex.addItem(label(sex), sex.value)
        self.birth_date = QDateEdit()
        self.birth_date.setCalendarPopup(True)
        self.birth_date.setDisplayFormat("yyyy-MM-dd")
        self.birth_date.setMinimumDate(_NO_BIRTH_DATE)
        self.birth_date.setSpecialValueText(self.tr("unknown"))
        self.birth_date.setDate(_NO_BIRTH_DATE)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Record no."), self.record_no)
        form.addRow(self.tr("Sex"), self.sex)
        form.addRow(self.tr("Birth date"), self.birth_date)
        return page

    def _build_link(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Name or record number, then Enter"))
        self.query.returnPressed.connect(self._search)
        self.results = QListWidget()
        self.relation = QComboBox()
        for relation in ContactRelation:
            self.relation.addItem(label(relation), relation.value)
        form.addRow(self.tr("Find"), self.query)
        form.addRow(self.results)
        form.addRow(self.tr("The caller is the patient's"), self.relation)
        return page

    def _search(self) -> None:
        self.results.clear()
        for hit in self._patients.search(self.query.text(), self._principal).hits:
            item = QListWidgetItem(f"{hit.name}  {hit.record_no}  {format_date(hit.birth_date)}")
            item.setData(_HIT_ROLE, hit.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _save(self) -> None:
        try:
            patient_id = self._create() if self.tabs.currentIndex() == 0 else self._link()
        except PatientInputError as exc:
            self.error.setText(str(exc))
            return
        if patient_id is None:
            return
        self.patient_ready.emit(patient_id)
        self.accept()

    def _create(self) -> uuid.UUID:
        born = self.birth_date.date()
        birth = None if born == _NO_BIRTH_DATE else date(born.year(), born.month(), born.day())
        return self._patients.register_caller(
            self._number,
            name=self.name.text(),
            record_no=self.record_no.text(),
            sex=Sex(self.sex.currentData()),
            birth_date=birth,
            principal=self._principal,
        )

    def _link(self) -> uuid.UUID | None:
        item = self.results.currentItem()
        if item is None:
            self.error.setText(self.tr("Find and select the patient first."))
            return None
        patient_id: uuid.UUID = item.data(_HIT_ROLE)
        self._patients.link_number(
            patient_id, self._number, ContactRelation(self.relation.currentData()), self._principal
        )
        return patient_id
