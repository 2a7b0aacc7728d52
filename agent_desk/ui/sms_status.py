"""The window's side of SMS: the gateway thread, the modem in the status bar, the menu entry.

On the gateway workstation (sms.gateway on) SmsHub runs the gateway loop on its own
thread; the loop reports the modem's state there, and the hub re-emits it as a Qt signal,
which Qt delivers on the GUI thread. SmsModemLabel says it in words a nurse can act on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from agent_desk.db.engine import Database
from agent_desk.domain.enums import ModemProblem
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.errors import UserError
from agent_desk.paths import DataDir
from agent_desk.settings import Settings
from agent_desk.ui.background import Background
from agent_desk.ui.labels import label

# The SMS services, the modem library (gammu) and the central server's driver load when
# the screen first opens or where this workstation is the gateway, not with every window.
if TYPE_CHECKING:
    from agent_desk.sms.gateway import SmsGateway
    from agent_desk.sms.modem import ModemStatus

log = logging.getLogger(__name__)


class SmsHub(QObject):
    """The gateway loop on its thread, as the window sees it."""

    status_changed = Signal(object)  # ModemStatus, on the GUI thread

    def __init__(
        self,
        gateway_factory: Callable[[Callable[[ModemStatus], None]], SmsGateway],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.gateway: SmsGateway = gateway_factory(self.status_changed.emit)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sms-gateway", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from agent_desk.sms.modem import ModemStatus

        try:
            self.gateway.run()
        except Exception:  # logged, and said in the status bar; the window goes on
            log.exception("the SMS gateway stopped")
            self.status_changed.emit(ModemStatus(ModemProblem.OTHER, "the SMS gateway stopped"))

    def stop(self, timeout_s: float = 10.0) -> None:
        self.gateway.stop()
        if self._thread is not None:
            self._thread.join(timeout_s)


class SmsModemLabel(QLabel):
    """Signal strength and network, or what is wrong with the modem."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from agent_desk.sms.modem import ModemStatus

        super().__init__(parent)
        self.show_status(ModemStatus(ModemProblem.NO_MODEM, ""))

    def show_status(self, status: ModemStatus) -> None:
        if status.problem is ModemProblem.NONE:
            signal = "?" if status.signal_percent is None else f"{status.signal_percent}%"
            self.setText(self.tr("SMS modem: signal %1").replace("%1", signal))
            self.setStyleSheet("")
        else:
            self.setText(label(status.problem))
            self.setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }")
        self.setToolTip(status.reason or status.network)


def _forward_every_minute(
    window: QMainWindow, local: Database, central: Database, background: Background
) -> None:
    """A workstation that is not the gateway hands its queued messages to the central
    outbox, which the gateway sends from."""
    from agent_desk.services.sms_gateway import forward_queued

    timer = QTimer(window)
    timer.setInterval(60_000)
    timer.timeout.connect(
        lambda: background.run(
            window,
            lambda: forward_queued(local, central),
            lambda count: log.info("%d SMS handed to the central outbox", count) if count else None,
            lambda error: log.warning("SMS not handed to the central outbox: %s", error),
        )
    )
    timer.start()


def attach_sms(
    window: QMainWindow,
    db: Database,
    settings: Settings,
    data_dir: DataDir,
    principal: Principal,
    background: Background,
) -> SmsHub | None:
    """The 短信 menu entry (for those who may send), and the gateway where this is one."""
    if principal.may(Permission.SEND_SMS):
        menu = window.menuBar().addMenu(QCoreApplication.translate("SmsWindow", "S&MS"))
        action = QAction(QCoreApplication.translate("SmsWindow", "Text messages…"), window)
        action.setObjectName("sms_action")

        def open_dialog() -> None:
            from agent_desk.services.sms import SmsService
            from agent_desk.services.sms_campaigns import CampaignService, load_templates
            from agent_desk.ui.sms_view import SmsDialog

            try:  # read as the screen opens: an edited file is taken without a restart
                templates = load_templates(data_dir.root / "sms" / "templates.json")
            except UserError as exc:
                log.warning("SMS templates of the data folder not read: %s", exc)
                window.statusBar().showMessage(str(exc), 15000)
                templates = load_templates()  # the built-in ones
            campaigns = (CampaignService(db, settings), templates)
            dialog = SmsDialog(SmsService(db, settings), principal, background, window, campaigns)
            dialog.show()

        action.triggered.connect(open_dialog)
        menu.addAction(action)
    central = None
    if settings.get("central.url"):
        from agent_desk.sync.central import central_database, config_from_settings

        config = config_from_settings(settings.get)
        central = central_database(config, pool_size=2, max_overflow=1)
    if not settings.get("sms.gateway"):
        if central is not None:
            _forward_every_minute(window, db, central, background)
        return None
    from agent_desk.services.sms_gateway import Calendar, build_gateway, calendar_sources

    modem_label = SmsModemLabel(window)
    window.statusBar().insertPermanentWidget(0, modem_label)
    calendar = Calendar(db, calendar_sources(data_dir, settings), central)
    hub = SmsHub(
        lambda post: build_gateway(data_dir, settings, db, central, on_status=post, tick=calendar),
        window,
    )
    hub.status_changed.connect(modem_label.show_status)
    hub.start()
    return hub
