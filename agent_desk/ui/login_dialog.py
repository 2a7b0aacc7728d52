"""Log in, or, on a new installation, choose the administrator's password."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from agent_desk.db.staff import StaffError
from agent_desk.domain.passwords import MIN_LENGTH, WeakPassword
from agent_desk.domain.views import StaffView
from agent_desk.services.accounts import FIRST_ADMIN, AccountLocked, AccountService


class LoginDialog(QDialog):
    def __init__(self, accounts: AccountService, parent: Any = None) -> None:
        super().__init__(parent)
        self._accounts = accounts
        self.user: StaffView | None = None
        self.first_run = accounts.needs_first_admin()
        self.setWindowTitle(self.tr("Follow-up workstation — log in"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        if self.first_run:
            form.addRow(self.tr("Repeat password"), self.repeat)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if self.first_run:
            self.intro.setText(
                self.tr(
                    "This is a new installation. Choose the password of the administrator "
                    "account '%1' (at least %2 characters). Add the other staff accounts "
                    "later with: agent-desk users add NAME --role nurse"
                )
                .replace("%1", FIRST_ADMIN)
                .replace("%2", str(MIN_LENGTH))
            )
            self.username.setText(FIRST_ADMIN)
            self.username.setReadOnly(True)
            buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
                self.tr("Create account and log in")
            )
            self.password.setFocus()
        else:
            self.intro.setText(self.tr("Log in with your staff account."))
            buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
            self.username.setFocus()

    def _submit(self) -> None:
        if self.first_run:
            self._create_admin()
        else:
            self._login()

    def _create_admin(self) -> None:
        if self.password.text() != self.repeat.text():
            self.error.setText(self.tr("The two passwords differ."))
            return
        try:
            self._accounts.create_first_admin(self.password.text())
        except WeakPassword:
            self.error.setText(
                self.tr("The password needs at least %1 characters.").replace("%1", str(MIN_LENGTH))
            )
            return
        except StaffError as exc:
            self.error.setText(str(exc))
            return
        self._login()

    def _login(self) -> None:
        try:
            user = self._accounts.login(self.username.text(), self.password.text())
        except AccountLocked as locked:
            until = locked.until.astimezone().strftime("%H:%M:%S")
            self.error.setText(
                self.tr("Too many failed logins: this account is locked until %1.").replace(
                    "%1", until
                )
            )
            self.password.clear()
            self.password.setFocus()
            return
        if user is None:
            self.error.setText(self.tr("Wrong user name or password."))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.user = user
        self.accept()
