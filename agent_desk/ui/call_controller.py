"""Calls in the window: telephony events in, screen-pop and call strip out, commands back.

Every handler runs on the GUI thread (TelephonyBridge queues the events here). The
screen-pop path is: event → CallService.pop (one transaction) → card on screen.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import QApplication, QLabel, QStatusBar, QSystemTrayIcon

from agent_desk.domain.enums import RecordingStatus
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.permissions import Principal
from agent_desk.domain.phones import dialable
from agent_desk.domain.views import PatientCard
from agent_desk.foreground import FOREGROUND, ForegroundGate
from agent_desk.services.calls import (
    CallService,
    CannotDial,
    DialRefusal,
    OutboundContext,
    PopKind,
    ScreenPop,
    calling_relative,
    dial_target,
)
from agent_desk.services.patients import PatientService
from agent_desk.telephony.events import (
    CallAnswered,
    CallDialling,
    CallEnded,
    CallHeld,
    CallRinging,
    CallSnapshot,
    CallSource,
    HoldRefused,
    ModemState,
    ModemStatus,
    RecordingConsent,
    TelephonyEvent,
)
from agent_desk.telephony.phone import Phone
from agent_desk.ui.background import Background
from agent_desk.ui.call_panel import CallPanel, LineState, LineView
from agent_desk.ui.labels import label
from agent_desk.ui.new_caller import NewCallerDialog
from agent_desk.ui.patient_card import PatientCardView
from agent_desk.ui.patient_chooser import PatientChooser
from agent_desk.ui.qt_messages import loading_qt_library

log = logging.getLogger(__name__)


@dataclass
class _Line:
    call: CallSnapshot
    state: LineState
    pop: ScreenPop | None = None
    card: PatientCard | None = None  # the patient the call is about, popped or chosen
    ring_count: int = 0
    muted: bool = False


class CallController(QObject):
    popped = Signal(object)  # ScreenPop, once the card (or chooser) is on screen
    answered = Signal()  # the agent is now talking: time for the form

    def __init__(
        self,
        calls: CallService,
        patients: PatientService,
        card: PatientCardView,
        panel: CallPanel,
        status: QStatusBar,
        principal: Principal,
        background: Background,
        phone: Phone | None = None,
        dial_prefix: str = "",
        ring_sound: Path | None = None,
        parent: Any = None,
        foreground: ForegroundGate = FOREGROUND,
    ) -> None:
        super().__init__(parent)
        self._foreground = foreground  # held by the bridge from the ring until the pop
        # The window's background work, held while a call pops: the card comes first.
        self._background = background
        self.calls = calls
        self._patients = patients
        self._card = card
        self._panel = panel
        self._status = status
        # Always visible: is this workstation reachable by phone right now? (The SIP
        # registration has its own widget, SipLineStatus.)
        self.modem_label = QLabel()
        status.addPermanentWidget(self.modem_label)
        self._principal = principal  # who registers or links an unknown caller
        self.phone = phone
        self._dial_prefix = dial_prefix
        self.lines: dict[str, _Line] = {}
        self._current: str | None = None
        self._ringer = _Ringer(ring_sound, self)
        self._tray: QSystemTrayIcon | None = None
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._refresh_panel)
        self._clock.start(1000)
        panel.answer.connect(lambda: self._command("answer"))
        panel.reject.connect(lambda: self._command("reject"))
        panel.hangup.connect(lambda: self._command("hangup"))
        panel.hold.connect(self._hold)
        panel.mute.connect(self._mute)
        panel.dtmf.connect(lambda digits: self._command("send_dtmf", digits))
        panel.transfer.connect(lambda target: self._command("blind_transfer", target))

    def warm_up(self) -> None:
        """After start, before the first call: the ring tone's library loaded."""
        self._ringer.load()

    # --- events from the engines --------------------------------------------------------

    def handle(self, event: TelephonyEvent) -> None:
        match event:
            case CallRinging(call=call, ring_count=count):
                try:
                    with self._background.held():
                        self._on_ringing(call, count)
                finally:  # the card is on screen (or this ring popped nothing): sync on
                    self._foreground.release(call.call_id)
            case CallDialling(call=call):
                with self._background.held():
                    self._on_new_call(call, LineState.DIALLING)
            case CallAnswered(call=call):
                self._on_answered(call)
            case CallHeld(call=call, held=held):
                self._set_state(call, LineState.HELD if held else LineState.TALKING)
            case CallEnded(call=call, recording=recording, recording_status=status):
                self._on_ended(call, recording, status)
            case HoldRefused():
                self._on_hold_refused(event)
            case ModemStatus():
                text = self._modem_text(event)
                self.modem_label.setText(text)
                self._status.showMessage(text, 10000)

    def _on_ringing(self, call: CallSnapshot, count: int) -> None:
        line = self.lines.get(call.call_id)
        if line is None:
            self._on_new_call(call, LineState.RINGING)
            self._ringer.start()
            self._notify(call)
        elif call.remote_number and not line.call.remote_number:
            # The modem learnt the number after the first ring: pop now that we can.
            line.call = call
            self._pop(line)
        if call.call_id in self.lines:
            self.lines[call.call_id].ring_count = count
        self._refresh_panel()

    def _on_new_call(self, call: CallSnapshot, state: LineState) -> None:
        line = _Line(call, state)
        self.lines[call.call_id] = line
        self._current = call.call_id
        # The previous patient's card, alerts and form leave the screen before anything
        # else: an agent must never greet the new caller with someone else's record.
        self._card.clear()
        self._pop(line)
        self._refresh_panel()

    def _pop(self, line: _Line) -> None:
        call = line.call
        pop = self.calls.pop(call)
        line.pop, line.card = pop, pop.card
        self._tell_recording(call)
        match pop.kind:
            case PopKind.PATIENT if pop.card is not None:
                self._card.show_card(pop.card)
            case PopKind.CHOOSE:
                self._card.clear()
                self._choose(call, pop)
            case PopKind.UNKNOWN:
                self._card.clear()
                self._new_caller(call)
            case _:
                self._card.clear()
        self.popped.emit(pop)

    def _tell_recording(self, call: CallSnapshot) -> None:
        """Pass the pop's recording decision to the line that records (SIP)."""
        consent = self.calls.recording_consent(call.call_id)
        if consent is not None and call.source is CallSource.SIP and self.phone is not None:
            self.phone.set_recording(call.call_id, consent)

    def _choose(self, call: CallSnapshot, pop: ScreenPop) -> None:
        prompt = self.tr("%1 patients share the number %2. Who is calling?")
        prompt = prompt.replace("%1", str(len(pop.hits))).replace(
            "%2", mask_phone(pop.e164 or call.remote_number)
        )
        chooser = PatientChooser(list(pop.hits), prompt, self._card.window())
        # A dialog a call, all shift long: each goes once the agent has closed it.
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.accepted.connect(lambda: self._chosen(call.call_id, chooser))
        chooser.show()  # not modal: F9 must still answer while the agent decides

    def _chosen(self, call_id: str, chooser: PatientChooser) -> None:
        hit = chooser.chosen()
        if hit is not None:
            self._link(call_id, hit.id)

    def _new_caller(self, call: CallSnapshot) -> None:
        dialog = NewCallerDialog(
            call.remote_number, self._patients, self._principal, self._card.window()
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as the chooser
        dialog.patient_ready.connect(lambda patient_id: self._link(call.call_id, patient_id))
        dialog.show()

    def _link(self, call_id: str, patient_id: uuid.UUID) -> None:
        """The agent said who is calling: show the card, and settle the recording."""
        card = self.calls.choose_patient(call_id, patient_id)
        if card is None:
            return
        line = self.lines.get(call_id)
        if line is not None:
            line.card = card
            self._tell_recording(line.call)
        self._card.show_card(card)
        self._refresh_panel()

    def _on_answered(self, call: CallSnapshot) -> None:
        self._ringer.stop()
        line = self.lines.get(call.call_id)
        if line is None:
            return
        line.call = call
        line.state = LineState.TALKING
        self.calls.answered(call)
        self._refresh_panel()
        self.answered.emit()

    def _set_state(self, call: CallSnapshot, state: LineState) -> None:
        line = self.lines.get(call.call_id)
        if line is not None:
            line.call, line.state = call, state
            self._refresh_panel()

    def _on_hold_refused(self, event: HoldRefused) -> None:
        line = self.lines.get(event.call.call_id)
        if line is not None:
            line.call = event.call
        text = self.tr("The other side refused the hold (%1 %2): the call is not on hold.")
        if not event.held:
            text = self.tr("The other side refused to resume (%1 %2): the call is still on hold.")
        self._status.showMessage(
            text.replace("%1", str(event.status_code)).replace("%2", event.reason), 10000
        )
        self._refresh_panel()  # the hold button shows the state the call is really in

    def _on_ended(
        self, call: CallSnapshot, recording: Path | None, status: RecordingStatus
    ) -> None:
        self.lines.pop(call.call_id, None)
        if not any(line.state is LineState.RINGING for line in self.lines.values()):
            self._ringer.stop()
        self.calls.ended(call, str(recording) if recording else None, status)
        if self._current == call.call_id:
            self._current = next(reversed(self.lines), None) if self.lines else None
        message = self.tr("Call ended.")
        if recording is not None:
            message = self.tr("Call ended; the recording is saved.")
        self._status.showMessage(message, 8000)
        self._refresh_panel()

    # --- commands from the agent -----------------------------------------------------

    def can_dial(self, card: PatientCard) -> bool:
        """Whether dial_card would call this patient; if not, the status bar says why."""
        if self.phone is None:
            self._status.showMessage(self.tr("No softphone is running."), 8000)
            return False
        try:
            dial_target(card)
        except CannotDial as refused:
            self._status.showMessage(self._refusal_text(refused.reason), 8000)
            return False
        return True

    def dial_card(self, card: PatientCard, task_id: Any = None) -> str | None:
        """Click-to-dial: the card's first reachable number; nobody types a digit."""
        if not self.can_dial(card):
            return None
        call_id = self._dial(dialable(dial_target(card), self._dial_prefix))
        if call_id is not None:
            self.calls.expect_outbound(call_id, OutboundContext(card.id, task_id))
        return call_id

    def _refusal_text(self, reason: DialRefusal) -> str:
        match reason:
            case DialRefusal.NO_NUMBER:
                return self.tr("This patient has no valid phone number.")
            case DialRefusal.NO_CONSENT:
                return self.tr("This patient does not wish to be called.")

    def dial_number(self, number: str) -> str | None:
        if self.phone is None:
            self._status.showMessage(self.tr("No softphone is running."), 8000)
            return None
        return self._dial(number)

    def _dial(self, target: str) -> str | None:
        assert self.phone is not None
        try:
            return self.phone.dial(target)
        except ValueError:
            # Direct SIP (no PBX) can reach SIP addresses only, not telephone numbers.
            self._status.showMessage(
                self.tr(
                    "Cannot dial %1 without a PBX: set sip.registrar, or dial a SIP address."
                ).replace("%1", mask_phone(target)),
                10000,
            )
            return None

    def current_call_log_id(self) -> uuid.UUID | None:
        """The call log row of the call in progress, written to disk: a form submitted now
        records its attempt against this call."""
        line = self.current_line()
        if line is None or line.pop is None:
            return None
        self.calls.flush()
        return line.pop.log_id

    def current_line(self) -> _Line | None:
        return self.lines.get(self._current) if self._current else None

    def _command(self, name: str, *args: Any) -> None:
        line = self.current_line()
        if line is None or self.phone is None or line.call.source is not CallSource.SIP:
            return
        getattr(self.phone, name)(line.call.call_id, *args)

    def attended_transfer(self) -> bool:
        """Join the current call to the other one on hold (the consult), then drop out."""
        line = self.current_line()
        others = [
            other
            for other in self.lines.values()
            if line is not None and other is not line and other.state is LineState.HELD
        ]
        if line is None or not others or self.phone is None:
            self._status.showMessage(
                self.tr("Attended transfer needs a second call on hold."), 8000
            )
            return False
        self.phone.attended_transfer(others[0].call.call_id, line.call.call_id)
        return True

    def set_do_not_disturb(self, enabled: bool) -> None:
        if self.phone is not None:
            self.phone.set_dnd(enabled)

    def set_auto_answer(self, enabled: bool) -> None:
        if self.phone is not None:
            self.phone.set_auto_answer(enabled)

    def _hold(self, held: bool) -> None:
        self._command("hold" if held else "resume")
        # The button shows the call's state, not the wish: it turns when the far end agrees
        # (CallHeld), and stays as it is if it refuses (HoldRefused).
        self._refresh_panel()

    def _mute(self, muted: bool) -> None:
        line = self.current_line()
        if line is not None:
            line.muted = muted
        self._command("mute", muted)

    # --- presentation ------------------------------------------------------------------

    def _refresh_panel(self) -> None:
        line = self.current_line()
        if line is None:
            self._panel.show_line(LineView(LineState.IDLE))
            return
        call = line.call
        who = line.card.name if line.card else call.display_name
        relative = calling_relative(line.card, line.pop.e164) if line.card and line.pop else None
        if relative is not None:
            # A child or spouse calling about the patient: the agent greets the right person.
            caller = " ".join(filter(None, [label(relative.relation), relative.contact_name]))
            who = self.tr("%1 (on the line: %2)").replace("%1", who).replace("%2", caller)
        number = mask_phone(call.remote_number) if call.remote_number else self.tr("withheld")
        detail = ""
        if line.state is LineState.RINGING and line.ring_count:
            detail = self.tr("ring %1").replace("%1", str(line.ring_count))
        elif call.answered_at is not None:
            seconds = int(time.time() - call.answered_at.timestamp())
            detail = f"{seconds // 60:02d}:{seconds % 60:02d}"
        if call.source is CallSource.MODEM:
            detail = " ".join(filter(None, [detail, self.tr("(caller-ID line)")]))
        self._panel.show_line(
            LineView(
                line.state,
                f"{who} {number}".strip(),
                detail,
                controllable=call.source is CallSource.SIP and self.phone is not None,
                muted=line.muted,
                recording_note=self._recording_note(call),
            )
        )

    def _recording_note(self, call: CallSnapshot) -> str:
        match self.calls.recording_consent(call.call_id):
            case RecordingConsent.REFUSED:
                return self.tr("Not recorded (the patient does not consent)")
            case None if call.source is CallSource.SIP:  # a modem line never records
                return self.tr("Not recorded until the patient is chosen")
            case _:
                return ""

    def _notify(self, call: CallSnapshot) -> None:
        window = self._card.window()
        QApplication.alert(window)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self._tray is None:
                self._tray = QSystemTrayIcon(window.windowIcon(), self)
                self._tray.show()
            number = mask_phone(call.remote_number) if call.remote_number else ""
            self._tray.showMessage(self.tr("Incoming call"), f"{call.display_name} {number}")

    def _modem_text(self, event: ModemStatus) -> str:
        match event.state:
            case ModemState.READY:
                return self.tr("Caller-ID modem ready on %1.").replace("%1", event.port)
            case ModemState.UNPLUGGED:
                return self.tr("Caller-ID modem on %1 is unplugged; reconnecting…").replace(
                    "%1", event.port
                )
            case ModemState.FAILED:
                return self.tr("Caller-ID modem problem: %1").replace("%1", event.detail)
            case _:
                return self.tr("Opening the caller-ID modem on %1…").replace("%1", event.port)


class _Ringer(QObject):
    """The ring tone, loaded lazily: Qt Multimedia costs start-up time we don't want to pay."""

    def __init__(self, sound: Path | None, parent: Any = None) -> None:
        super().__init__(parent)
        self._sound = sound
        self._effect: Any = None

    def load(self) -> None:
        """Qt Multimedia and the tone, once: loaded at the first ring, they made that call's
        card 30 ms later than the others."""
        if self._sound is None or self._effect is not None:
            return
        with loading_qt_library():
            from PySide6.QtMultimedia import QSoundEffect

        self._effect = QSoundEffect(self)
        self._effect.setSource(QUrl.fromLocalFile(str(self._sound)))
        self._effect.setLoopCount(QSoundEffect.Loop.Infinite.value)

    def start(self) -> None:
        self.load()
        if self._effect is not None:
            self._effect.play()

    def stop(self) -> None:
        if self._effect is not None:
            self._effect.stop()
