"""The `mockroom` command: serve, db upgrade, db backup, seed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from mockroom.ai.cli import ai_app
from mockroom.config import settings
from mockroom.db import backup, migrate
from mockroom.db.engine import make_engine, make_sessionmaker
from mockroom.questions.service import SeedResult, seed_bank

app = typer.Typer(
    help="mockroom: realistic mock interviews, offline by default.", no_args_is_help=True
)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(ai_app, name="ai")
# Never break lines: paths and the printed pg_dump commands must stay whole to copy or parse.
console = Console(soft_wrap=True)


@app.command()
def serve(
    host: str = typer.Option(settings.host, help="Address to listen on."),
    port: int = typer.Option(settings.port, help="Port to listen on."),
    reload: bool = typer.Option(False, help="Restart when source files change (development)."),
) -> None:
    """Serve the app."""
    console.print(
        f"mockroom on [bold]http://{host}:{port}[/bold] (database: {settings.database_url.split('://')[0]})"
    )
    # The app logs each request itself, as JSON with its request id; uvicorn's line would repeat it.
    uvicorn.run(
        "mockroom.app:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        access_log=False,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every database migration (as MOCKROOM_MIGRATION_DATABASE_URL when set)."""
    upgraded = asyncio.run(migrate.upgrade_database(settings))
    console.print("Database is up to date.")
    if upgraded.granted_role:
        console.print(f"Privileges granted to the app's role, {upgraded.granted_role}.")
    if upgraded.role_bypasses_row_security:
        console.print(
            "[yellow]Warning:[/yellow] the app's database role bypasses row-level security "
            "(a superuser, or BYPASSRLS). Connect the app as a role of its own: see README."
        )


@db_app.command("backup")
def db_backup(
    path: Annotated[Path, typer.Argument(help="The new file to write the copy to.")],
) -> None:
    """Copy the SQLite database to PATH, safely while the app runs (PostgreSQL: use pg_dump)."""
    if not settings.is_sqlite:
        owner_url = settings.migration_database_url or settings.database_url
        instructions = backup.postgres_instructions(owner_url, path)
        console.print(instructions, highlight=False, soft_wrap=True)
        # Nothing was written: a scheduled backup job must not mistake this for success.
        raise typer.Exit(code=2)
    try:
        made = backup.backup_sqlite(backup.sqlite_file(settings.database_url), path)
    except backup.BackupFailed as error:
        console.print(f"[red]Backup failed:[/red] {error}", highlight=False)
        raise typer.Exit(code=1) from None
    console.print(
        f"Backed up {made.source} to {made.target} ({made.size_bytes:,} bytes).", highlight=False
    )


@app.command()
def seed() -> None:
    """Load or update the question bank (safe to run again)."""

    async def run() -> SeedResult:
        # The bank is shared by everyone; the app's own role may only read it.
        engine = make_engine(settings, migrations=True)
        async with make_sessionmaker(engine)() as session:
            result = await seed_bank(session)
            await session.commit()
        await engine.dispose()
        return result

    result = asyncio.run(run())
    console.print(
        f"Question bank: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )
