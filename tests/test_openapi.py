"""The OpenAPI document describes every API route, its body, its response and its errors."""

from __future__ import annotations

import httpx


async def test_every_api_operation_documents_its_errors(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    assert operations
    for path, method, operation in operations:
        assert path.startswith("/api/v1/"), path
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), (method, path)
        assert "422" in responses, (method, path)
        assert operation.get("summary"), (method, path)
    schemas = document["components"]["schemas"]
    assert {"InterviewCreate", "Interview", "Report", "ErrorBody"} <= set(schemas)
    assert "HTTPBearer" in document["components"]["securitySchemes"]
