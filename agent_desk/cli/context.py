"""What every command group is given and may use: the Context it runs in, its error, its exit
statuses, the password prompt and the argument type the groups share.

A command group is a module of agent_desk.cli with two functions (see CommandGroup). Its
handler imports what it needs (Qt, the services, the sync client, SQLAlchemy and the
models) inside the function: the group modules are all imported at every start-up, and
`agent-desk run` start-up is measured.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias

from agent_desk.paths import DataDir

if TYPE_CHECKING:
    from agent_desk.db.engine import Database
    from agent_desk.domain.permissions import Permission, Principal
    from agent_desk.settings import Settings
    from agent_desk.sync.central import CentralConfig

# Said by every command that opens the database, as the window's status bar says it.
NOT_ENCRYPTED = "database not encrypted: no OS keyring"

EXIT_OK = 0
EXIT_FAILURE = 1

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CliError(RuntimeError):
    """A problem the user can fix; printed as one line."""


LOGIN_OPTION = "--user NAME --password-stdin"
FIRST_ADMIN_HINT = "agent-desk users add NAME --role admin --password-stdin"


@dataclass(frozen=True)
class Login:
    """--user NAME --password-stdin: the name, and the password read from stdin's first line."""

    username: str
    password: str


@dataclass
class Context:
    """What a command runs in. A command that reads or changes patient data, recordings or
    accounts asks for the signed-in user with principal(); the login happens then, once.
    Set-up commands ask setup_principal() instead: they run without a login while the
    workstation has no account yet."""

    data_dir: DataDir
    log_path: Path
    login: Login | None = None
    _principal: Principal | None = None

    @cached_property
    def settings(self) -> Settings:
        from agent_desk.settings import Settings

        return Settings(self.data_dir.settings)

    @cached_property
    def _local(self) -> Database:
        from agent_desk.db.open import open_local

        db = open_local(self.data_dir.database)
        if db.local is not None and not db.local.encrypted:
            print(f"agent-desk: {NOT_ENCRYPTED}", file=sys.stderr)  # once a command
        return db

    @property
    def db(self) -> Database:
        db = self._local
        # Checked at every use, not at the first: `config set central.url` opens the
        # database (to check the login) before it points the workstation at a server.
        if self.settings.get("central.url"):
            from agent_desk.sync.capture import install_capture

            install_capture(db)  # every change from here on goes up with the next sync
        return db

    @property
    def actor(self) -> str:
        """Who the audit events name: the signed-in user, or the OS account at set-up."""
        if self._principal is not None:
            return self._principal.username
        return f"cli:{getpass.getuser()}"

    def has_accounts(self) -> bool:
        from agent_desk.services.accounts import AccountService

        return not AccountService(self.db).needs_first_admin()

    def principal(self, permission: Permission | None = None) -> Principal:
        """The signed-in user (logged in on first use), checked for *permission*. Fails in one
        line without a login, on a wrong password (audited, as in the window) and when the
        user's roles do not allow *permission*."""
        if self._principal is None:
            self._principal = self._log_in()
        if permission is not None:
            self._principal.require(permission)
        return self._principal

    def setup_principal(self, permission: Permission) -> Principal | None:
        """None while no account exists (a new workstation being set up: anyone at its
        keyboard may), else the signed-in user, checked for *permission*."""
        if not self.has_accounts():
            return None
        return self.principal(permission)

    def _log_in(self) -> Principal:
        from agent_desk.services.accounts import AccountService

        if not self.has_accounts():
            raise CliError(
                f"no account exists yet: add the first administrator with '{FIRST_ADMIN_HINT}'"
            )
        if self.login is None:
            raise CliError(f"this command needs a login: {LOGIN_OPTION}")
        user = AccountService(self.db).login(self.login.username, self.login.password)
        if user is None:
            raise CliError(f"wrong user name or password for {self.login.username!r}")
        return user.principal

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


def read_login(username: str | None, password_stdin: bool) -> Login | None:
    """The global --user NAME --password-stdin: the password is stdin's first line, read
    now, so that a command reading a new password from stdin gets the lines after it."""
    if username is None:
        if password_stdin:
            raise CliError("--password-stdin needs --user NAME")
        return None
    if not password_stdin:
        raise CliError(f"--user needs --password-stdin: {LOGIN_OPTION}")
    return Login(username, read_password(True, confirm=False))


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
