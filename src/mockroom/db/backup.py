"""`mockroom db backup`: a consistent copy of the SQLite database, taken while the app runs.

SQLite's online backup API copies the database page by page under a read transaction, so the
copy is one consistent snapshot even while the server keeps writing (in WAL mode readers never
block the writer). PostgreSQL is backed up with its own tool, pg_dump; for it this module only
says how. See docs/backups.md.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupFailed(Exception):
    """The backup was not made; the message says why, in words for the operator."""


@dataclass(frozen=True)
class Backup:
    source: Path
    target: Path
    size_bytes: int


def sqlite_file(database_url: str) -> Path:
    """The database file a SQLite URL names; in-memory databases have nothing to copy."""
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupFailed("An in-memory SQLite database has no file to back up.")
    return Path(database)


def backup_sqlite(source: Path, target: Path) -> Backup:
    """Copy ``source`` into a new file at ``target`` and check the copy's integrity.

    The copy is written beside the target under a temporary name (private to its owner, since
    it holds everyone's answers) and moved into place only once complete and checked, so an
    interrupted backup never leaves a partial file that looks like a good one. An existing
    target is never overwritten.
    """
    if not source.is_file():
        raise BackupFailed(f"There is no database at {source}.")
    if target.exists():
        raise BackupFailed(f"{target} already exists; choose a new file name.")
    if not target.parent.is_dir():
        raise BackupFailed(f"The folder {target.parent} does not exist.")
    try:
        descriptor, partial_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
    except OSError as error:
        raise BackupFailed(f"Cannot write in {target.parent}: {error.strerror}.") from error
    os.close(descriptor)
    partial = Path(partial_name)
    try:
        _copy(source, partial)
        # A hard link fails if the target appeared meanwhile, where a rename would replace it.
        os.link(partial, target)
    except FileExistsError:
        raise BackupFailed(f"{target} already exists; choose a new file name.") from None
    except OSError as error:
        raise BackupFailed(f"The backup could not be written: {error.strerror}.") from error
    except sqlite3.Error as error:
        raise BackupFailed(f"The database could not be copied: {error}.") from error
    finally:
        partial.unlink(missing_ok=True)
    return Backup(source=source, target=target, size_bytes=target.stat().st_size)


def _copy(source: Path, target: Path) -> None:
    # mode=rw: never create an empty database where the real one was expected.
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.execute("PRAGMA busy_timeout = 5000")
        reader.backup(writer)
        # The copy inherits WAL mode; switching back makes it one self-contained file.
        writer.execute("PRAGMA journal_mode = DELETE")
        verdict = writer.execute("PRAGMA integrity_check").fetchone()
        if verdict is None or verdict[0] != "ok":
            raise BackupFailed(f"The copy failed its integrity check: {verdict}.")
    finally:
        writer.close()
        reader.close()


def postgres_instructions(owner_url: str, target: Path) -> str:
    """How to back up (and restore) this PostgreSQL database with pg_dump.

    ``owner_url`` should be the schema owner's connection: the app's own role sees only the
    rows row-level security shows it. The password is left out of the commands, because pg_dump
    reads it from PGPASSWORD or ~/.pgpass rather than from a command line others can see.
    """
    given = make_url(owner_url)
    url = URL.create(
        "postgresql",
        username=given.username,
        host=given.host,
        port=given.port,
        database=given.database,
        query=given.query,
    )
    address = shlex.quote(url.render_as_string(hide_password=False))
    file = shlex.quote(str(target))
    return (
        "This database is PostgreSQL: back it up with pg_dump, connected as the role that "
        "owns the schema (MOCKROOM_MIGRATION_DATABASE_URL when the app has a role of its own).\n"
        f"  pg_dump --format=custom --file={file} {address}\n"
        "Restore into a new, empty database, then grant the app's role its privileges again:\n"
        f"  pg_restore --no-owner --dbname=NEW_DATABASE_URL {file}\n"
        "  mockroom db upgrade\n"
        "See docs/backups.md."
    )
