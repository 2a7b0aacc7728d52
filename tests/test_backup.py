"""`agent-desk backup`: online copies that round-trip every table, checked restores, keep."""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_desk.data_key import data_key
from agent_desk.db.backup import create
from agent_desk.db.open import local_file, open_local
from agent_desk.db.sqlcipher import LocalFile
from agent_desk.demo.writer import generate
from agent_desk.paths import DataDir
from tests.backup_files import add_filler, file_hash, small_disk, table_digests
from tests.cli_login import add_account, run
from tests.conftest import TODAY


@pytest.fixture(autouse=True)
def signed_in(data_dir: DataDir) -> None:
    """Backups are an administrator's: every command here signs in as one."""
    add_account(data_dir)


@pytest.fixture
def demo(data_dir: DataDir) -> DataDir:
    db = open_local(data_dir.database)
    try:
        generate(db, 300, today=TODAY)
    finally:
        db.dispose()
    return data_dir


def only_backup(data_dir: DataDir) -> Path:
    (found,) = data_dir.backups.iterdir()
    return found


def test_backup_then_restore_round_trips_every_table(demo: DataDir) -> None:
    before = table_digests(demo.database)
    assert run(demo, "backup", "create") == 0
    db = open_local(demo.database)
    generate(db, 50, today=TODAY)  # changed after the backup: the restore undoes this
    db.dispose()
    assert run(demo, "backup", "restore", str(only_backup(demo))) == 0
    assert table_digests(demo.database) == before
    assert before["patients"][0] == 300


def test_restore_keeps_the_replaced_database_aside(demo: DataDir, capsys) -> None:
    assert run(demo, "backup", "create") == 0
    db = open_local(demo.database)
    generate(db, 50, today=TODAY)
    db.dispose()
    changed = table_digests(demo.database)
    assert run(demo, "backup", "restore", str(only_backup(demo))) == 0
    (aside,) = demo.root.glob("agent_desk.sqlite3.before-restore-*")
    assert not Path(f"{aside}-wal").exists()  # whole by itself: the WAL was folded in
    assert table_digests(aside) == changed
    assert str(aside) in capsys.readouterr().out


def test_a_backup_taken_while_another_connection_writes_is_of_one_moment(
    data_dir: DataDir,
) -> None:
    open_local(data_dir.database).dispose()
    add_filler(data_dir.database, 40)
    writer = local_file(data_dir.database).connect(check_same_thread=False)
    writer.execute("CREATE TABLE left_side (n)")
    writer.execute("CREATE TABLE right_side (n)")
    stop, written = threading.Event(), []

    def write() -> None:
        while not stop.is_set():  # each pair in one transaction: a copy holds both or neither
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("INSERT INTO left_side VALUES (1)")
            writer.execute("INSERT INTO right_side VALUES (1)")
            writer.execute("COMMIT")
            written.append(1)

    thread = threading.Thread(target=write)
    thread.start()
    progress: list[int] = []
    try:
        while len(written) < 10:
            stop.wait(0.001)
        create(
            local_file(data_dir.database),
            data_dir.root / "copy.sqlite3",
            lambda done, _: progress.append(len(written)),
        )
    finally:
        stop.set()
        thread.join()
        writer.close()
    copy = local_file(data_dir.root / "copy.sqlite3").connect()
    left, right = (
        copy.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("left_side", "right_side")
    )
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()
    assert left == right > 0
    assert progress[-1] > progress[0]  # the writer went on during the copy


def corrupt(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(b"\xff" * 8192)


def newer_schema(path: Path) -> None:
    # A backup in DATA/backups, under the data folder's key.
    connection = LocalFile(path, data_key(DataDir(path.parent.parent))).connect()
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()


@pytest.mark.parametrize(("spoil", "said"), [(corrupt, "damaged"), (newer_schema, "newer")])
def test_a_bad_backup_is_refused_in_one_line_and_nothing_changes(
    demo: DataDir, capsys, spoil, said: str
) -> None:
    assert run(demo, "backup", "create") == 0
    spoil(only_backup(demo))
    before = table_digests(demo.database)
    capsys.readouterr()
    assert run(demo, "backup", "restore", str(only_backup(demo))) == 1
    error = capsys.readouterr().err
    assert said in error and error.count("\n") == 1
    assert table_digests(demo.database) == before
    assert not list(demo.root.glob("*before-restore*"))
    assert not list(demo.root.glob(".restore-*"))


def test_a_file_that_is_no_database_is_refused(data_dir: DataDir, capsys) -> None:
    open_local(data_dir.database).dispose()
    junk = data_dir.root / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 500)
    assert run(data_dir, "backup", "restore", str(junk)) == 1
    assert "not a database" in capsys.readouterr().err


def test_backup_keep_deletes_the_oldest(data_dir: DataDir, capsys) -> None:
    assert run(data_dir, "config", "set", "backup.keep", "2") == 0
    made = []
    for _ in range(3):
        assert run(data_dir, "backup", "create") == 0
        made.append(capsys.readouterr().out.split("backup written to ")[1].split("\n")[0])
    assert run(data_dir, "backup", "list") == 0
    listed = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == [made[2], made[1]]
    assert not Path(made[0]).exists()


def test_backup_keep_is_validated(data_dir: DataDir, capsys) -> None:
    assert run(data_dir, "config", "set", "backup.keep", "0") == 1
    assert "backup.keep" in capsys.readouterr().err


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_backups_are_private(data_dir: DataDir, permissive_umask: None) -> None:
    assert run(data_dir, "backup", "create") == 0
    modes = [stat.S_IMODE(p.stat().st_mode) for p in (data_dir.backups, only_backup(data_dir))]
    assert modes == [0o700, 0o600]


@pytest.mark.skipif(os.name == "nt", reason="mounts a tmpfs")
def test_a_full_disk_is_one_line_and_the_earlier_backups_stay(data_dir: DataDir, capsys) -> None:
    open_local(data_dir.database).dispose()
    with small_disk(data_dir.backups, "1m"):
        assert run(data_dir, "backup", "create") == 0
        earlier = only_backup(data_dir)
        kept = file_hash(earlier)
        add_filler(data_dir.database, 2)
        capsys.readouterr()
        assert run(data_dir, "backup", "create") == 1
        error = capsys.readouterr().err
        assert "is full" in error and error.count("\n") == 1
        assert list(data_dir.backups.iterdir()) == [earlier]  # no half file either
        assert file_hash(earlier) == kept


def test_a_half_file_left_a_day_ago_is_removed_by_the_next_backup(data_dir: DataDir) -> None:
    open_local(data_dir.database).dispose()
    data_dir.backups.mkdir()
    stale, fresh = data_dir.backups / ".backup-old.tmp", data_dir.backups / ".backup-now.tmp"
    for half in (stale, fresh):
        half.write_bytes(b"half a backup")
    day_ago = time.time() - 25 * 60 * 60
    os.utime(stale, (day_ago, day_ago))
    assert run(data_dir, "backup", "create") == 0
    assert (stale.exists(), fresh.exists()) == (False, True)  # fresh: maybe still being written


def test_a_backup_over_the_database_itself_is_refused(data_dir: DataDir, capsys) -> None:
    open_local(data_dir.database).dispose()
    assert run(data_dir, "backup", "create", str(data_dir.database)) == 1
    assert "cannot replace the database" in capsys.readouterr().err


def test_backup_and_restore_are_audited(data_dir: DataDir) -> None:
    open_local(data_dir.database).dispose()
    assert run(data_dir, "backup", "create") == 0
    before_restore = audit_actions(data_dir.database)
    assert run(data_dir, "backup", "restore", str(only_backup(data_dir))) == 0
    assert before_restore[-1] == "backup"
    assert audit_actions(data_dir.database)[-1] == "restore"


def audit_actions(database: Path) -> list[str]:
    connection = local_file(database).connect()
    try:
        return [row[0] for row in connection.execute("SELECT action FROM audit_events ORDER BY at")]
    finally:
        connection.close()
