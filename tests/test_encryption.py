"""The database at rest: encrypted with the data key, a plain one encrypted once, a missing
keyring said out loud, a missing key refused in one line."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from agent_desk.db.open import DatabaseUnavailable, open_file, open_local
from agent_desk.db.sqlcipher import PLAIN_HEADER, LocalFile, driver
from agent_desk.paths import DataDir
from tests.backup_files import add_filler, file_hash, table_digests
from tests.builders import build_small_hospital
from tests.cli_login import add_account, run
from tests.conftest import TODAY
from tests.keyring_memory import MemoryKeyring

NAME = "王秀英"  # a patient of the small hospital


def cli(data_dir: DataDir, *args: str) -> int:
    """A command signed in as the test's administrator (tests.cli_login)."""
    return run(data_dir, *args)


def everything_on_disk(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def plain_hospital(path: Path) -> None:
    """A database as the previous version left it: plain SQLite, with patients."""
    db = open_file(LocalFile(path, None))
    try:
        build_small_hospital(db, TODAY)
    finally:
        db.dispose()


def test_the_file_is_encrypted_and_no_patient_name_is_in_it(data_dir: DataDir) -> None:
    db = open_local(data_dir.database)
    build_small_hospital(db, TODAY)
    db.dispose()
    assert data_dir.database.read_bytes()[:16] != PLAIN_HEADER
    assert NAME.encode() not in everything_on_disk(data_dir.root)


def test_a_plain_database_is_encrypted_once_with_every_row(data_dir: DataDir) -> None:
    plain_hospital(data_dir.database)
    assert data_dir.database.read_bytes()[:16] == PLAIN_HEADER
    before = table_digests(data_dir.database)  # read as plain, before the first open
    open_local(data_dir.database).dispose()
    assert data_dir.database.read_bytes()[:16] != PLAIN_HEADER
    assert table_digests(data_dir.database) == before
    assert NAME.encode() not in everything_on_disk(data_dir.root)  # nothing plain left behind
    encrypted = file_hash(data_dir.database)
    open_local(data_dir.database).dispose()
    assert file_hash(data_dir.database) == encrypted  # once: not copied again


ENCRYPT = "from pathlib import Path; import sys; from agent_desk.db.open import open_local; "
ENCRYPT += "open_local(Path(sys.argv[1]))"


def test_a_process_killed_while_encrypting_leaves_the_plain_database_usable(
    data_dir: DataDir,
) -> None:
    plain_hospital(data_dir.database)
    add_filler(data_dir.database, 100)  # long enough a copy to be killed in the middle
    before = table_digests(data_dir.database)
    encrypting = subprocess.Popen([sys.executable, "-c", ENCRYPT, str(data_dir.database)])
    try:
        while not any(half.stat().st_size > 0 for half in data_dir.root.glob(".encrypting-*.tmp")):
            assert encrypting.poll() is None, "the copy ended before it could be killed"
    finally:
        encrypting.send_signal(signal.SIGKILL)
    assert encrypting.wait() == -signal.SIGKILL
    assert data_dir.database.read_bytes()[:16] == PLAIN_HEADER
    assert table_digests(data_dir.database) == before
    open_local(data_dir.database).dispose()  # the next start encrypts it
    assert data_dir.database.read_bytes()[:16] != PLAIN_HEADER
    assert not list(data_dir.root.glob(".encrypting-*"))  # the half copy is gone
    assert table_digests(data_dir.database) == before


def test_a_database_whose_key_left_the_keyring_is_one_line_and_untouched(
    data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    open_local(data_dir.database).dispose()
    kept = file_hash(data_dir.database)
    keyring.set_keyring(MemoryKeyring())  # the keyring was reset; the test's is put back
    with pytest.raises(DatabaseUnavailable, match="key is not in this computer's OS keyring"):
        open_local(data_dir.database)
    assert cli(data_dir, "users", "list") == 1
    error = capsys.readouterr().err
    assert "key is not in this computer's OS keyring" in error and error.count("\n") == 1
    assert file_hash(data_dir.database) == kept


def test_without_a_keyring_the_database_stays_plain_and_the_cli_says_so(
    data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(NoKeyring())
    add_account(data_dir)
    assert cli(data_dir, "users", "list") == 0
    assert "database not encrypted: no OS keyring" in capsys.readouterr().err
    assert data_dir.database.read_bytes()[:16] == PLAIN_HEADER
    assert not (data_dir.root / "key.id").exists()


def test_an_encrypted_database_without_a_keyring_is_one_line(data_dir: DataDir) -> None:
    open_local(data_dir.database).dispose()
    keyring.set_keyring(NoKeyring())
    with pytest.raises(DatabaseUnavailable, match="encrypted, and no OS keyring is available"):
        open_local(data_dir.database)


def test_a_backup_is_encrypted_with_the_data_key(data_dir: DataDir) -> None:
    db = open_local(data_dir.database)
    build_small_hospital(db, TODAY)
    db.dispose()
    add_account(data_dir)
    assert cli(data_dir, "backup", "create") == 0
    (backup,) = data_dir.backups.iterdir()
    assert backup.read_bytes()[:16] != PLAIN_HEADER
    assert NAME.encode() not in backup.read_bytes()


def test_a_plain_backup_from_before_encryption_restores_encrypted(data_dir: DataDir) -> None:
    old = data_dir.root / "old-backup.sqlite3"
    plain_hospital(old)
    before = table_digests(old)
    add_account(data_dir)
    assert cli(data_dir, "backup", "restore", str(old)) == 0
    assert data_dir.database.read_bytes()[:16] != PLAIN_HEADER
    assert table_digests(data_dir.database) == before


def test_a_backup_made_under_another_key_is_refused_in_one_line(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = DataDir(tmp_path / "other-workstation")
    other.root.mkdir()
    add_account(other)
    assert cli(other, "backup", "create") == 0
    (foreign,) = other.backups.iterdir()
    add_account(data_dir)
    kept = file_hash(data_dir.database)
    capsys.readouterr()
    assert cli(data_dir, "backup", "restore", str(foreign)) == 1
    error = capsys.readouterr().err
    assert "cannot be read with this workstation's data key" in error
    assert error.count("\n") == 1
    assert file_hash(data_dir.database) == kept


@pytest.mark.usefixtures("qapp")
def test_without_a_keyring_the_window_says_the_database_is_not_encrypted(
    qtbot, data_dir: DataDir, tmp_path: Path
) -> None:
    from agent_desk.services.accounts import AccountService
    from agent_desk.settings import Settings
    from agent_desk.ui.app import build_main_window

    keyring.set_keyring(NoKeyring())
    db = open_local(data_dir.database)
    try:
        accounts = AccountService(db)
        accounts.create_first_admin("administrator")
        admin = accounts.login("admin", "administrator")
        assert admin is not None
        window = build_main_window(db, Settings(tmp_path / "settings.json"), admin)
        qtbot.addWidget(window)
        window.show()
        assert window.not_encrypted_label.isVisible()
        assert window.not_encrypted_label.text() == "Database not encrypted: no OS keyring"
    finally:
        db.dispose()


def test_without_a_keyring_a_file_that_is_no_database_is_not_called_encrypted(
    data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(NoKeyring())
    add_account(data_dir)
    junk = data_dir.root / "passwd.txt"
    junk.write_text("root:x:0:0:root:/root:/bin/bash\n")
    capsys.readouterr()
    assert cli(data_dir, "backup", "restore", str(junk)) == 1
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.endswith(
        "is not a plain database: it is an encrypted backup, which this "
        "workstation cannot read without an OS keyring, or not a backup at all"
    )


def test_nulls_flags_and_bytes_bind_from_the_adapter_registry_as_they_were(tmp_path: Path) -> None:
    # Found in the registry, they skip the driver's slow attribute probes (a first
    # download binds millions of NULLs); what is stored stays the same.
    for kind in (type(None), bool, bytes):
        assert (kind, driver.PrepareProtocol) in driver.adapters
    conn = LocalFile(tmp_path / "kinds.sqlite3", b"k" * 32).connect(create=True)
    conn.execute("CREATE TABLE t (a, b, c, d)")
    conn.execute("INSERT INTO t VALUES (?, ?, ?, ?)", (None, True, False, b"\x00\xff"))
    found = conn.execute("SELECT a, typeof(a), b, typeof(b), c, d, typeof(d) FROM t").fetchone()
    conn.close()
    assert found == (None, "null", 1, "integer", 0, b"\x00\xff", "blob")
