"""The HL7 MLLP listener: each message applied as it comes, its ACK sent after the commit."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import TYPE_CHECKING

from agent_desk.db.base import utcnow
from agent_desk.domain.enums import ImportKind
from agent_desk.intake.hl7_adt import parse_adt
from agent_desk.intake.hl7_header import (
    AckCode,
    Header,
    Hl7Error,
    build_ack,
    decode_message,
    read_header,
)
from agent_desk.intake.mllp import MllpServer
from agent_desk.intake.records import SourceItem
from agent_desk.intake.report import ImportReport
from agent_desk.services.intake_sink import REJECTIONS

if TYPE_CHECKING:
    # The service makes its listener (IntakeService.listener), so it is imported only for types.
    from agent_desk.services.intake import IntakeService

log = logging.getLogger(__name__)


class Hl7Listener:
    """The MLLP listener applying each message as it comes, ACK after commit."""

    def __init__(self, service: IntakeService, host: str, port: int) -> None:
        self._service = service
        self._sink = service.sink
        self._lock = threading.Lock()
        self._count = 0
        self._stopped = False
        self.report = ImportReport(ImportKind.MLLP, f"mllp://{host}:{port}", utcnow())
        self.server = MllpServer(
            self.handle,
            host,
            port,
            oversize_reply=lambda: self._ack(None, AckCode.REJECT, "message too large", "utf-8"),
        )

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> None:
        self.server.start()

    def stop(self) -> ImportReport:
        """Stop listening and keep the session's report as an import run (once)."""
        self.server.stop()
        if not self._stopped and self.report.read:
            self._service.save_report(self.report)
        self._stopped = True
        return self.report

    def handle(self, raw: bytes) -> bytes:
        """One message in, its ACK out: AA once committed, AE/AR with the reason.

        Never raises: a sender left without an answer resends the message forever.
        """
        with self._lock:
            self._count += 1
            position = f"message {self._count}"
        self.report.read += 1
        try:
            return self._answer(raw, position)
        except Exception as exc:
            log.exception("MLLP: %s failed unexpectedly", position)
            self.report.error(position, f"internal error: {exc!r}")
            header, encoding = _lenient_header(raw)
            return self._ack(header, AckCode.ERROR, "internal error", encoding)

    def _answer(self, raw: bytes, position: str) -> bytes:
        try:
            parsed = parse_adt(raw)
        except Hl7Error as exc:
            self.report.error(position, str(exc))
            header, encoding = _lenient_header(raw)
            return self._ack(header, exc.code, str(exc), encoding)
        item = SourceItem(position, parsed.event, message=parsed.message_id, notes=parsed.notes)
        try:
            applied = self._sink.apply(item)
        except REJECTIONS as exc:
            self.report.error(position, str(exc))
            return self._ack(parsed.header, AckCode.ERROR, str(exc), parsed.encoding)
        self.report.count(position, applied)
        return self._ack(parsed.header, AckCode.ACCEPT, "; ".join(applied.notes), parsed.encoding)

    @staticmethod
    def _ack(header: Header | None, code: AckCode, text: str, encoding: str) -> bytes:
        return build_ack(header, code, text, datetime.now().astimezone()).encode(
            encoding, errors="replace"
        )


def _lenient_header(raw: bytes) -> tuple[Header | None, str]:
    """The header of a message that failed, when it can be read, to address the NAK."""
    try:
        text, encoding, _ = decode_message(raw.replace(b"\n", b"\r"))
        return read_header(text), encoding
    except Hl7Error:
        return None, "utf-8"
