"""Error responses documented on every API route: one shape, `{"error", "detail"}`; row ids."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel

# The largest id a row can have: PostgreSQL's INTEGER, the narrower of the two databases. A
# larger number in a URL is refused as invalid (422) instead of overflowing the driver (500).
MAX_ROW_ID = 2_147_483_647
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
BeforeRowId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]


class ErrorBody(BaseModel):
    error: str
    detail: Any = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body could not be read (not UTF-8 text)"},
    401: {"model": ErrorBody, "description": "Missing or invalid API token"},
    404: {"model": ErrorBody, "description": "Not found, or not yours"},
    409: {"model": ErrorBody, "description": "Not possible in the interview's current state"},
    413: {"model": ErrorBody, "description": "Request body too large"},
    422: {"model": ErrorBody, "description": "Invalid input; `detail` names each field"},
}
