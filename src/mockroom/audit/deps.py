"""Where the request came from, for the audit log and the per-address limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mockroom.audit.schemas import Origin


def origin_of(request: Request) -> Origin:
    # Behind a proxy, uvicorn's --proxy-headers puts the real client address here.
    return Origin(
        ip_address=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
    )


RequestOrigin = Annotated[Origin, Depends(origin_of)]
