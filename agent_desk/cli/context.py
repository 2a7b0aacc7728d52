"""What every command group is given and may use: the Context it runs in, its error, its exit
statuses, the password prompt and the argument type the groups share.

A command group is a module of agent_desk.cli with two functions (see CommandGroup). Its
handler imports what it needs (Qt, the services, the sync client) inside the function: the
group modules are all imported at every start-up, and `agent-desk run` start-up is measured.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias

from agent_desk.db.engine import Database
from agent_desk.db.open import open_local
from agent_desk.paths import DataDir
from agent_desk.settings import Settings

if TYPE_CHECKING:
    from agent_desk.sync.central import CentralConfig

# Said by every command that opens the database, as the window's status bar says it.
NOT_ENCRYPTED = "database not encrypted: no OS keyring"

EXIT_OK = 0
EXIT_FAILURE = 1

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CliError(RuntimeError):
    """A problem the user can fix; printed as one line."""


@dataclass
class Context:
    data_dir: DataDir
    log_path: Path

    @cached_property
    def settings(self) -> Settings:
        return Settings(self.data_dir.settings)

    @cached_property
    def db(self) -> Database:
        db = open_local(self.data_dir.database)
        if db.local is not None and not db.local.encrypted:
            print(f"agent-desk: {NOT_ENCRYPTED}", file=sys.stderr)
        if self.settings.get("central.url"):
            from agent_desk.sync.capture import install_capture

            install_capture(db)  # every change from here on goes up with the next sync
        return db

    @property
    def actor(self) -> str:
        return f"cli:{getpass.getuser()}"

    def central_config(self, url: str | None = None) -> CentralConfig:
        """The central server from the settings; *url* (a --url option) replaces central.url."""
        from agent_desk.sync.central import config_from_settings

        return config_from_settings(self.settings.get, url=url)


class CommandGroup(Protocol):
    """One `agent-desk GROUP` command: a module of agent_desk.cli named in COMMAND_GROUPS."""

    def add_parser(self, commands: Subcommands) -> argparse.ArgumentParser:
        """Add the group's parser (its options, its actions) to *commands* and return it."""
        ...

    def handle(self, ctx: Context, args: argparse.Namespace) -> int:
        """Run the parsed command; return the exit status, or raise to fail in one line."""
        ...


def read_password(from_stdin: bool, confirm: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for the password: use --password-stdin")
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat password: ") != password:
        raise CliError("the two passwords differ")
    return password


def positive(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    message = f"{text!r} is not a whole number of 1 or more"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(message) from None
    if value < 1:
        raise argparse.ArgumentTypeError(message)
    return value
