"""The screen-pop as the benchmarks measure it: the real service and the real card widget."""

from __future__ import annotations

import os
from collections import Counter

from PySide6.QtWidgets import QApplication

from agent_desk.db.engine import Database
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.phones import PhonePlan
from agent_desk.domain.views import StaffView
from agent_desk.services.calls import CallService, PopKind
from agent_desk.telephony.events import CallRinging
from agent_desk.ui.patient_card import PatientCardView


class CardPopper:
    """Call `pop` on the GUI thread: event → lookup, audit and call log → card populated."""

    def __init__(self, db: Database, user: StaffView, plan: PhonePlan) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        self._app = QApplication.instance() or QApplication([])
        self.card = PatientCardView()
        self.card.resize(600, 800)
        self.card.show()
        self._calls = CallService(db, PhoneIndex(db), plan, user.id, user.username)
        self.kinds: Counter[PopKind] = Counter()

    def pop(self, event: CallRinging) -> None:
        pop = self._calls.pop(event.call)
        self.kinds[pop.kind] += 1
        if pop.card is not None:
            self.card.show_card(pop.card)
        else:
            self.card.clear()
