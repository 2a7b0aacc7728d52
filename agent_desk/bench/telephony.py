"""Screen-pop goals: INVITE from sipp → card on screen; modem caller-ID line → card on screen.

Both lines feed the workstation's own window and call controller (`ScreenPopDesk`), so each
figure is the path an agent waits on, not a copy of it. The SIP figures come from 1,000 calls
in a row, which also give the window's memory over a shift's calls; with a central server
(--url, or central.url), 200 more are rung while the sync pulls and pushes (sip_pop_sync.py).
"""

from __future__ import annotations

import sys
from itertools import cycle, islice

from agent_desk.bench import samples
from agent_desk.bench.core import bench_user, prepare
from agent_desk.bench.options import BenchOptions
from agent_desk.bench.stats import percentile, rounded
from agent_desk.domain.phones import dialable
from agent_desk.services.calls import PopKind
from agent_desk.settings import Settings

NO_SYNC_NOTE = (
    "agent-desk: screenpop_p95_during_sync_ms needs a PostgreSQL server: run "
    "'agent-desk bench telephony --url postgresql://USER@HOST:5432/DATABASE' (or set central.url)"
)

MODEM_CALLS = 200
SYNC_CALLS = 200  # rung while the sync pulls and pushes (only with a server)


def run_telephony(options: BenchOptions) -> dict[str, float]:
    from agent_desk.bench.modem_pop import measure_modem_pop
    from agent_desk.bench.screen_pop_desk import ScreenPopDesk
    from agent_desk.bench.sip_pop import run_invite_bench
    from agent_desk.bench.sip_pop_sync import measure_pops_during_sync
    from agent_desk.ui.qt_messages import log_qt_messages

    log_qt_messages()  # as in the workstation: Qt's warnings (no sound server) go to the log

    calls = options.calls  # in a row: the tail (p99.9) and the memory over a shift's calls
    data, db = prepare(options.folder, options.patients)
    try:
        with db.read() as session:
            wanted = calls + MODEM_CALLS + SYNC_CALLS
            # Some sampled rows have no valid number: ask for more than needed; a small
            # hospital's numbers ring more than once.
            sampled = [dialable(n) for n in samples.contact_e164s(session, wanted * 2)]
        if not sampled:
            raise RuntimeError("the benchmark hospital has no phone numbers to call from")
        numbers = list(islice(cycle(sampled), wanted))
        user, _password = bench_user(db)
        desk = ScreenPopDesk(db, user, Settings(data / "settings.json"))
        try:
            sip = run_invite_bench(calls, desk, callers=[(n, "") for n in numbers[:calls]])
            rss, anon = list(desk.rss_after_call), list(desk.anon_after_call)
            kinds = [pop.kind for pop in desk.pops()]
            rest = numbers[calls:]
            modem = measure_modem_pop(rest[:MODEM_CALLS], desk, calls=MODEM_CALLS)
            during_sync: dict[str, float] = {}
            if options.central is not None:
                sync_numbers = rest[MODEM_CALLS : MODEM_CALLS + SYNC_CALLS]
                during_sync = measure_pops_during_sync(
                    desk, options.central, options.folder, options.patients, sync_numbers
                )
            else:
                print(NO_SYNC_NOTE, file=sys.stderr)
        finally:
            desk.close()
    finally:
        db.dispose()
    found = sum(1 for kind in kinds if kind in (PopKind.PATIENT, PopKind.CHOOSE))
    return {
        "screenpop_calls": float(len(sip.from_send_ms)),
        "screenpop_p50_ms": rounded(percentile(sip.from_send_ms, 50)),
        "screenpop_p95_ms": rounded(percentile(sip.from_send_ms, 95)),
        "screenpop_p999_ms": rounded(percentile(sip.from_send_ms, 99.9)),
        "screenpop_from_engine_p95_ms": rounded(percentile(sip.from_callback_ms, 95)),
        **_memory(rss, anon, calls),
        "modem_pop_p95_ms": rounded(percentile(modem, 95)),
        "pops_found_patient": rounded(found / max(len(kinds), 1)),
        **during_sync,
        **during_sync_vs_quiet(during_sync, sip.from_send_ms),
    }


def during_sync_vs_quiet(during_sync: dict[str, float], quiet_ms: list[float]) -> dict[str, float]:
    """The pops' p95 during the sync over their p95 in the quiet calls of the same run: the
    machine's own speed divides out (goals: 20 ms against 10, so 2.0)."""
    if not during_sync:
        return {}
    ratio = during_sync["screenpop_p95_during_sync_ms"] / percentile(quiet_ms, 95)
    return {"screenpop_during_sync_vs_quiet": round(ratio, 2)}


def _memory(rss: list[int], anon: list[int], calls: int) -> dict[str, float]:
    """The process's memory after the calls, and how much it grew over the second half of
    them (the first half takes the caches' and the widgets' one-off growth). A call whose
    end came after the benchmark stopped listening is left out, so the keys keep their names."""
    if len(rss) < calls // 2 + 1:
        raise RuntimeError(f"only {len(rss)} of {calls} calls ended: no memory figure")
    middle = calls // 2 - 1

    def growth(samples: list[int]) -> float:
        return round((samples[-1] - samples[middle]) / samples[middle] * 100, 2)

    figures = {
        f"rss_mb_after_{calls}_calls": round(rss[-1] / 2**20, 1),
        f"rss_growth_last_{calls - calls // 2}_pct": growth(rss),
    }
    if anon and anon[middle]:
        figures[f"rss_anon_mb_after_{calls}_calls"] = round(anon[-1] / 2**20, 1)
        figures[f"rss_anon_growth_last_{calls - calls // 2}_pct"] = growth(anon)
    return figures
