"""create_app(): the API under /api/v1, the pages, static files, middleware and error handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from mockroom import __version__
from mockroom.account import endpoints as account_endpoints
from mockroom.account import views as account_views
from mockroom.ai import endpoints as ai_endpoints
from mockroom.ai.engine import Engine
from mockroom.ai.registry import default_engine
from mockroom.analytics import views as analytics_views
from mockroom.audit import endpoints as audit_endpoints
from mockroom.auth import endpoints as auth_endpoints
from mockroom.auth import views as auth_views
from mockroom.config import Settings
from mockroom.config import settings as default_settings
from mockroom.db.engine import make_engine, make_sessionmaker
from mockroom.github import endpoints as github_endpoints
from mockroom.github import views as github_views
from mockroom.github.settings import github_settings
from mockroom.interviews import endpoints as interview_endpoints
from mockroom.interviews import views as interview_views
from mockroom.interviews import websocket as interview_websocket
from mockroom.plans import endpoints as plan_endpoints
from mockroom.plans import views as plan_views
from mockroom.security.limits import RateLimits, rate_limits_for
from mockroom.security.responses import install_rate_limit_handler
from mockroom.users import endpoints as user_endpoints
from mockroom.users import views as user_views
from mockroom.web import health
from mockroom.web import views as web_views
from mockroom.web.errors import install_error_handlers
from mockroom.web.middleware import BodySizeLimit, SecurityHeaders, allow_cross_origin
from mockroom.web.observability import RequestObservation, configure_logging, metrics_endpoint


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    limits: RateLimits | None = None,
) -> FastAPI:
    settings = settings or default_settings
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = make_engine(settings)
        app.state.database = database
        app.state.sessionmaker = make_sessionmaker(database)
        # Load the model while the first user signs in, not during their first answer.
        warm_up = getattr(app.state.engine, "warm_up", None)
        app.state.engine_warm_up = asyncio.create_task(warm_up()) if warm_up else None
        yield
        if app.state.engine_warm_up is not None:
            app.state.engine_warm_up.cancel()
        await app.state.rate_limits.close()
        await database.dispose()

    app = FastAPI(
        title="mockroom",
        version=__version__,
        summary="Realistic mock interviews with honest, specific feedback.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.secret_key = settings.resolved_secret_key()
    app.state.engine = engine or default_engine()
    app.state.github_settings = github_settings
    app.state.rate_limits = limits or rate_limits_for(settings)

    api = APIRouter(prefix="/api/v1")
    api.include_router(auth_endpoints.router)
    api.include_router(user_endpoints.router)
    api.include_router(interview_endpoints.router)
    api.include_router(ai_endpoints.router)
    api.include_router(plan_endpoints.router)
    api.include_router(github_endpoints.router)
    api.include_router(account_endpoints.router)
    api.include_router(audit_endpoints.router)
    app.include_router(api)

    app.include_router(health.router)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    app.include_router(web_views.router)
    app.include_router(auth_views.router)
    app.include_router(analytics_views.router)
    app.include_router(interview_views.router)
    app.include_router(interview_websocket.router)
    app.include_router(plan_views.router)
    app.include_router(user_views.router)
    app.include_router(github_views.router)
    app.include_router(account_views.router)
    static = resources.files("mockroom.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    install_error_handlers(app)
    install_rate_limit_handler(app)
    allow_cross_origin(app, settings.cors_origins)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, production=settings.is_production)
    app.add_middleware(RequestObservation)
    return app
