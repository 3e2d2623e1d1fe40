"""Auth JSON API: register, exchange a password for an API token, list and revoke tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from mockroom.audit.deps import RequestOrigin
from mockroom.auth import schemas
from mockroom.auth.deps import CurrentUser
from mockroom.auth.service import AuthService, InvalidCredentials
from mockroom.db.session import DbSession
from mockroom.security.deps import Limits
from mockroom.security.ratelimit import TooManyRequests
from mockroom.security.responses import RATE_LIMITED, refusal
from mockroom.users.schemas import UserProfile
from mockroom.web.openapi import ERROR_RESPONSES, RowId

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERROR_RESPONSES)


@router.post("/register", status_code=201, summary="Create an account", responses=RATE_LIMITED)
async def register(
    data: schemas.Registration, session: DbSession, origin: RequestOrigin, limits: Limits
) -> UserProfile:
    user = await AuthService(session).register(data, origin, limits)
    return UserProfile.model_validate(user)


@router.post(
    "/tokens",
    status_code=201,
    summary="Sign in with email and password; get an API token",
    response_model=schemas.ApiTokenIssued,
    responses=RATE_LIMITED,
)
async def issue_token(
    data: schemas.ApiTokenCreate,
    request: Request,
    session: DbSession,
    origin: RequestOrigin,
    limits: Limits,
) -> schemas.ApiTokenIssued | Response:
    service = AuthService(session)
    credentials = schemas.Credentials(email=data.email, password=data.password)
    try:
        user = await service.authenticate(credentials, origin, limits)
    except (InvalidCredentials, TooManyRequests) as error:
        # Answering instead of raising lets the request commit the failure to the audit log.
        return refusal(request, error)
    row, token = await service.issue_api_token(user, data.name, origin)
    return schemas.ApiTokenIssued(**schemas.ApiToken.model_validate(row).model_dump(), token=token)


@router.get("/tokens", summary="My API tokens (the secrets are never shown again)")
async def list_tokens(
    user: CurrentUser,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=100, description="How many, newest first.")] = 100,
) -> list[schemas.ApiToken]:
    rows = await AuthService(session).api_tokens(user, limit)
    return [schemas.ApiToken.model_validate(row) for row in rows]


@router.delete("/tokens/{token_id}", summary="Revoke an API token")
async def revoke_token(
    token_id: RowId, user: CurrentUser, session: DbSession, origin: RequestOrigin
) -> schemas.ApiToken:
    row = await AuthService(session).revoke_api_token(user, token_id, origin)
    return schemas.ApiToken.model_validate(row)
