"""The SMS gateway as its own process, for `bench sms` to kill: ``python -m
agent_desk.bench.sms_gateway_child DATA [--once]`` (no login: a benchmark's own folder)."""

from __future__ import annotations

import argparse
from pathlib import Path

from agent_desk.db.open import open_local
from agent_desk.paths import DataDir
from agent_desk.services.sms_gateway import build_gateway
from agent_desk.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--once", action="store_true")
    args = parser.parse_args()
    data = DataDir(args.data)
    db = open_local(data.database)
    gateway = build_gateway(data, Settings(data.settings), db, idle_s=0.05)
    if args.once:
        gateway.outbox.recover()
        while gateway.step():
            pass
        gateway.modem.close()
    else:
        gateway.run()
    db.dispose()


if __name__ == "__main__":
    main()
