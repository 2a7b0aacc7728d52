"""Screen-pop latency: an INVITE from sipp until the patient's card is on screen.

An engine is started on a free loopback port with auto-answer and without recording, its
events posted to the workstation's controller through the desk's bridge (`ScreenPopDesk`);
sipp (Debian package sip-tester) places *n_calls* short calls at *rate_per_s*, each from
the next (number, display name) of *callers*, in both From and P-Asserted-Identity.

Each latency runs from the moment sipp wrote the INVITE to the socket (taken from its
message trace, same wall clock) until the controller had the card on screen: it includes
the loopback, pjsip's parsing, the hop off the SIP thread and the whole pop. The narrower
figure runs from the first Python code that saw the INVITE.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desk.telephony.sip_config import MAX_CALLS, SipConfig
from agent_desk.telephony.sip_engine import SipEngine

if TYPE_CHECKING:  # the harness runs without Qt until a desk is handed to it
    from agent_desk.bench.screen_pop_desk import Pop, ScreenPopDesk


@dataclass(frozen=True, slots=True)
class InviteBench:
    from_send_ms: list[float]  # sipp's send of the INVITE → the card on screen
    from_callback_ms: list[float]  # engine's onIncomingCall → the card on screen
    pops: list[Pop]
    sipp_exit_code: int
    # Each pop whose INVITE was found in sipp's trace, with its from_send figure: for a
    # figure over some of the calls only (those that rang while the sync worked).
    timed: list[tuple[Pop, float]]


def run_invite_bench(
    n_calls: int,
    desk: ScreenPopDesk,
    *,
    callers: Sequence[tuple[str, str]] = (),
    rate_per_s: int = 5,
    hold_ms: int = 50,
    workdir: Path | None = None,
) -> InviteBench:
    """*n_calls* calls at *rate_per_s*, each popped on *desk*.

    Five a second keeps one call on the desk at a time, as an agent takes them: at 20 the
    window's work for one call (pop, form, answer, hang-up) ran into the next, and the
    figure timed that queue instead of the pop.
    """
    if shutil.which("sipp") is None:
        raise RuntimeError("the SIP benchmark needs sipp (Debian package sip-tester)")
    if n_calls < 1:
        raise ValueError("n_calls must be at least 1")
    # The wheel caps pjsua at 4 simultaneous calls; more would be answered 486.
    if rate_per_s * (hold_ms + 60) / 1000 > MAX_CALLS - 1:
        raise ValueError(f"{rate_per_s} calls/s held {hold_ms} ms would exceed {MAX_CALLS} calls")
    people = list(callers) or [(f"1380013{i:04d}", f"Caller {i}") for i in range(n_calls)]
    with tempfile.TemporaryDirectory(prefix="sip-bench-") as scratch:
        folder = workdir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        scenario = folder / "bench_uac.xml"
        scenario.write_text(_SCENARIO.replace("@HOLD_MS@", str(hold_ms)), encoding="utf-8")
        injection = folder / "callers.csv"
        rows = [f"{number};{name.replace(';', ' ')};" for number, name in people]
        injection.write_text("SEQUENTIAL\n" + "\n".join(rows) + "\n", encoding="utf-8")

        config = SipConfig(
            listen_port=free_udp_port(),
            auto_answer=True,
            record=False,
            pj_log_level=2,
            max_calls=3,
        )
        before = desk.popped
        with SipEngine(config, desk.post) as engine:
            desk.attach_phone(engine)  # the controller gives it each pop's recording consent
            sipp = _start_sipp(folder, scenario, injection, config.listen_port, n_calls, rate_per_s)
            deadline_s = n_calls / rate_per_s + 30
            desk.run_until(
                lambda: desk.popped - before >= n_calls or sipp.poll() is not None, deadline_s
            )
            # Those still queued: on a loaded machine the desk can fall a minute behind, and
            # a late pop is a figure to report, not a reason to lose the run.
            desk.run_until(lambda: desk.popped - before >= n_calls, 120)
            if not desk.run_until(lambda: sipp.poll() is not None, 60):  # the last hang-ups
                sipp.kill()
            exit_code = sipp.wait()
        desk.attach_phone(None)
        pops = desk.pops()[before:]
        sent = _invite_send_times(folder)
        # Loopback UDP keeps order and calls are handled one at a time, so the k-th INVITE
        # sent is the k-th call to pop; the number check guards that assumption.
        timed = [
            (pop, (pop.shown_wall_ns - sent_ns) / 1e6)
            for pop, (sent_number, sent_ns) in zip(pops, sent, strict=False)
            if pop.number == sent_number
        ]
    if len(pops) < n_calls:
        raise RuntimeError(f"only {len(pops)} of {n_calls} calls popped (sipp exit {exit_code})")
    return InviteBench(
        [ms for _pop, ms in timed], [pop.from_engine_ms for pop in pops], pops, exit_code, timed
    )


def _start_sipp(
    folder: Path, scenario: Path, injection: Path, port: int, n_calls: int, rate_per_s: int
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            "sipp",
            "-sf",
            str(scenario),
            "-inf",
            str(injection),
            f"127.0.0.1:{port}",
            "-m",
            str(n_calls),
            "-r",
            str(rate_per_s),
            "-l",
            "50",
            "-i",
            "127.0.0.1",
            "-p",
            str(free_udp_port()),
            "-mp",
            str(free_udp_port()),
            "-nostdin",
            "-trace_msg",
            "-trace_err",
            # sipp's whole run, not a call's: 120 s stopped 1,000 calls at 5/s after 600.
            "-timeout",
            f"{n_calls // rate_per_s + 120}s",
        ],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


_TRACE_ENTRY = re.compile(
    r"^-{10,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\n\w+ message sent[^\n]*\n\n"
    r"INVITE .*?^Call-ID: (\S+).*?^P-Asserted-Identity: [^<]*<sip:([^@>]+)@",
    re.M | re.S,
)


def _invite_send_times(folder: Path) -> list[tuple[str, int]]:
    """(caller number, wall-clock ns) of each call's first INVITE, in sending order."""
    seen: set[str] = set()
    sent: list[tuple[str, int]] = []
    for trace in folder.glob("*_messages.log"):
        text = trace.read_text(encoding="utf-8", errors="replace")
        for entry in re.split(r"(?=^-{10,} \d{4}-)", text, flags=re.M):
            match = _TRACE_ENTRY.match(entry)
            if match is None:
                continue
            stamp, sip_call_id, number = match.groups()
            if sip_call_id in seen:
                continue  # a retransmission
            seen.add(sip_call_id)
            # sipp stamps local time; naive datetime.timestamp() reads it the same way.
            sent_ns = int(datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1e9)
            sent.append((number, sent_ns))
    return sent


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The caller's number and name come from the -inf file: [field0] and [field1].
_SCENARIO = """<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="screen-pop benchmark">
  <send retrans="500">
    <![CDATA[

      INVITE sip:agent@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "[field1]" <sip:[field0]@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:agent@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      P-Asserted-Identity: "[field1]" <sip:[field0]@[local_ip]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "[field1]" <sip:[field0]@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="@HOLD_MS@"/>
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "[field1]" <sip:[field0]@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
"""
