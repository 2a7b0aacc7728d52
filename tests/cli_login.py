"""Logging in on the command line, as every test that runs `agent-desk` does.

The command line logs in (`--user NAME --password-stdin`, the password on stdin's first
line). Tests add the workstation's first account as hospital IT does, with `users add`
before any account exists, then sign in as it: ADMIN is an administrator who is also a
supervisor of the whole hospital, so that a test about something else may do everything.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

from agent_desk.cli import main
from agent_desk.paths import DataDir

ADMIN = "it-admin"
PASSWORD = "a long enough password"
ADMIN_ROLES = ("admin", "supervisor")


def login_argv(user: str = ADMIN) -> list[str]:
    """The global options that sign *user* in; put them before the command."""
    return ["--user", user, "--password-stdin"]


def login_stdin(stdin: str = "", password: str = PASSWORD) -> str:
    """Standard input for a signed-in command: the password, then what the command reads."""
    return f"{password}\n{stdin}"


@contextmanager
def _stdin(text: str) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


def run(
    data_dir: Path | DataDir,
    *args: str,
    stdin: str = "",
    user: str | None = ADMIN,
    password: str = PASSWORD,
) -> int:
    """`agent-desk --data-dir DATA [--user USER --password-stdin] ARGS` in this process;
    *user* None runs it without a login."""
    root = data_dir.root if isinstance(data_dir, DataDir) else data_dir
    login = [] if user is None else login_argv(user)
    text = stdin if user is None else login_stdin(stdin, password)
    with _stdin(text):
        return main(["--data-dir", str(root), *login, *args])


def add_account(
    data_dir: Path | DataDir,
    name: str = ADMIN,
    roles: Sequence[str] = ADMIN_ROLES,
    departments: Sequence[str] = (),
    password: str = PASSWORD,
) -> None:
    """`users add`: ADMIN as the workstation's first account (no login yet), any other
    account signed in as ADMIN."""
    options = [f"--role={role}" for role in roles]
    options += [f"--department={code}" for code in departments]
    add = ("users", "add", name, *options, "--password-stdin")
    new_password = f"{password}\n"
    with redirect_stdout(io.StringIO()):  # "added NAME": not the output a test reads
        if name == ADMIN:
            status = run(data_dir, *add, stdin=new_password, user=None)
        else:
            status = run(data_dir, *add, stdin=new_password)
    assert status == 0, f"could not add the account {name}"
