"""Backups against real processes: one killed half way, one holding the window's lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from agent_desk.db.open import open_local
from agent_desk.logs import LOG_NAME
from agent_desk.paths import DataDir
from agent_desk.services.accounts import AccountService
from tests.backup_files import add_filler, file_hash
from tests.cli_login import ADMIN, PASSWORD, add_account, login_argv, login_stdin

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL")


def agent_desk(data_dir: DataDir, *args: str, **popen: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "agent_desk", "--data-dir", str(data_dir.root), *args]
    return subprocess.Popen(command, **popen)  # type: ignore[call-overload]


def signed_in(data_dir: DataDir, *args: str, **popen: object) -> subprocess.Popen[bytes]:
    """`agent-desk --user ADMIN --password-stdin ARGS`, started; the password is sent."""
    started = agent_desk(data_dir, *login_argv(), *args, stdin=subprocess.PIPE, **popen)
    assert started.stdin is not None
    started.stdin.write(login_stdin().encode())
    started.stdin.close()
    return started


def finished(data_dir: DataDir, *args: str) -> subprocess.CompletedProcess[str]:
    """`agent-desk ARGS` signed in as ADMIN (the account is added on first use), to its end."""
    if not data_dir.database.exists() or not _has_admin(data_dir):
        add_account(data_dir)
    command = [sys.executable, "-m", "agent_desk", "--data-dir", str(data_dir.root)]
    return subprocess.run(
        [*command, *login_argv(), *args],
        input=login_stdin(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _has_admin(data_dir: DataDir) -> bool:
    db = open_local(data_dir.database)
    try:
        return not AccountService(db).needs_first_admin()
    finally:
        db.dispose()


def test_a_backup_killed_half_way_leaves_the_previous_one_and_no_listed_half_file(
    data_dir: DataDir,
) -> None:
    open_local(data_dir.database).dispose()
    assert finished(data_dir, "backup", "create").returncode == 0
    (previous,) = data_dir.backups.iterdir()
    before = file_hash(previous)
    add_filler(data_dir.database, 200)
    backing_up = signed_in(data_dir, "backup", "create", stderr=subprocess.PIPE)
    assert backing_up.stderr is not None
    seen = b""
    while b"pages" not in seen:  # the first step is copied: the file is half written
        chunk = backing_up.stderr.read(1)
        assert chunk, "the backup ended before its first step"
        seen += chunk
    backing_up.send_signal(signal.SIGKILL)
    assert backing_up.wait() == -signal.SIGKILL
    backing_up.stderr.close()
    assert any(p.name.startswith(".backup-") for p in data_dir.backups.iterdir())
    listed = finished(data_dir, "backup", "list").stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == [str(previous)]
    assert file_hash(previous) == before


HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from agent_desk.window_lock import LockMode, WindowLock
WindowLock(Path(sys.argv[1]), LockMode[sys.argv[2]]).acquire()
print("held", flush=True)
time.sleep(600)
"""


@contextmanager
def lock_held(data_dir: DataDir, mode: str) -> Iterator[subprocess.Popen[bytes]]:
    """Another process holding the data folder's lock, as a window (SHARED) or a restore."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(data_dir.window_lock), mode],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        yield holder
    finally:
        holder.kill()  # a crash: the operating system lets go of the lock
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


def test_restore_is_refused_while_a_window_holds_the_lock_and_allowed_once_it_died(
    data_dir: DataDir,
) -> None:
    open_local(data_dir.database).dispose()
    assert finished(data_dir, "backup", "create").returncode == 0
    (backup,) = data_dir.backups.iterdir()
    with lock_held(data_dir, "SHARED"):
        refused = finished(data_dir, "backup", "restore", str(backup))
        assert refused.returncode == 1
        assert "window is open" in refused.stderr and refused.stderr.count("\n") == 1
        assert not list(data_dir.root.glob("*before-restore*"))
    assert finished(data_dir, "backup", "restore", str(backup)).returncode == 0


def test_the_window_holds_the_lock_while_it_runs(data_dir: DataDir) -> None:
    password = PASSWORD + "\n"
    add_account(data_dir)
    assert finished(data_dir, "config", "set", "sip.enabled", "false").returncode == 0
    assert finished(data_dir, "backup", "create").returncode == 0
    (backup,) = data_dir.backups.iterdir()
    window = agent_desk(
        data_dir,
        "run",
        "--user",
        ADMIN,
        "--password-stdin",
        stdin=subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert window.stdin is not None
        window.stdin.write(password.encode())
        window.stdin.close()
        log = data_dir.logs / LOG_NAME
        while "workstation ready" not in (log.read_text("utf-8") if log.exists() else ""):
            assert window.poll() is None, "the window ended before it was ready"
            time.sleep(0.1)
        refused = finished(data_dir, "backup", "restore", str(backup))
        assert refused.returncode == 1 and "window is open" in refused.stderr
    finally:
        window.terminate()
        window.wait()
    assert finished(data_dir, "backup", "restore", str(backup)).returncode == 0


def test_a_window_does_not_open_while_a_restore_holds_the_folder(data_dir: DataDir) -> None:
    open_local(data_dir.database).dispose()
    assert finished(data_dir, "config", "set", "ui.language", "en").returncode == 0
    with lock_held(data_dir, "EXCLUSIVE"):
        window = subprocess.run(
            [
                sys.executable,
                "-m",
                "agent_desk",
                "--data-dir",
                str(data_dir.root),
                "run",
                "--user",
                "admin",
                "--password-stdin",
                "--quit-when-ready",
            ],
            input="whatever\n",
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
    assert window.returncode == 1
    assert "A backup is being restored into this data folder." in window.stderr
