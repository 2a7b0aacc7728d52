"""The floor under `startup_s` (issue 18): what any start of the window must pay on this
machine, whatever the workstation's own code does.

`python -m agent_desk.bench.startup_floor --sip-port PORT --ready-line LINE`, the
password hash and the password on standard input, does only that: Python, SQLAlchemy's
ORM with the models' mappers configured, one argon2id verify (the login's, a tenth of a
second by design), pjsua2 listening, Qt's application with a shown empty main window (Qt
loaded last, as the window loads it after the database's modules), one turn of the event
loop, and the ready line. The benchmark starts it as it starts the window, in the same
rounds, so that the ratio of the two is this machine's, not its moment's.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent_desk.bench.startup_floor")
    parser.add_argument("--sip-port", type=int, required=True)
    # Given, not imported: the window's module that holds it would add the workstation's
    # own code to the floor.
    parser.add_argument("--ready-line", required=True)
    args = parser.parse_args(argv)
    gc.disable()  # as the window's start does
    stored_hash, password = sys.stdin.readline().strip(), sys.stdin.readline().strip()

    from sqlalchemy.orm import configure_mappers

    import agent_desk.db.models  # noqa: F401  (the mapped classes the login's query needs)
    from agent_desk.domain.passwords import verify_password
    from agent_desk.telephony.sip_config import SipConfig
    from agent_desk.telephony.sip_engine import SipEngine

    configure_mappers()
    if not verify_password(stored_hash, password):
        print("startup floor: the password does not match its hash", file=sys.stderr)
        return 1

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as recordings:
        engine = SipEngine(
            SipConfig(listen_port=args.sip_port, recordings_dir=Path(recordings)),
            lambda _event: None,
        )
        engine.start()
        try:
            window = QMainWindow()
            window.show()

            def ready() -> None:
                print(args.ready_line, flush=True)
                app.quit()

            QTimer.singleShot(0, ready)
            app.exec()
        finally:
            engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
