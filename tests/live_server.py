"""A real uvicorn server on a free 127.0.0.1 port, for tests that need real sockets."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette

from mockroom.ai.engine import Engine
from mockroom.app import create_app
from mockroom.config import Settings
from mockroom.db import migrate
from mockroom.db.engine import make_engine, make_sessionmaker
from mockroom.questions.service import seed_bank


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerThread(threading.Thread):
    """Prepares a fresh database, then serves the app until asked to stop."""

    def __init__(self, settings: Settings, port: int, engine: Engine | None = None) -> None:
        super().__init__(daemon=True)
        self.settings = settings
        self.server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, engine=engine),
                host="127.0.0.1",
                port=port,
                log_level="warning",
            )
        )

    async def _prepare(self) -> None:
        # As the schema's owner: on PostgreSQL the app's own role may not migrate or seed.
        engine = make_engine(self.settings, migrations=True)
        await migrate.upgrade(engine)
        async with make_sessionmaker(engine)() as session:
            await seed_bank(session)
            await session.commit()
        await engine.dispose()

    def run(self) -> None:
        # This thread has its own event loop, apart from the one pytest-asyncio runs.
        asyncio.run(self._prepare())
        self.server.run()


@contextmanager
def serving(
    settings: Settings,
    engine: Engine | None = None,
    configure: Callable[[FastAPI], None] | None = None,
) -> Iterator[str]:
    """A real uvicorn server for ``settings`` on a free port; yields its base URL.

    ``configure`` adjusts the app before it serves (pointing it at fake outside services).
    """
    port = free_port()
    thread = ServerThread(settings, port, engine)
    if configure is not None:
        application = thread.server.config.app
        assert isinstance(application, FastAPI)
        configure(application)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.1)
    try:
        yield url
    finally:
        thread.server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def live_server(data_dir: Path, engine: Engine | None = None, **overrides: object) -> Iterator[str]:
    """Serve a fresh SQLite-backed app; yields its base URL and stops it afterwards."""
    settings = Settings(
        environment="test",
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{data_dir / 'live.db'}",
        secret_key="live-server-test-secret",
        **overrides,  # type: ignore[arg-type]
    )
    with serving(settings, engine) as url:
        yield url


class BackgroundServer:
    """Serves an ASGI app (a fake of an outside service) from a thread on a free port."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, app: Starlette) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
