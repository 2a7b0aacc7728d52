"""`agent-desk run` starts with the garbage collector off; settling after start turns it on."""

from __future__ import annotations

import gc
import sys

from agent_desk.ui.interpreter import settle_after_start


def test_settling_after_start_turns_the_collector_back_on() -> None:
    interval = sys.getswitchinterval()
    gc.disable()
    try:
        settle_after_start()
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
        sys.setswitchinterval(interval)
