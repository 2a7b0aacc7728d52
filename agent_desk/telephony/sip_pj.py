"""Bringing pjsua2's Endpoint up and down, and its log into Python logging.

Every function here runs on the SIP thread that owns the Endpoint.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec

import pjsua2 as pj  # type: ignore[import-untyped]

from agent_desk.telephony.sip_config import SipConfig, SipTransport

log = logging.getLogger(__name__)
pjlog = logging.getLogger("agent_desk.telephony.pjsip")
P = ParamSpec("P")

_TRANSPORT_TYPES = {
    SipTransport.UDP: pj.PJSIP_TRANSPORT_UDP,
    SipTransport.TCP: pj.PJSIP_TRANSPORT_TCP,
    SipTransport.TLS: pj.PJSIP_TRANSPORT_TLS,
}


def guarded(method: Callable[P, None]) -> Callable[P, None]:
    """For pjsua2 callbacks: an exception escaping into SWIG's director would abort the
    C++ caller (and with it the process), so log it here instead."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            method(*args, **kwargs)
        except Exception:
            log_exception(log, "error in pjsua2 callback %s", method.__name__)

    return wrapper


class SipEndpoint(pj.Endpoint):  # type: ignore[misc]
    """The Endpoint, with the one endpoint-level callback the engine needs."""

    def __init__(self) -> None:
        super().__init__()
        self.on_rejected_call: Callable[[Any], None] | None = None

    @guarded
    def onRejectedIncomingCall(self, prm: Any) -> None:
        if self.on_rejected_call is not None:
            self.on_rejected_call(prm)


class PjLogBridge(pj.LogWriter):  # type: ignore[misc]
    """Routes PJSIP's log into `logging` (any pjlib thread may call it).

    pjsua2 takes ownership when it is put into EpConfig and deletes the C++ side in
    libDestroy; the engine still keeps this Python object alive until then, because a
    collected director would leave pjsua2 calling into freed memory.
    """

    def write(self, entry: Any) -> None:
        level = int(entry.level)
        if level <= 1:
            py_level = logging.ERROR
        elif level == 2:
            py_level = logging.WARNING
        else:
            # pjsua's level 3 includes call dumps with the caller's number: keep patients'
            # numbers out of the INFO log.
            py_level = logging.DEBUG
        if not pjlog.isEnabledFor(py_level):
            return
        try:
            message = str(entry.msg).rstrip()
        except UnicodeDecodeError:
            # A malformed packet can carry bytes that are not UTF-8; say so, do not raise
            # into pjlib (a Python exception here would abort the C++ caller).
            message = "(a PJSIP log line that is not valid UTF-8)"
        pjlog.log(py_level, "%s", message)


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send C-level stdout to stderr for a moment.

    pjlib prints its start-up lines with printf before our log writer is installed;
    on stdout they would corrupt `agent-desk bench --json` output.
    """
    if sys.platform == "win32":
        yield
        return
    try:
        libc = ctypes.CDLL(None)
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):
        yield  # no usable stdout (a detached GUI process): nothing to protect
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        libc.fflush(None)
        os.dup2(saved, 1)
        os.close(saved)


def create_endpoint(config: SipConfig, writer: PjLogBridge) -> tuple[Any, int]:
    """libCreate → libInit → null sound device → transport → libStart.

    Returns the Endpoint and the transport id. On failure the library is destroyed
    again, so that a later attempt (say, on another port) can start cleanly.
    """
    ep = SipEndpoint()
    with _stdout_to_stderr():
        ep.libCreate()
    try:
        cfg = pj.EpConfig()
        # One thread, ours, runs every pjsua2 callback: no locking in Python code.
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.maxCalls = config.max_calls
        cfg.uaConfig.userAgent = f"agent_desk (pjsua2 {ep.libVersion().full})"
        cfg.logConfig.writer = writer
        cfg.logConfig.level = config.pj_log_level
        # pjsua hands lines to the writer only up to the console level; with a writer
        # installed nothing is printed, so this is the writer's level.
        cfg.logConfig.consoleLevel = config.pj_log_level
        cfg.logConfig.msgLogging = 1 if config.sip_trace else 0
        cfg.logConfig.decor = pj.PJ_LOG_HAS_SENDER
        cfg.medConfig.clockRate = config.clock_rate
        cfg.medConfig.sndClockRate = config.clock_rate
        cfg.medConfig.noVad = True  # VAD would cut quiet speech out of recordings
        cfg.medConfig.ecTailLen = 0  # no local loudspeaker to cancel here
        ep.libInit(cfg)
        # The Linux wheel has no sound devices; the null device drives the bridge clock.
        ep.audDevManager().setNullDev()
        transport_id = ep.transportCreate(
            _TRANSPORT_TYPES[config.transport], transport_config(config)
        )
        ep.libStart()
    except BaseException as error:
        destroy_endpoint(ep)
        # pjsua2 allows a single Endpoint, and Endpoint() while another lingers aborts
        # the process. The traceback's frames (SWIG's Python shims included) hold this
        # one, and a logging handler may keep the traceback: clear them.
        traceback.clear_frames(error.__traceback__)
        del ep
        raise
    return ep, transport_id


def transport_config(config: SipConfig) -> Any:
    tc = pj.TransportConfig()
    tc.port = config.listen_port
    tc.boundAddress = config.listen_address
    if config.transport is SipTransport.TLS:
        tc.tlsConfig.method = pj.PJSIP_TLSV1_2_METHOD
        tc.tlsConfig.verifyServer = True
        if config.tls_ca_file is not None:
            tc.tlsConfig.CaListFile = str(config.tls_ca_file)
    return tc


def destroy_endpoint(ep: Any) -> None:
    # NO_RX_MSG skips pjsua's fixed one-second wait: the engine has already hung up
    # its calls and unregistered before calling this.
    try:
        ep.libDestroy(pj.PJSUA_DESTROY_NO_RX_MSG)
    except pj.Error as error:
        pjlog.error("libDestroy failed: %s", error.info())


def log_exception(logger: logging.Logger, message: str, *args: object) -> None:
    """Log the exception being handled, with its traceback as text.

    Not `logger.exception()`: a record holding the traceback object keeps every frame
    on it alive (a handler such as pytest's caplog or a UI log view keeps records), and
    with the frames the pjsua2 Calls and Accounts they reference. Those would then be
    destroyed later, on the wrong thread or after libDestroy, and abort the process.
    """
    logger.error(message + "\n%s", *args, traceback.format_exc().rstrip())


def error_text(error: Exception) -> str:
    """pj.Error carries its message in info(); other exceptions in str()."""
    info = getattr(error, "info", None)
    if callable(info):
        try:
            return str(info())
        except Exception:  # a broken pj.Error must not hide the original failure
            return repr(error)
    return str(error)
