"""Nothing lost: a killed server, a stopped server, a busy database and a backup.

The servers here are the real thing: `mockroom serve` in a child process on a free port, on the
test database (SQLite, and PostgreSQL when configured), killed with real signals. Grading that
must still be running when the signal lands is held open by a fake LLM of our own that answers
slowly, so the timing is decided by the test, not by luck.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from mockroom.app import create_app
from mockroom.config import Settings
from mockroom.db.backup import sqlite_file
from tests.ai.fake_openai import FakeOpenAI, Reply, error, running
from tests.conftest import (
    POSTGRES_URL,
    STRONG_PASSWORD,
    Database,
    _create_postgres_database,
    _drop_postgres_database,
    sign_up,
)
from tests.live_server import free_port
from tests.web.test_pages import NEW_INTERVIEW as PAGE_INTERVIEW
from tests.web.test_pages import csrf_of

MOCKROOM = Path(sys.executable).parent / "mockroom"
START_TIMEOUT = 90.0
NEW_INTERVIEW = {"title": "Crash drill", "question_count": 4, "follow_ups": False}
ANSWERS = [
    "First answer: a process has its own address space, while threads share one and need "
    "locks around shared state; processes are isolated but cost more to start and switch.",
    "Second answer: an index is a sorted structure beside the table that turns a scan into a "
    "lookup, at the price of slower writes and more storage.",
    "Third answer: a cache keeps hot data close to the reader; the hard part is invalidation, "
    "so pick expiry times and write-through or write-behind deliberately.",
]
# Hosted grading that is still running when the signal arrives: the fake answers this late.
SLOW_GRADING_SECONDS = 4.0


# ---------------------------------------------------------------------------- a real server


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def server_environment(
    database: Database, data_dir: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    # Only what the test sets: a developer's own MOCKROOM_* variables must not leak in.
    environment = {name: value for name, value in os.environ.items() if "MOCKROOM" not in name}
    environment.update(
        {
            "MOCKROOM_ENVIRONMENT": "test",
            "MOCKROOM_DATA_DIR": str(data_dir),
            "MOCKROOM_DATABASE_URL": database.settings.database_url,
            "MOCKROOM_MIGRATION_DATABASE_URL": database.settings.migration_database_url,
            "MOCKROOM_SECRET_KEY": "crash-recovery-secret",
            "MOCKROOM_LOG_LEVEL": "WARNING",
            **(extra or {}),
        }
    )
    return environment


def launch(database: Database, data_dir: Path, port: int, extra: dict[str, str] | None) -> Server:
    log = data_dir / f"server-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
            [str(MOCKROOM), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=data_dir,  # no stray .env file is read from the working directory
            env=server_environment(database, data_dir, extra),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Server(process, f"http://127.0.0.1:{port}", log)


async def start_server(
    database: Database, data_dir: Path, extra: dict[str, str] | None = None
) -> Server:
    """Starts `mockroom serve` and returns once it is ready (database reachable, model loaded)."""
    server = launch(database, data_dir, free_port(), extra)
    process = server.process
    deadline = time.monotonic() + START_TIMEOUT
    async with httpx.AsyncClient(base_url=server.url, timeout=2) as http:
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the server exited early:\n{server.output()}")
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"the server was not ready in time:\n{server.output()}")
            await asyncio.sleep(0.2)


def stopped(server: Server, how: signal.Signals, timeout: float = 60) -> int:
    server.process.send_signal(how)
    return server.process.wait(timeout=timeout)


@asynccontextmanager
async def serving(
    database: Database, data_dir: Path, extra: dict[str, str] | None = None
) -> AsyncIterator[Server]:
    server = await start_server(database, data_dir, extra)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=30)


def slow_grading_environment(fake: FakeOpenAI) -> dict[str, str]:
    """Hosted grading through the fake; the built-in engine stands behind it as ever."""
    return {
        "MOCKROOM_AI_PROVIDER": "openai",
        "MOCKROOM_AI_BASE_URL": fake.base_url,
        "MOCKROOM_AI_API_KEY": "test-key",
        "MOCKROOM_AI_MAX_RETRIES": "0",
        "MOCKROOM_AI_TIMEOUT_SECONDS": "60",
    }


@contextmanager
def slow_llm() -> Iterator[FakeOpenAI]:
    """Questions fail over to the bank at once; every grading call hangs, then fails."""
    with running() as fake:
        fake.push(error(400, "no questions from this model"))
        fake.always(
            Reply(
                status=500,
                body={"error": {"message": "overloaded", "type": "server_error", "code": None}},
                delay=SLOW_GRADING_SECONDS,
            )
        )
        yield fake


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def grading_of(answer: str, fake: FakeOpenAI) -> Callable[[], bool]:
    return lambda: any(answer in json.dumps(request) for request in fake.requests)


# ---------------------------------------------------------------------------- API helpers


class Candidate:
    """One user's interview, driven through the JSON API of whichever server is running."""

    def __init__(self, headers: dict[str, str], interview_id: int = 0) -> None:
        self.headers = headers
        self.interview_id = interview_id

    @property
    def path(self) -> str:
        return f"/api/v1/interviews/{self.interview_id}"

    @classmethod
    async def begin(cls, http: httpx.AsyncClient, email: str) -> Candidate:
        candidate = cls(await sign_up(http, email))
        created = await http.post(
            "/api/v1/interviews", json=NEW_INTERVIEW, headers=candidate.headers
        )
        assert created.status_code == 201, created.text
        candidate.interview_id = created.json()["id"]
        started = await http.post(f"{candidate.path}/start", headers=candidate.headers)
        assert started.status_code == 200, started.text
        return candidate

    async def answer(self, http: httpx.AsyncClient, text: str) -> dict[str, Any]:
        reply = await http.post(f"{self.path}/answers", json={"answer": text}, headers=self.headers)
        assert reply.status_code == 200, reply.text
        result: dict[str, Any] = reply.json()
        return result

    async def get(self, http: httpx.AsyncClient, suffix: str = "") -> Any:
        reply = await http.get(f"{self.path}{suffix}", headers=self.headers)
        assert reply.status_code == 200, reply.text
        return reply.json()


def stored(responses: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What must survive of each answer: which it is, its text, and its grade."""
    return [
        (item["id"], item["question_id"], item["answer"], item["evaluation_status"], item["score"])
        for item in responses
    ]


# ---------------------------------------------------------------------------- killed


async def test_a_killed_server_restarts_with_every_answer_intact_and_the_interview_resumable(
    database: Database, tmp_path: Path
) -> None:
    async with (
        serving(database, tmp_path) as server,
        httpx.AsyncClient(base_url=server.url, timeout=60) as http,
    ):
        candidate = await Candidate.begin(http, "killed@example.com")
        for text in ANSWERS[:2]:
            result = await candidate.answer(http, text)
            assert result["response"]["evaluation_status"] == "evaluated"
        before = await candidate.get(http, "/responses")
        assert stopped(server, signal.SIGKILL) == -signal.SIGKILL

    async with (
        serving(database, tmp_path) as server,
        httpx.AsyncClient(base_url=server.url, timeout=60) as http,
    ):
        assert stored(await candidate.get(http, "/responses")) == stored(before)
        interview = await candidate.get(http)
        assert interview["status"] == "in_progress"
        assert interview["current_question"]["position"] == 2
        await candidate.answer(http, ANSWERS[2])
        skipped = await http.post(f"{candidate.path}/skip", headers=candidate.headers)
        assert skipped.json()["interview"]["status"] == "completed"
        report = await candidate.get(http, "/report")
        answers = [item["response"]["answer"] for item in report["items"] if item["response"]]
        assert answers == [*ANSWERS, ""]
        assert (report["answered"], report["skipped"], report["unanswered"]) == (3, 1, 0)


@asynccontextmanager
async def an_answer_being_graded(
    database: Database, tmp_path: Path, email: str
) -> AsyncIterator[tuple[Server, Candidate, asyncio.Task[dict[str, Any]]]]:
    """A server in the middle of grading a new candidate's first answer, slowly."""
    with slow_llm() as fake:
        async with (
            serving(database, tmp_path, slow_grading_environment(fake)) as server,
            httpx.AsyncClient(base_url=server.url, timeout=60) as http,
        ):
            candidate = await Candidate.begin(http, email)
            in_flight = asyncio.create_task(candidate.answer(http, ANSWERS[0]))
            await until(grading_of(ANSWERS[0], fake), "the answer to reach the grader")
            yield server, candidate, in_flight


async def test_an_answer_being_graded_when_the_server_is_killed_is_kept_and_graded_later(
    database: Database, tmp_path: Path
) -> None:
    async with an_answer_being_graded(database, tmp_path, "mid-grading@example.com") as grading:
        server, candidate, in_flight = grading
        assert stopped(server, signal.SIGKILL) == -signal.SIGKILL
        with pytest.raises(httpx.TransportError):
            await in_flight

    async with (
        serving(database, tmp_path) as server,
        httpx.AsyncClient(base_url=server.url, timeout=60) as http,
    ):
        # The answer was committed before grading began, so it is there, waiting to be graded.
        (response,) = await candidate.get(http, "/responses")
        assert response["answer"] == ANSWERS[0]
        assert response["evaluation_status"] == "pending"
        # The interview moved past it and carries on.
        interview = await candidate.get(http)
        assert interview["status"] == "in_progress"
        assert interview["current_question"]["position"] == 1
        graded = await http.post(
            f"{candidate.path}/responses/{response['id']}/evaluate", headers=candidate.headers
        )
        assert graded.status_code == 200, graded.text
        assert graded.json()["evaluation_status"] == "evaluated"
        result = await candidate.answer(http, ANSWERS[1])
        assert result["interview"]["current_question"]["position"] == 2


# ---------------------------------------------------------------------------- stopped


async def test_a_stopped_server_finishes_the_answer_it_is_grading_before_it_exits(
    database: Database, tmp_path: Path
) -> None:
    async with an_answer_being_graded(database, tmp_path, "stopped@example.com") as grading:
        server, _, in_flight = grading
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        result = await in_flight
        # uvicorn re-raises the signal once it has shut down cleanly.
        assert server.process.wait(timeout=60) == -signal.SIGTERM, server.output()
        assert time.monotonic() - started >= SLOW_GRADING_SECONDS / 2

    # The hosted grader failed after its delay; the built-in one graded the answer instead.
    assert result["response"]["answer"] == ANSWERS[0]
    assert result["response"]["evaluation_status"] == "evaluated"
    assert result["interview"]["current_question"]["position"] == 1
    async with database.engine.connect() as connection:
        status = await connection.scalar(
            text("SELECT evaluation_status FROM interview_responses WHERE id = :id"),
            {"id": result["response"]["id"]},
        )
    assert status == "evaluated"


async def test_a_stopped_server_finishes_grading_an_answer_sent_over_the_live_channel(
    database: Database, tmp_path: Path
) -> None:
    with slow_llm() as fake:
        async with (
            serving(database, tmp_path, slow_grading_environment(fake)) as server,
            httpx.AsyncClient(base_url=server.url, timeout=60) as browser,
        ):
            interview_id, csrf = await room_in_a_browser(browser)
            cookies = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
            async with connect(
                server.url.replace("http://", "ws://") + f"/ws/interviews/{interview_id}",
                additional_headers={"Cookie": cookies, "Origin": server.url},
            ) as socket:
                answer = {"type": "answer", "answer": ANSWERS[0], "csrf_token": csrf}
                await socket.send(json.dumps(answer))
                assert json.loads(await socket.recv())["type"] == "stored"
                await until(grading_of(ANSWERS[0], fake), "the answer to reach the grader")
                started = time.monotonic()
                server.process.send_signal(signal.SIGTERM)
                # The browser is told the server is going away; the grading carries on.
                with contextlib.suppress(ConnectionClosed):
                    async for _ in socket:
                        pass
            assert server.process.wait(timeout=60) == -signal.SIGTERM, server.output()
            assert time.monotonic() - started >= SLOW_GRADING_SECONDS / 2

    async with database.engine.connect() as connection:
        graded = await connection.execute(
            text(
                "SELECT r.answer_text, r.evaluation_status, i.current_position"
                " FROM interview_responses r"
                " JOIN interview_questions q ON q.id = r.interview_question_id"
                " JOIN interviews i ON i.id = q.interview_id WHERE i.id = :id"
            ),
            {"id": interview_id},
        )
        assert graded.all() == [(ANSWERS[0], "evaluated", 1)]


async def room_in_a_browser(browser: httpx.AsyncClient) -> tuple[int, str]:
    """Signs up through the pages and opens a started interview's room: its id and CSRF token."""

    async def post_form(page: str, action: str, data: dict[str, str]) -> httpx.Response:
        csrf = csrf_of(await browser.get(page))
        return await browser.post(action, data={**data, "csrf_token": csrf})

    registration = {
        "display_name": "Live",
        "email": "live-channel@example.com",
        "password": STRONG_PASSWORD,
        "password_confirmation": STRONG_PASSWORD,
    }
    assert (await post_form("/register", "/register", registration)).status_code == 303
    # The form leaves follow-ups unticked, so one graded answer moves the room on.
    created = await post_form("/interviews/new", "/interviews/new", PAGE_INTERVIEW)
    assert created.status_code == 303, created.text
    interview_id = int(created.headers["location"].rsplit("/", 1)[1])
    room = f"/interviews/{interview_id}"
    assert (await post_form(room, f"{room}/start", {})).status_code == 303
    return interview_id, csrf_of(await browser.get(room))


# ---------------------------------------------------------------------------- a busy database


def sqlite_only(database: Database) -> None:
    if database.backend != "sqlite":
        pytest.skip("WAL and the busy timeout are SQLite's; PostgreSQL locks rows, not files")


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(database: Database) -> None:
    sqlite_only(database)
    async with database.engine.connect() as connection:
        assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert await connection.scalar(text("PRAGMA busy_timeout")) == 5000
        assert await connection.scalar(text("PRAGMA foreign_keys")) == 1


async def test_a_write_waits_for_another_writer_and_reads_do_not_wait(
    client: httpx.AsyncClient, alice: dict[str, str], database: Database
) -> None:
    sqlite_only(database)
    # Another process holds SQLite's one write lock for a while, as a backup or a second
    # worker might.
    holder = sqlite3.connect(
        sqlite_file(database.settings.database_url), isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        holder.execute("COMMIT")
        released.set()

    timer = threading.Timer(1.5, release)
    timer.start()
    try:
        async with database.engine.connect() as connection:
            assert await connection.scalar(text("SELECT count(*) FROM question_bank"))
        assert not released.is_set(), "a read waited for the writer"
        created = await client.post(
            "/api/v1/interviews", json={"title": "Written after the wait"}, headers=alice
        )
        assert released.is_set()
    finally:
        timer.join()
        holder.close()
    assert created.status_code == 201, created.text


# ---------------------------------------------------------------------------- backups


async def run_mockroom(database: Database, data_dir: Path, *arguments: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(MOCKROOM),
        *arguments,
        cwd=data_dir,
        env=server_environment(database, data_dir),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


def permissions(path: Path) -> int:
    return path.stat().st_mode & 0o777


def sidecar_files(database_file: Path) -> list[str]:
    """SQLite's companions to a database file (its -wal and -shm), if any are lying beside it."""
    return [path.name for path in database_file.parent.glob(f"{database_file.name}-*")]


async def answered_interview(client: httpx.AsyncClient, headers: dict[str, str]) -> Candidate:
    candidate = Candidate(headers)
    created = await client.post("/api/v1/interviews", json=NEW_INTERVIEW, headers=headers)
    candidate.interview_id = created.json()["id"]
    await client.post(f"{candidate.path}/start", headers=headers)
    await candidate.answer(client, ANSWERS[0])
    return candidate


@asynccontextmanager
async def app_on(database_url: str, data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app started on another database, as an operator would after restoring one."""
    settings = Settings(
        environment="test", data_dir=data_dir, database_url=database_url, secret_key="restored"
    )
    application = create_app(settings)
    async with (
        application.router.lifespan_context(application),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://restored"
        ) as http,
    ):
        yield http


async def test_a_backup_taken_while_the_app_runs_restores_with_every_answer(
    client: httpx.AsyncClient, alice: dict[str, str], database: Database, tmp_path: Path
) -> None:
    sqlite_only(database)
    candidate = await answered_interview(client, alice)
    before = await candidate.get(client, "/responses")
    target = tmp_path / "mockroom-backup.db"

    code, output = await run_mockroom(database, tmp_path, "db", "backup", str(target))

    assert code == 0, output
    assert "Backed up" in output
    # One self-contained file: no write-ahead log needs to travel with it.
    assert sidecar_files(target) == []
    # It holds every candidate's answers: for its owner's eyes only.
    assert permissions(target) == 0o600
    # Written after the backup, so not in it.
    await candidate.answer(client, ANSWERS[1])

    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(target, restored / "mockroom.db")
    async with app_on(f"sqlite+aiosqlite:///{restored / 'mockroom.db'}", restored) as http:
        assert stored(await candidate.get(http, "/responses")) == stored(before)
        interview = await candidate.get(http)
        assert interview["current_question"]["position"] == 1


async def test_a_backup_never_overwrites_an_existing_file(
    database: Database, tmp_path: Path
) -> None:
    sqlite_only(database)
    # A path longer than a terminal line: the message must keep it whole, to copy from.
    target = tmp_path / ("nightly-backups-of-the-interview-database-" * 3) / "precious.db"
    target.parent.mkdir()
    target.write_text("an earlier backup")
    code, output = await run_mockroom(database, tmp_path, "db", "backup", str(target))
    assert code == 1
    assert f"{target} already exists" in output
    assert target.read_text() == "an earlier backup"


async def test_postgresql_backups_are_made_with_pg_dump_as_the_command_says(
    client: httpx.AsyncClient, alice: dict[str, str], database: Database, tmp_path: Path
) -> None:
    if database.backend != "postgresql":
        pytest.skip("the pg_dump instructions are for PostgreSQL")
    candidate = await answered_interview(client, alice)
    before = await candidate.get(client, "/responses")
    target = tmp_path / "mockroom.dump"

    code, output = await run_mockroom(database, tmp_path, "db", "backup", str(target))

    # Nothing is written, and a scheduled job sees the failure.
    assert code == 2
    assert not target.exists()
    assert "pg_dump" in output and "pg_restore" in output
    password = make_url(database.settings.database_url).password
    assert not password or password not in output
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed here to follow the instructions")

    # Follow the printed instructions word for word, restoring into a new database.
    commands = [shlex.split(line) for line in output.splitlines() if line.startswith("  pg_")]
    dump, restore = commands
    dumped = await asyncio.create_subprocess_exec(*dump)
    assert await dumped.wait() == 0
    restored_url = await _create_postgres_database(POSTGRES_URL)
    try:
        address = make_url(restored_url).set(drivername="postgresql")
        restore = [
            part.replace("NEW_DATABASE_URL", address.render_as_string(hide_password=False))
            for part in restore
        ]
        restoring = await asyncio.create_subprocess_exec(*restore)
        assert await restoring.wait() == 0
        async with app_on(restored_url, tmp_path) as http:
            assert stored(await candidate.get(http, "/responses")) == stored(before)
    finally:
        await _drop_postgres_database(POSTGRES_URL, restored_url)
