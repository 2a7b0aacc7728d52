"""Where the workstation keeps its data: one folder, chosen once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_HOME = "AGENT_DESK_HOME"
APP_NAME = "agent_desk"


class DataDirError(RuntimeError):
    """The data folder is missing, not a folder, or not writable; the message says which."""


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "agent_desk.sqlite3"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def recordings(self) -> Path:
        return self.root / "recordings"

    @property
    def drafts(self) -> Path:
        return self.root / "drafts"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> DataDir:
    """`--data-dir`, else $AGENT_DESK_HOME, else the platform's user data folder.

    A folder the user named must already exist (an empty one is fine), so that a
    typo never silently starts a second, empty hospital database. The platform
    default is created on first run.
    """
    named = explicit if explicit is not None else os.environ.get(ENV_HOME) or None
    if named is None:
        root = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        root.mkdir(parents=True, exist_ok=True)
    else:
        root = Path(named).expanduser()
        if not root.exists():
            raise DataDirError(f"data directory does not exist: {root}")
        if not root.is_dir():
            raise DataDirError(f"data directory is not a directory: {root}")
    if not os.access(root, os.W_OK | os.X_OK):
        raise DataDirError(f"data directory is not writable: {root}")
    data_dir = DataDir(root.resolve())
    data_dir.logs.mkdir(exist_ok=True)
    return data_dir
