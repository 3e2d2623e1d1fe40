"""The account pages through real HTTP: what they show, and every form on them."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.auth.deps import SESSION_COOKIE
from mockroom.auth.service import AuthService
from mockroom.db.engine import make_sessionmaker
from mockroom.models import AiCall, User
from tests.conftest import STRONG_PASSWORD, Database
from tests.web.test_pages import act, answer, create_interview, post_form, register

NEW_PASSWORD = "Battery-Staple-42"
ROW = re.compile(r'<div class="interview-item-main">\s*<span>(.*?)</span>', re.DOTALL)


@pytest.fixture
async def second_browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"User-Agent": "Second Browser/2.0"},
    ) as browser:
        yield browser


async def sign_in(browser: httpx.AsyncClient, email: str, password: str = STRONG_PASSWORD) -> None:
    response = await post_form(browser, "/login", "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text


async def issue_token(client: httpx.AsyncClient, email: str, name: str) -> str:
    issued = await client.post(
        "/api/v1/auth/tokens", json={"email": email, "password": STRONG_PASSWORD, "name": name}
    )
    assert issued.status_code == 201
    return str(issued.json()["token"])


async def test_visitors_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    for path in ["/account", "/account/security-log"]:
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"


async def test_the_account_page_shows_browsers_tokens_and_events(
    client: httpx.AsyncClient, second_browser: httpx.AsyncClient
) -> None:
    await register(client, email="dana@example.com", name="Dana")
    await sign_in(second_browser, "dana@example.com")
    await issue_token(client, "dana@example.com", "Laptop script")
    page = await client.get("/account")
    assert page.status_code == 200
    text = page.text
    assert "Dana" in text and "dana@example.com" in text
    assert 'href="/account" aria-current="page"' in text  # the nav link
    assert text.count("This browser") == 1 and "Second Browser/2.0" in text
    assert "Laptop script" in text and "never used" in text
    assert "API token “Laptop script” created" in text
    assert 'action="/account/export"' in text and 'action="/account/delete"' in text


async def test_changing_the_password_keeps_this_browser_and_ends_the_others(
    client: httpx.AsyncClient, second_browser: httpx.AsyncClient
) -> None:
    await register(client, email="dana@example.com")
    await sign_in(second_browser, "dana@example.com")

    wrong = await post_form(
        client,
        "/account",
        "/account/password",
        {
            "current_password": "Wrong-Horse-9",
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422
    assert 'id="current_password-error"' in wrong.text and "password is incorrect" in wrong.text
    mismatch = await post_form(
        client,
        "/account",
        "/account/password",
        {
            "current_password": STRONG_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": "Something-Else-1",
        },
    )
    assert mismatch.status_code == 422
    assert 'id="new_password_confirmation-error"' in mismatch.text
    assert NEW_PASSWORD not in mismatch.text  # passwords are never sent back

    changed = await post_form(
        client,
        "/account",
        "/account/password",
        {
            "current_password": STRONG_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirmation": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == "/account?done=password"
    page = await client.get(changed.headers["location"])
    assert page.status_code == 200 and "every other browser was signed out" in page.text
    assert (await second_browser.get("/account")).status_code == 303
    assert "Second Browser/2.0" not in page.text.split("Recent security events")[0]
    await post_form(client, "/account", "/logout", {})
    await sign_in(client, "dana@example.com", NEW_PASSWORD)


def session_action(page: str, marker: str) -> str:
    """The sign-out form of the listed browser whose entry shows ``marker``."""
    entry = next(item for item in page.split('<li class="interview-item">') if marker in item)
    found = re.search(r'action="(/account/sessions/\d+/revoke)"', entry)
    assert found, entry
    return found.group(1)


async def test_signing_out_another_browser_then_this_one(
    client: httpx.AsyncClient, second_browser: httpx.AsyncClient
) -> None:
    await register(client, email="dana@example.com")
    await sign_in(second_browser, "dana@example.com")
    page = (await client.get("/account")).text

    ended = await post_form(client, "/account", session_action(page, "Second Browser/2.0"), {})
    assert ended.status_code == 303 and ended.headers["location"] == "/account?done=session"
    assert (await second_browser.get("/account")).status_code == 303
    page = (await client.get(ended.headers["location"])).text
    assert "That browser was signed out." in page and "A browser was signed out" in page

    signed_out = await post_form(client, "/account", session_action(page, "This browser"), {})
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/login"
    assert "mockroom_session" not in client.cookies
    assert (await client.get("/account")).status_code == 303


async def test_another_users_session_or_token_is_not_found(
    client: httpx.AsyncClient, second_browser: httpx.AsyncClient
) -> None:
    await register(client, email="dana@example.com")
    await issue_token(client, "dana@example.com", "Dana's token")
    page = (await client.get("/account")).text
    session_action = re.findall(r'action="(/account/sessions/\d+/revoke)"', page)[0]
    token_action = re.findall(r'action="(/account/tokens/\d+/revoke)"', page)[0]
    await register(second_browser, email="eve@example.com")
    for action in [session_action, token_action]:
        response = await post_form(second_browser, "/account", action, {})
        assert response.status_code == 404, action
    assert "Dana&#39;s token" in (await client.get("/account")).text
    assert (await client.get("/account")).status_code == 200


async def test_revoking_a_token_on_the_page_stops_it(client: httpx.AsyncClient) -> None:
    await register(client, email="dana@example.com")
    token = await issue_token(client, "dana@example.com", "Old script")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200
    page = (await client.get("/account")).text
    action = re.findall(r'action="(/account/tokens/\d+/revoke)"', page)[0]
    revoked = await post_form(client, "/account", action, {})
    assert revoked.headers["location"] == "/account?done=token"
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 401
    after = (await client.get("/account?done=token")).text
    assert "The API token was revoked" in after and "Revoked" in after
    assert 'action="/account/tokens/' not in after  # nothing left to revoke


async def test_the_export_downloads_as_a_json_file(client: httpx.AsyncClient) -> None:
    await register(client, email="dana@example.com", name="Dana")
    response = await post_form(client, "/account", "/account/export", {})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert re.fullmatch(
        r'attachment; filename="mockroom-export-\d{4}-\d{2}-\d{2}\.json"',
        response.headers["content-disposition"],
    )
    exported = json.loads(response.text)
    assert exported["tables"]["users"][0]["email"] == "dana@example.com"
    assert "password_hash" not in exported["tables"]["users"][0]
    assert len(exported["tables"]["auth_sessions"]) == 1


async def test_deleting_the_account_on_the_page(client: httpx.AsyncClient) -> None:
    await register(client, email="dana@example.com")
    wrong = await post_form(client, "/account", "/account/delete", {"password": "Wrong-Horse-9"})
    assert wrong.status_code == 422
    assert 'id="password-error"' in wrong.text and "password is incorrect" in wrong.text
    empty = await post_form(client, "/account", "/account/delete", {"password": ""})
    assert empty.status_code == 422 and "This field is required." in empty.text

    deleted = await post_form(client, "/account", "/account/delete", {"password": STRONG_PASSWORD})
    assert deleted.status_code == 303 and deleted.headers["location"] == "/account/deleted"
    assert "mockroom_session" not in client.cookies
    goodbye = await client.get("/account/deleted")
    assert goodbye.status_code == 200 and "Your account was deleted" in goodbye.text
    refused = await post_form(
        client, "/login", "/login", {"email": "dana@example.com", "password": STRONG_PASSWORD}
    )
    assert refused.status_code == 401


async def test_account_forms_refuse_a_missing_csrf_token(client: httpx.AsyncClient) -> None:
    await register(client, email="dana@example.com")
    for action in ["/account/password", "/account/export", "/account/delete"]:
        response = await client.post(action, data={"password": STRONG_PASSWORD})
        assert response.status_code == 403, action
    forged = await client.post(
        "/account/delete", data={"password": STRONG_PASSWORD, "csrf_token": "forged"}
    )
    assert forged.status_code == 403
    assert (await client.get("/account")).status_code == 200  # still there


async def test_an_account_without_a_password_is_sent_to_choose_one(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Accounts made by signing in with GitHub have no password to confirm changes with."""
    async with make_sessionmaker(database.engine)() as session:
        user = User(email="gh@example.com", display_name="Gh", preferred_languages=[])
        session.add(user)
        await session.flush()
        signed_in = await AuthService(session).start_session(user, "Browser", "127.0.0.1")
        await session.commit()
    client.cookies.set(SESSION_COOKIE, signed_in.token)
    page = await client.get("/account")
    assert page.status_code == 200
    assert 'action="/account/password"' not in page.text
    assert 'action="/account/delete"' not in page.text
    assert page.text.count('href="/settings"') >= 2


async def test_the_account_page_shows_ones_own_ai_usage(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await register(client, "ada@example.com", "Ada")
    assert "No AI calls yet" in (await client.get("/account")).text

    interview_id = await create_interview(client, question_count="1")
    await act(client, interview_id, "start")
    await answer(client, interview_id, "A hash map gives average constant-time lookups.")
    ada = await session.scalar(select(User.id).where(User.email == "ada@example.com"))
    stranger = User(email="stranger@example.com", display_name="Stranger", preferred_languages=[])
    session.add(stranger)
    await session.flush()
    for owner, cost in ((ada, 0.0123), (stranger.id, 9.99)):
        session.add(
            AiCall(
                user_id=owner,
                provider="openai",
                model="hosted-model",
                task="evaluate",
                latency_ms=800,
                prompt_tokens=900,
                completion_tokens=100,
                cost_usd=cost,
                outcome="fallback" if owner == ada else "ok",
            )
        )
    await session.commit()

    page = (await client.get("/account")).text
    usage = page[page.index("data-ai-usage") : page.index("</ul>", page.index("data-ai-usage"))]
    rows = [" ".join(html.unescape(row).split()) for row in ROW.findall(usage)]
    assert rows == [
        "Grading answers · built-in engine",
        "Choosing questions · built-in engine",
        "Grading answers · hosted-model",
    ]
    assert "1 answered by the built-in engine instead" in usage
    assert "$0.0123" in usage and "9.99" not in page  # another user's calls are not shown
    assert "3 calls to the engines for you, 1,000 tokens, costing about $0.01." in page
    assert "· 1,000 tokens · about 800 ms each" in usage and usage.count(">free<") == 2
