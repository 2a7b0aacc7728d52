"""What the SIP engine needs to know, as one typed value built by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

# The pjsua2-python wheel is built with PJSUA_MAX_CALLS = 4 (asking for more is silently
# capped): enough for a desk (active, held, consulting, one ringing), not for a gateway.
MAX_CALLS = 4


class SipTransport(StrEnum):
    UDP = "udp"
    TCP = "tcp"
    # TLS works, but the pjsua2-python wheel bundles its own, older OpenSSL: certificate
    # validation and cipher choice lag behind the OS. Prefer UDP/TCP on the hospital LAN.
    TLS = "tls"


class EngineState(StrEnum):
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    FAILED = "failed"  # start() raised; the engine can be started again


class SipEngineError(RuntimeError):
    """The engine could not start (port taken, bad configuration) or is not running."""


@dataclass(frozen=True, slots=True)
class SipConfig:
    listen_address: str = "127.0.0.1"
    listen_port: int = 5070
    transport: SipTransport = SipTransport.UDP
    # "sip:pbx.example:5060"; None means direct SIP (no registration, calls to our port).
    registrar: str | None = None
    user: str | None = None  # also the user part of our own URI
    # Fetched from the OS keyring by the caller; never logged, never stored by the engine.
    password: str | None = field(default=None, repr=False)
    display_name: str = ""
    auto_answer: bool = False
    dnd: bool = False
    record: bool = True
    recordings_dir: Path = Path("recordings")
    announcement_wav: Path | None = None
    reregister_s: int = 300  # the Expires we ask for; pjsua refreshes before it runs out
    # After a failed registration (401/403, a timeout, a 5xx) the engine tries again after
    # retry_s, doubling each time up to retry_max_s, reading the password afresh each time.
    retry_s: float = 5.0
    retry_max_s: float = 300.0
    max_calls: int = MAX_CALLS
    clock_rate: int = 16000  # conference bridge, recordings and PcmStream frames
    rtp_port: int = 0  # first RTP port; 0 lets the OS choose
    tls_ca_file: Path | None = None  # only for SipTransport.TLS
    sip_trace: bool = False  # log whole SIP messages (they carry patients' numbers)
    pj_log_level: int = 4  # 1 errors … 5 debug; level 4 keeps the log useful and quiet

    @property
    def local_user(self) -> str:
        return self.user or "agent"

    @property
    def registrar_uri(self) -> str | None:
        """The registrar as a SIP URI, with our transport when it names none."""
        if not self.registrar:
            return None
        uri = self.registrar.strip()
        if not uri.lower().startswith(("sip:", "sips:")):
            uri = "sip:" + uri
        if "transport=" not in uri.lower():
            uri += self.transport_param
        return uri

    @property
    def registrar_host(self) -> str | None:
        """host[:port] of the registrar, for our own URI and for dialling bare numbers."""
        uri = self.registrar_uri
        if uri is None:
            return None
        return uri.split(":", 1)[1].split(";", 1)[0] or None

    @property
    def transport_param(self) -> str:
        return "" if self.transport is SipTransport.UDP else f";transport={self.transport.value}"
