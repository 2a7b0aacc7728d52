"""The GSM modem through Gammu: open it, say how it is, send a text, read what came in.

One GammuModem is used from one thread (the gateway's): python-gammu's state machine is
not shared. Every Gammu error becomes a ModemError naming the problem a person can act on
(no modem, PIN needed, no network, SIM full) with Gammu's own words kept beside it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import gammu  # type: ignore[import-untyped]

from agent_desk.domain.enums import ModemProblem
from agent_desk.sms import pdu

DEFAULT_CONNECTION = "at115200"

_PROBLEMS: dict[type[BaseException], ModemProblem] = {
    gammu.ERR_DEVICENOTEXIST: ModemProblem.NO_MODEM,
    gammu.ERR_DEVICEOPENERROR: ModemProblem.NO_MODEM,
    gammu.ERR_DEVICENOPERMISSION: ModemProblem.NO_MODEM,
    gammu.ERR_DEVICEBUSY: ModemProblem.NO_MODEM,
    gammu.ERR_DEVICELOCKED: ModemProblem.NO_MODEM,
    gammu.ERR_DEVICEREADERROR: ModemProblem.NO_MODEM,
    gammu.ERR_DEVICEWRITEERROR: ModemProblem.NO_MODEM,
    gammu.ERR_NOTCONNECTED: ModemProblem.NO_MODEM,
    gammu.ERR_TIMEOUT: ModemProblem.NO_MODEM,
    gammu.ERR_UNCONFIGURED: ModemProblem.NO_MODEM,
    gammu.ERR_SECURITYERROR: ModemProblem.PIN_NEEDED,
    gammu.ERR_NETWORK_ERROR: ModemProblem.NO_NETWORK,
    gammu.ERR_NOSERVICE: ModemProblem.NO_NETWORK,
    gammu.ERR_FULL: ModemProblem.SIM_FULL,
    gammu.ERR_NOSIM: ModemProblem.NO_MODEM,
}
# Errors after which nobody knows whether the modem sent the part: the line went quiet.
_UNCERTAIN = (gammu.ERR_TIMEOUT, gammu.ERR_DEVICEREADERROR, gammu.ERR_DEVICEWRITEERROR)


class ModemError(Exception):
    """The modem could not do what was asked; *problem* says what a person can do."""

    def __init__(self, problem: ModemProblem, reason: str, *, uncertain: bool = False) -> None:
        super().__init__(reason)
        self.problem = problem
        self.reason = reason
        # True when the modem may have sent it anyway (it stopped answering mid-way).
        self.uncertain = uncertain


def _error(exc: gammu.GSMError) -> ModemError:
    info = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    reason = f"{info.get('Text', exc)} ({info.get('Where', '?')}, Gammu {info.get('Code', '?')})"
    problem = next(
        (p for kind, p in _PROBLEMS.items() if isinstance(exc, kind)), ModemProblem.OTHER
    )
    return ModemError(problem, reason, uncertain=isinstance(exc, _UNCERTAIN))


@dataclass(frozen=True, slots=True)
class ModemConfig:
    port: str  # COM3, /dev/ttyUSB0; for Gammu's dummy phone, its folder
    connection: str = DEFAULT_CONNECTION
    model: str = ""  # "" lets Gammu find out; "dummy" is Gammu's phone in a folder
    pin: str | None = None  # from the keyring, never a file
    smsc: str = ""  # the message centre; "" uses the one on the SIM

    def gammu_config(self) -> dict[str, str]:
        return {"Device": self.port, "Connection": self.connection, "Model": self.model}


@dataclass(frozen=True, slots=True)
class ModemStatus:
    problem: ModemProblem
    reason: str = ""
    signal_percent: int | None = None
    network: str = ""  # Gammu's state: HomeNetwork, RoamingNetwork, NoNetwork, …
    sim_used: int | None = None
    sim_size: int | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message read from the SIM, its parts joined; *locations* to delete it after."""

    number: str
    text: str
    received_at: datetime
    locations: tuple[tuple[int, int], ...]
    is_report: bool = False
    reference: int | None = None  # a delivery report's: the part it reports on
    delivered: bool = False
    parts: int = 1


@dataclass
class GammuModem:
    config: ModemConfig
    _machine: gammu.StateMachine | None = field(default=None, init=False)

    def open(self) -> None:
        """Connect and unlock: ModemError(NO_MODEM) without a device, (PIN_NEEDED) when the
        SIM wants a PIN the keyring does not hold, or holds wrong."""
        if not self.config.port:
            raise ModemError(ModemProblem.NO_MODEM, "no modem port is set (sms.port)")
        machine = gammu.StateMachine()
        machine.SetConfig(0, self.config.gammu_config())
        try:
            machine.Init()
            if machine.GetSecurityStatus() == "PIN":
                if not self.config.pin:
                    raise ModemError(
                        ModemProblem.PIN_NEEDED, "the SIM asks for its PIN; the keyring has none"
                    )
                machine.EnterSecurityCode("PIN", self.config.pin)
        except gammu.GSMError as exc:
            _terminate(machine)
            raise _error(exc) from exc
        except ModemError:
            _terminate(machine)
            raise
        self._machine = machine

    @property
    def is_open(self) -> bool:
        return self._machine is not None

    def close(self) -> None:
        if self._machine is not None:
            _terminate(self._machine)
            self._machine = None

    def _sm(self) -> gammu.StateMachine:
        if self._machine is None:
            raise ModemError(ModemProblem.NO_MODEM, "the modem is not open")
        return self._machine

    def status(self) -> ModemStatus:
        sm = self._sm()
        try:
            signal = sm.GetSignalQuality()
        except gammu.GSMError as exc:
            error = _error(exc)
            return ModemStatus(error.problem, error.reason)
        network = _optional(sm.GetNetworkInfo, {}).get("State", "")
        store = _optional(sm.GetSMSStatus, {})
        used, size = store.get("SIMUsed"), store.get("SIMSize")
        problem, reason = ModemProblem.NONE, ""
        if network in ("NoNetwork", "RegistrationDenied", "RequestingNetwork"):
            problem, reason = ModemProblem.NO_NETWORK, f"network state {network}"
        elif size and used is not None and used >= size:
            problem, reason = ModemProblem.SIM_FULL, f"{used} of {size} messages on the SIM"
        return ModemStatus(problem, reason, int(signal["SignalPercent"]), network, used, size)

    def send(self, number: str, text: str, on_part: Callable[[int, int], None]) -> int:
        """Send every part of *text* to *number*; *on_part*(part_no, reference) is called as
        each part is accepted, before the next goes. Returns the number of parts."""
        sm = self._sm()
        parts = pdu.encode(text)
        for part_no, part in enumerate(parts, start=1):
            part["SMSC"] = {"Number": self.config.smsc} if self.config.smsc else {"Location": 1}
            part["Number"] = number
            try:
                reference = int(sm.SendSMS(part))
            except gammu.GSMError as exc:
                error = _error(exc)
                error.uncertain = error.uncertain or part_no > 1
                raise error from exc
            on_part(part_no, reference)
        return len(parts)

    def receive(self) -> list[Inbound]:
        """Everything in the SIM's (and phone's) inbox, multipart messages joined."""
        sm = self._sm()
        singles: list[list[pdu.SmsDict]] = []
        try:
            message = sm.GetNextSMS(Start=True, Folder=0)
            while True:
                singles.append(message)
                message = sm.GetNextSMS(Location=message[0]["Location"], Folder=0)
        except gammu.ERR_EMPTY:
            pass
        except gammu.GSMError as exc:
            raise _error(exc) from exc
        return [_inbound(group) for group in pdu.join(singles)]

    def delete(self, message: Inbound) -> None:
        sm = self._sm()
        for folder, location in message.locations:
            try:
                sm.DeleteSMS(Folder=folder, Location=location)
            except gammu.ERR_EMPTY:
                continue  # already gone: deleting twice after a crash is harmless
            except gammu.GSMError as exc:
                raise _error(exc) from exc


def _inbound(parts: list[pdu.SmsDict]) -> Inbound:
    first = parts[0]
    stamp = first.get("DateTime") or datetime.now(UTC)
    locations = tuple((0, int(p["Location"])) for p in parts)
    if first.get("Type") == "Status_Report":
        return Inbound(
            number=str(first.get("Number") or ""),
            text=str(first.get("Text") or ""),
            received_at=stamp,
            locations=locations,
            is_report=True,
            reference=int(first.get("MessageReference") or 0),
            # GSM 03.40 TP-Status: 0x00–0x1F means the short message was delivered.
            delivered=int(first.get("DeliveryStatus") or 0) < 0x20,
        )
    return Inbound(
        number=str(first.get("Number") or ""),
        text=pdu.text_of(parts),
        received_at=stamp,
        locations=locations,
        parts=len(parts),
    )


def _optional(call: Callable[[], dict[str, object]], default: dict[str, object]) -> dict:  # type: ignore[type-arg]
    try:
        return call()
    except gammu.GSMError:
        return default  # not every modem answers every question


def _terminate(machine: gammu.StateMachine) -> None:
    # The device may already have gone away: there is nothing more to close then.
    with contextlib.suppress(gammu.GSMError):
        machine.Terminate()
