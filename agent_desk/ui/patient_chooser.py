"""When a number or a name fits several patients, the user picks one: never a guess."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from agent_desk.domain.views import PatientHit
from agent_desk.ui.labels import format_date, label

_HIT_ROLE = Qt.ItemDataRole.UserRole + 1


class PatientChooser(QDialog):
    def __init__(self, hits: list[PatientHit], prompt: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Choose the patient"))
        self.resize(560, 320)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Sex"),
                self.tr("Birth date"),
                self.tr("Record no."),
                self.tr("Number belongs to"),
            ]
        )
        for hit in hits:
            relation = label(hit.matched_relation) if hit.matched_relation else ""
            item = QTreeWidgetItem(
                [hit.name, label(hit.sex), format_date(hit.birth_date), hit.record_no, relation]
            )
            item.setData(0, _HIT_ROLE, hit)
            self.list.addTopLevelItem(item)
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        self.list.itemActivated.connect(lambda *_: self.accept())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> PatientHit | None:
        item = self.list.currentItem()
        return item.data(0, _HIT_ROLE) if item is not None else None
