"""Screen-pop goals: INVITE from sipp → card on screen; modem caller-ID line → card on screen.

Both lines feed the workstation's own window and call controller (`ScreenPopDesk`), so each
figure is the path an agent waits on, not a copy of it.
"""

from __future__ import annotations

from agent_desk.bench import samples
from agent_desk.bench.core import bench_user, prepare
from agent_desk.bench.options import BenchOptions
from agent_desk.bench.stats import percentile, rounded
from agent_desk.domain.phones import dialable
from agent_desk.services.calls import PopKind
from agent_desk.settings import Settings

CALLS = 200


def run_telephony(options: BenchOptions) -> dict[str, float]:
    from agent_desk.bench.modem_pop import measure_modem_pop
    from agent_desk.bench.screen_pop_desk import ScreenPopDesk
    from agent_desk.bench.sip_pop import run_invite_bench
    from agent_desk.ui.app import log_qt_messages

    log_qt_messages()  # as in the workstation: Qt's warnings (no sound server) go to the log

    data, db = prepare(options.folder, options.patients)
    try:
        with db.read() as session:
            numbers = [dialable(e164) for e164 in samples.contact_e164s(session, CALLS * 2)]
        user, _password = bench_user(db)
        desk = ScreenPopDesk(db, user, Settings(data / "settings.json"))
        try:
            sip = run_invite_bench(CALLS, desk, callers=[(n, "") for n in numbers[:CALLS]])
            modem = measure_modem_pop(numbers[CALLS:], desk, calls=CALLS)
            kinds = [pop.kind for pop in desk.pops()]
        finally:
            desk.close()
    finally:
        db.dispose()
    found = sum(1 for kind in kinds if kind in (PopKind.PATIENT, PopKind.CHOOSE))
    return {
        "screenpop_calls": float(len(sip.from_send_ms)),
        "screenpop_p50_ms": rounded(percentile(sip.from_send_ms, 50)),
        "screenpop_p95_ms": rounded(percentile(sip.from_send_ms, 95)),
        "screenpop_from_engine_p95_ms": rounded(percentile(sip.from_callback_ms, 95)),
        "modem_pop_p95_ms": rounded(percentile(modem, 95)),
        "pops_found_patient": rounded(found / max(len(kinds), 1)),
    }
