"""Screen-pop goals: INVITE from sipp → card populated; modem caller-ID line → card populated."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from agent_desk.bench import samples
from agent_desk.bench.core import bench_user, prepare
from agent_desk.bench.options import BenchOptions
from agent_desk.bench.stats import percentile, rounded
from agent_desk.domain.phones import PhonePlan, dialable
from agent_desk.services.calls import PopKind
from agent_desk.telephony.events import CallRinging

CALLS = 200


def _on_this_thread(
    work: Callable[[Callable[[CallRinging], None]], list[float]],
    handler: Callable[[CallRinging], None],
) -> list[float]:
    """Run *work* on a helper thread; its callbacks hop back here, as Qt's queued signals do."""
    inbox: queue.SimpleQueue[tuple[CallRinging, threading.Event] | None] = queue.SimpleQueue()
    result: list[list[float]] = []
    failure: list[BaseException] = []

    def hop(event: CallRinging) -> None:
        done = threading.Event()
        inbox.put((event, done))
        done.wait()

    def run() -> None:
        try:
            result.append(work(hop))
        except BaseException as exc:
            failure.append(exc)
        finally:
            inbox.put(None)

    thread = threading.Thread(target=run, name="bench-modem")
    thread.start()
    while (item := inbox.get()) is not None:
        event, done = item
        handler(event)
        done.set()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def run_telephony(options: BenchOptions) -> dict[str, float]:
    from agent_desk.bench.modem_pop import measure_modem_pop
    from agent_desk.bench.screen_pop_desk import CardPopper
    from agent_desk.bench.sip_pop import run_invite_bench

    _data, db = prepare(options.folder, options.patients)
    try:
        with db.read() as session:
            numbers = [dialable(e164) for e164 in samples.contact_e164s(session, CALLS * 2)]
        user, _password = bench_user(db)
        popper = CardPopper(db, user, PhonePlan())
        sip = run_invite_bench(CALLS, popper.pop, callers=[(n, "") for n in numbers[:CALLS]])
        modem = _on_this_thread(
            lambda hop: measure_modem_pop(numbers[CALLS:], hop, calls=CALLS), popper.pop
        )
    finally:
        db.dispose()
    popped = sum(
        count for kind, count in popper.kinds.items() if kind in (PopKind.PATIENT, PopKind.CHOOSE)
    )
    return {
        "screenpop_calls": float(len(sip.from_send_ms)),
        "screenpop_p50_ms": rounded(percentile(sip.from_send_ms, 50)),
        "screenpop_p95_ms": rounded(percentile(sip.from_send_ms, 95)),
        "screenpop_from_engine_p95_ms": rounded(percentile(sip.from_callback_ms, 95)),
        "modem_pop_p95_ms": rounded(percentile(modem, 95)),
        "pops_found_patient": rounded(popped / max(sum(popper.kinds.values()), 1)),
    }
