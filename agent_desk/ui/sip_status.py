"""The softphone's registration in the status bar: registered or not, why, and 重新注册."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QLineEdit, QToolButton, QWidget

from agent_desk.telephony.events import RegistrationChanged, RegistrationState

_PROBLEM_STYLE = "QLabel { color: #b3261e; font-weight: bold; }"


class SipLineStatus(QWidget):
    """Shows the latest RegistrationChanged; offers to register again while not registered."""

    register_again = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.retry_button = QToolButton()
        self.retry_button.setText(self.tr("Register again"))
        self.retry_button.clicked.connect(self.register_again.emit)
        self.retry_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.retry_button)
        self.state: RegistrationState | None = None

    def show_event(self, event: RegistrationChanged) -> None:
        self.state = event.state
        problem = event.state in (RegistrationState.FAILED, RegistrationState.UNREGISTERED)
        self.label.setText(self.text(event))
        self.label.setStyleSheet(_PROBLEM_STYLE if problem else "")
        self.retry_button.setVisible(problem)

    def text(self, event: RegistrationChanged) -> str:
        match event.state:
            case RegistrationState.REGISTERED:
                return self.tr("Registered with the PBX")
            case RegistrationState.DIRECT:
                return self.tr("Softphone ready for direct calls")
            case RegistrationState.REGISTERING:
                return self.tr("Registering with the PBX…")
            case RegistrationState.FAILED:
                text = self.tr("Not registered: %1").replace("%1", self._reason(event))
                if event.retry_in_s is not None:
                    retry = self.tr("(trying again in %1 s)")
                    text += " " + retry.replace("%1", f"{event.retry_in_s:.0f}")
                return text
            case _:
                return self.tr("Not registered")

    def _reason(self, event: RegistrationChanged) -> str:
        code = event.status_code
        if code in (401, 407):
            return self.tr("wrong SIP user or password")
        if code == 403:
            return self.tr("refused by the PBX")
        if code == 408:
            return self.tr("the PBX does not answer")
        return f"{code or ''} {event.reason}".strip()


def ask_sip_password(parent: QWidget) -> str | None:
    """The agent types the SIP password (kept in the OS keyring by the caller)."""
    password, accepted = QInputDialog.getText(
        parent,
        QCoreApplication.translate("SipLineStatus", "SIP password"),
        QCoreApplication.translate("SipLineStatus", "Password for this workstation's SIP account:"),
        QLineEdit.EchoMode.Password,
    )
    return password if accepted and password else None
