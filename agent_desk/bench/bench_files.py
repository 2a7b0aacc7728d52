"""The benchmarks' own databases: encrypted as a workstation's are, under a fixed key.

The benchmark data is generated and holds nobody's data, and it must open again in the next
run, on a computer without an OS keyring too: so its key is fixed here, not kept in the
keyring (nor made there, which would leave a key id and a secret behind each run).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from agent_desk.db.sqlcipher import LocalFile

BENCH_KEY = hashlib.sha256(b"agent_desk benchmark: generated data only").digest()


def bench_file(path: Path) -> LocalFile:
    return LocalFile(path, BENCH_KEY)
