"""The interpreter tuned for the window's latency, once the workstation has started.

- The objects start-up made (modules, the window's widgets' wrappers, the ORM's mappers,
  caches) live until exit. gc.freeze() takes them out of the collector's view: a full
  collection otherwise walked all of them, about 200,000 objects, in the middle of
  whichever pop it fell on (measured at 0.3 – 0.7 s on the shared 2-core test machine; the
  tail of `screenpop_p999_ms`). `agent-desk run` keeps the collector off until then:
  start-up allocates and frees next to nothing, and its passes there were wasted.
- The GUI thread gives up the interpreter lock at every SQLite step and many Qt calls; when
  another thread is busy (the background jobs, the call log's writer, the sync thread's
  own small part: its cycles run in a process of their own), getting it back waits for
  the switch interval (5 ms by default), once per release. 1 ms bounds that wait for the
  card's many short releases, for a little more switching in the threads that compute.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001


def settle_after_start() -> None:
    """Call once the window is built and the lines are wired, before the first call."""
    gc.freeze()  # no gc.collect() first: it would cost start-up time for little
    gc.enable()  # `agent-desk run` starts with the collector off (cli/run.py)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
