"""The pages through real HTTP on the ASGI app: redirects, CSRF, form errors, the interview loop."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mockroom.app import create_app
from mockroom.auth.views import safe_next
from mockroom.db.base import utcnow
from mockroom.models import Interview
from tests.conftest import STRONG_PASSWORD, Database, http_client

TITLE_LINK = re.compile(r'class="interview-title" href="[^"]+">Round (\d\d)<')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ANSWER_LINK = re.compile(r"^/interviews/(\d+)/answers/(\d+)$")
ROOM_LINK = re.compile(r"^/interviews/(\d+)$")

NEW_INTERVIEW = {
    "title": "Backend practice",
    "interview_type": "technical",
    "difficulty": "medium",
    "question_count": "3",
    "duration_minutes": "30",
    "focus_topics": "",
}


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def post_form(
    client: httpx.AsyncClient, form_page: str, action: str, data: dict[str, str]
) -> httpx.Response:
    """Load the page that shows the form, then post it with that page's CSRF token."""
    page = await client.get(form_page)
    return await client.post(action, data={**data, "csrf_token": csrf_of(page)})


async def register(
    client: httpx.AsyncClient, email: str = "dana@example.com", name: str = "Dana"
) -> httpx.Response:
    response = await post_form(
        client,
        "/register",
        "/register",
        {
            "display_name": name,
            "email": email,
            "password": STRONG_PASSWORD,
            "password_confirmation": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 303, response.text
    return response


async def create_interview(client: httpx.AsyncClient, **changes: str) -> int:
    response = await post_form(
        client, "/interviews/new", "/interviews/new", {**NEW_INTERVIEW, **changes}
    )
    assert response.status_code == 303, response.text
    found = ROOM_LINK.match(response.headers["location"])
    assert found
    return int(found.group(1))


async def act(client: httpx.AsyncClient, interview_id: int, action: str) -> httpx.Response:
    return await post_form(
        client, f"/interviews/{interview_id}", f"/interviews/{interview_id}/{action}", {}
    )


async def answer(client: httpx.AsyncClient, interview_id: int, text: str) -> httpx.Response:
    return await post_form(
        client,
        f"/interviews/{interview_id}",
        f"/interviews/{interview_id}/answer",
        {"answer": text},
    )


@pytest.fixture
async def other_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser: its own cookie jar, the same app and database."""
    async with http_client(app) as client:
        yield client


# ---------------------------------------------------------------------------- redirects


async def test_landing_page_invites_visitors_and_points_members_to_the_dashboard(
    client: httpx.AsyncClient,
) -> None:
    anonymous = await client.get("/")
    assert anonymous.status_code == 200
    assert 'href="/register"' in anonymous.text and 'href="/login"' in anonymous.text
    assert "Sign out" not in anonymous.text
    await register(client)
    member = await client.get("/")
    assert 'href="/dashboard"' in member.text
    assert "Sign out" in member.text


NAVIGATION = {
    "/dashboard": "Dashboard",
    "/interviews/new": "New interview",
    "/interviews": "History",
    "/study-plan": "Study plan",
    "/settings": "Settings",
    "/account": "Account",
}


async def test_every_member_page_is_one_click_away_and_marked_when_open(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    for path, label in NAVIGATION.items():
        page = (await client.get(path)).text
        links = [f'<a href="{other}"' for other in NAVIGATION]
        assert all(link in page for link in links), path
        assert f'<a href="{path}" aria-current="page">{label}</a>' in page


@pytest.mark.parametrize(
    "path",
    ["/dashboard", "/interviews", "/interviews/new", "/interviews/1", "/interviews/1/report"],
)
async def test_protected_pages_send_visitors_to_sign_in(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


@pytest.mark.parametrize("path", ["/login", "/register"])
async def test_signed_in_users_are_sent_to_the_dashboard(
    client: httpx.AsyncClient, path: str
) -> None:
    await register(client)
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/interviews/7", "/interviews/7"),
        ("/interviews?status=completed", "/interviews?status=completed"),
        (None, "/dashboard"),
        ("", "/dashboard"),
        ("//evil.example/steal", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("https://evil.example/", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
        ("dashboard", "/dashboard"),
        ("/ok\r\nSet-Cookie: x=1", "/dashboard"),
    ],
)
def test_only_same_site_paths_are_followed_after_sign_in(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


async def test_sign_in_returns_to_the_page_that_asked_for_it(client: httpx.AsyncClient) -> None:
    await register(client, email="erin@example.com")
    await post_form(client, "/dashboard", "/logout", {})
    form = await client.get("/login", params={"next": "/interviews"})
    assert 'name="next" value="/interviews"' in form.text
    response = await client.post(
        "/login",
        data={
            "email": "erin@example.com",
            "password": STRONG_PASSWORD,
            "next": "/interviews",
            "csrf_token": csrf_of(form),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/interviews"


async def test_sign_in_ignores_a_next_that_leaves_the_site(client: httpx.AsyncClient) -> None:
    await register(client, email="erin@example.com")
    await post_form(client, "/dashboard", "/logout", {})
    response = await post_form(
        client,
        "/login",
        "/login",
        {"email": "erin@example.com", "password": STRONG_PASSWORD, "next": "//evil.example"},
    )
    assert response.headers["location"] == "/dashboard"


# ---------------------------------------------------------------------------- CSRF


async def test_forms_without_the_csrf_token_are_refused(client: httpx.AsyncClient) -> None:
    await client.get("/register")  # the anonymous CSRF cookie is set, but no token is sent
    refused = await client.post(
        "/register",
        data={
            "display_name": "Fay",
            "email": "fay@example.com",
            "password": STRONG_PASSWORD,
            "password_confirmation": STRONG_PASSWORD,
        },
    )
    assert refused.status_code == 403
    assert "did not come from this site" in refused.text
    await register(client, email="fay@example.com")
    interview_id = await create_interview(client)
    for path in ["/interviews/new", f"/interviews/{interview_id}/start", "/logout"]:
        response = await client.post(path, data={**NEW_INTERVIEW, "csrf_token": "forged"})
        assert response.status_code == 403, path
    room = await client.get(f"/interviews/{interview_id}")
    assert "Start interview" in room.text  # nothing happened
    assert (await client.get("/dashboard")).status_code == 200  # still signed in


async def test_one_users_token_does_not_work_for_another(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await register(client, email="gus@example.com")
    interview_id = await create_interview(client)
    await register(other_client, email="hana@example.com")
    other_token = csrf_of(await other_client.get("/interviews/new"))
    response = await client.post(
        f"/interviews/{interview_id}/start", data={"csrf_token": other_token}
    )
    assert response.status_code == 403


# ---------------------------------------------------------------------------- accounts


async def test_registration_errors_are_shown_by_each_field(client: httpx.AsyncClient) -> None:
    response = await post_form(
        client,
        "/register",
        "/register",
        {
            "display_name": "Ivy",
            "email": "not-an-email",
            "password": "weak",
            "password_confirmation": "weak",
        },
    )
    assert response.status_code == 422
    page = response.text
    assert 'id="email-error"' in page and "@-sign" in page
    assert 'id="password-error"' in page and "at least 8 characters" in page
    assert 'aria-invalid="true"' in page
    assert 'value="Ivy"' in page and 'value="not-an-email"' in page
    assert 'value="weak"' not in page  # passwords are never sent back


async def test_mismatched_confirmation_is_reported_on_that_field(
    client: httpx.AsyncClient,
) -> None:
    response = await post_form(
        client,
        "/register",
        "/register",
        {
            "display_name": "Ivy",
            "email": "ivy@example.com",
            "password": STRONG_PASSWORD,
            "password_confirmation": STRONG_PASSWORD + "x",
        },
    )
    assert response.status_code == 422
    assert 'id="password_confirmation-error"' in response.text
    assert "passwords do not match" in response.text


async def test_registering_a_taken_email_says_so(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await register(client, email="jo@example.com")
    response = await post_form(
        other_client,
        "/register",
        "/register",
        {
            "display_name": "Someone else",
            "email": "JO@example.com",
            "password": STRONG_PASSWORD,
            "password_confirmation": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 409
    assert 'id="email-error"' in response.text
    assert "already exists" in response.text


async def test_registration_starts_a_session_with_a_safe_cookie(
    client: httpx.AsyncClient,
) -> None:
    response = await register(client, email="kai@example.com", name="Kai")
    assert response.headers["location"] == "/dashboard"
    cookie = next(
        value
        for value in response.headers.get_list("set-cookie")
        if value.startswith("mockroom_session=")
    )
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert f"max-age={14 * 24 * 60 * 60}" in attributes
    assert "secure" not in attributes
    assert "path=/" in attributes
    dashboard = await client.get("/dashboard")
    assert dashboard.status_code == 200 and "Welcome back, Kai" in dashboard.text


async def test_production_session_cookie_is_secure(database: Database) -> None:
    settings = database.settings.model_copy(update={"environment": "production"})
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            response = await register(client, email="lee@example.com")
    cookie = next(
        value
        for value in response.headers.get_list("set-cookie")
        if value.startswith("mockroom_session=")
    )
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}


async def test_wrong_password_is_refused_without_saying_which_part(
    client: httpx.AsyncClient,
) -> None:
    await register(client, email="max@example.com")
    await post_form(client, "/dashboard", "/logout", {})
    for email in ["max@example.com", "nobody@example.com"]:
        response = await post_form(
            client, "/login", "/login", {"email": email, "password": "Wrong-Password-1"}
        )
        assert response.status_code == 401
        assert "The email or password is incorrect." in response.text
        assert f'value="{email}"' in response.text
        assert "Wrong-Password-1" not in response.text


async def test_sign_in_form_errors_are_inline(client: httpx.AsyncClient) -> None:
    response = await post_form(client, "/login", "/login", {"email": "", "password": ""})
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    assert 'id="password-error"' in response.text


async def test_sign_out_ends_the_session(client: httpx.AsyncClient) -> None:
    await register(client, email="nia@example.com")
    session_cookie = client.cookies["mockroom_session"]
    response = await post_form(client, "/dashboard", "/logout", {})
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "mockroom_session" not in client.cookies
    client.cookies.set("mockroom_session", session_cookie)  # replaying the old cookie fails
    assert (await client.get("/dashboard")).status_code == 303


# ---------------------------------------------------------------------------- new interview


async def test_new_interview_form_shows_defaults(client: httpx.AsyncClient) -> None:
    await register(client)
    page = (await client.get("/interviews/new")).text
    assert 'name="question_count" type="number"' in page and 'value="5"' in page
    assert 'value="30"' in page
    assert 'for="title"' in page and 'for="focus_topics"' in page
    assert 'value="technical" checked' in page
    assert 'name="follow_ups" value="on" checked' in page


async def test_follow_ups_are_the_candidates_choice(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await register(client)
    # An unticked checkbox sends nothing, so the plain form turns follow-ups off.
    without = await create_interview(client)
    with_follow_ups = await create_interview(client, follow_ups="on")
    chosen = await session.execute(select(Interview.id, Interview.follow_ups_enabled))
    assert dict(chosen.all()) == {without: False, with_follow_ups: True}


async def test_new_interview_errors_are_inline_and_input_is_kept(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    response = await post_form(
        client,
        "/interviews/new",
        "/interviews/new",
        {
            "title": "  ",
            "interview_type": "astrology",
            "difficulty": "hard",
            "question_count": "40",
            "duration_minutes": "soon",
            "focus_topics": "python, testing",
        },
    )
    assert response.status_code == 422
    page = response.text
    assert 'id="title-error"' in page
    assert 'id="interview_type-error"' in page and "Choose one of the options." in page
    assert 'id="question_count-error"' in page and "at most 20" in page
    assert 'id="duration_minutes-error"' in page and "whole number" in page
    assert 'value="40"' in page and 'value="soon"' in page
    assert 'value="python, testing"' in page
    assert '<option value="hard" selected>' in page
    assert 'name="follow_ups" value="on" aria' in page  # left unticked, as it was sent
    assert "No interviews yet" in (await client.get("/dashboard")).text


async def test_new_interview_takes_focus_topics_and_opens_the_room(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    interview_id = await create_interview(
        client, focus_topics="Python, testing, python", question_count="2"
    )
    room = await client.get(f"/interviews/{interview_id}")
    assert room.status_code == 200
    assert "Start interview" in room.text
    assert "python, testing" in room.text
    assert "Question 1 of" not in room.text  # nothing is asked before the start


# ---------------------------------------------------------------------------- the loop


async def test_full_interview_loop_through_the_forms(client: httpx.AsyncClient) -> None:
    await register(client, name="Omar")
    interview_id = await create_interview(client)

    started = await act(client, interview_id, "start")
    assert started.status_code == 303
    assert started.headers["location"] == f"/interviews/{interview_id}"

    answers = [
        "A list is mutable and a tuple is immutable, so only a tuple can be a dict key when "
        "everything inside it is hashable. I use lists for growing collections.",
        "I would measure first, then fix the slowest part. Caching and batching queries help, "
        "and I would add a test so the behaviour stays the same.",
        "Unit tests check one piece in isolation; integration tests check that the pieces work "
        "together against real dependencies such as the database.",
    ]
    for number, text in enumerate(answers, start=1):
        room = await client.get(f"/interviews/{interview_id}")
        assert f"Question {number} of 3" in room.text
        assert re.search(r'data-remaining-seconds="(1[0-9]{3}|[0-9]{1,3})"', room.text)
        assert 'maxlength="20000"' in room.text
        assert 'aria-live="polite"' in room.text
        response = await answer(client, interview_id, text)
        assert response.status_code == 303, response.text
        found = ANSWER_LINK.match(response.headers["location"])
        assert found and int(found.group(1)) == interview_id

        feedback = await client.get(response.headers["location"])
        assert feedback.status_code == 200
        assert "Feedback on your answer" in feedback.text
        assert "/ 100" in feedback.text
        for label in ["Technical accuracy", "Completeness", "Clarity", "Problem solving"]:
            assert label in feedback.text
        assert "Key points you missed" in feedback.text or "Key points you covered" in feedback.text
        assert html.escape(text, quote=False) in feedback.text
        if number < 3:
            assert "Next question" in feedback.text
        else:
            assert "See your report" in feedback.text

    room = await client.get(f"/interviews/{interview_id}")
    assert "Interview complete" in room.text
    assert f'href="/interviews/{interview_id}/report"' in room.text

    report = await client.get(f"/interviews/{interview_id}/report")
    assert report.status_code == 200
    page = report.text
    assert "Overall score" in page and "data-overall-score" in page
    for label in ["Technical accuracy", "Completeness", "Clarity", "Problem solving"]:
        assert label in page
    for text in answers:
        assert html.escape(text, quote=False) in page
    assert page.count('class="report-question-header"') == 3

    dashboard = (await client.get("/dashboard")).text
    completed = re.search(r"<dt>Interviews completed</dt>\s*<dd>(\d+)</dd>", dashboard)
    assert completed and completed.group(1) == "1"
    assert "Backend practice" in dashboard
    history = (await client.get("/interviews")).text
    assert f'href="/interviews/{interview_id}/report"' in history


async def test_skip_pause_resume_and_ending_early(client: httpx.AsyncClient) -> None:
    await register(client)
    interview_id = await create_interview(client, question_count="3")
    await act(client, interview_id, "start")

    paused = await act(client, interview_id, "pause")
    assert paused.status_code == 303
    room = (await client.get(f"/interviews/{interview_id}")).text
    assert "Interview paused" in room and "Resume interview" in room
    assert 'name="answer"' not in room  # the question is hidden while paused

    refused = await answer(client, interview_id, "An answer sent while paused.")
    assert refused.status_code == 409
    assert "resume it first" in refused.text

    await act(client, interview_id, "resume")
    skipped = await act(client, interview_id, "skip")
    assert skipped.headers["location"] == f"/interviews/{interview_id}"
    assert "Question 2 of 3" in (await client.get(f"/interviews/{interview_id}")).text

    ended = await act(client, interview_id, "complete")
    assert ended.headers["location"] == f"/interviews/{interview_id}/report"
    report = (await client.get(f"/interviews/{interview_id}/report")).text
    assert "Skipped" in report
    assert "Not reached" in report
    assert "You ended the interview early." in report


async def test_skipping_the_last_question_goes_to_the_report(client: httpx.AsyncClient) -> None:
    await register(client)
    interview_id = await create_interview(client, question_count="1")
    await act(client, interview_id, "start")
    skipped = await act(client, interview_id, "skip")
    assert skipped.headers["location"] == f"/interviews/{interview_id}/report"


async def test_an_empty_or_too_long_answer_is_refused_and_kept(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    interview_id = await create_interview(client)
    await act(client, interview_id, "start")

    empty = await answer(client, interview_id, "   ")
    assert empty.status_code == 422
    assert 'id="answer-error"' in empty.text and "the answer is empty" in empty.text.lower()

    long_text = "word " * 4001
    too_long = await answer(client, interview_id, long_text)
    assert too_long.status_code == 422
    assert "at most 20,000 characters" in too_long.text
    assert long_text in too_long.text
    assert "Question 1 of 3" in too_long.text


async def test_line_breaks_count_once(client: httpx.AsyncClient) -> None:
    """A browser sends CRLF; an answer at the limit as typed must not be refused as too long."""
    await register(client)
    interview_id = await create_interview(client)
    await act(client, interview_id, "start")
    text = ("x" * 99 + "\r\n") * 200  # 20,000 characters once CRLF counts as one
    response = await answer(client, interview_id, text)
    assert response.status_code == 303, response.text


async def test_actions_the_state_forbids_are_explained_in_the_room(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    interview_id = await create_interview(client)
    assert (await act(client, interview_id, "pause")).status_code == 409
    await act(client, interview_id, "start")
    again = await act(client, interview_id, "start")
    assert again.status_code == 409
    assert "You cannot start this interview: it is already in progress." in again.text
    assert 'role="alert"' in again.text
    assert "Question 1 of 3" in again.text  # the room is still usable


async def test_cancelling_leaves_no_report(client: httpx.AsyncClient) -> None:
    await register(client)
    interview_id = await create_interview(client)
    cancelled = await act(client, interview_id, "cancel")
    assert cancelled.headers["location"] == f"/interviews/{interview_id}"
    room = (await client.get(f"/interviews/{interview_id}")).text
    assert "This interview was cancelled" in room
    report = await client.get(f"/interviews/{interview_id}/report")
    assert report.status_code == 303
    assert report.headers["location"] == f"/interviews/{interview_id}"
    assert (await act(client, interview_id, "start")).status_code == 409


async def test_the_server_clock_ends_an_interview_whose_time_is_up(
    client: httpx.AsyncClient, database: Database
) -> None:
    await register(client)
    interview_id = await create_interview(client, duration_minutes="5")
    await act(client, interview_id, "start")
    async with database.engine.begin() as connection:
        await connection.execute(
            update(Interview)
            .where(Interview.id == interview_id)
            .values(resumed_at=utcnow() - timedelta(minutes=6))
        )
    room = (await client.get(f"/interviews/{interview_id}")).text
    assert "Interview complete" in room
    assert "The time ran out." in room
    late = await answer(client, interview_id, "Too late, but here it is.")
    assert late.status_code == 409
    assert "already completed" in late.text


# ---------------------------------------------------------------------------- privacy and safety


async def test_another_user_cannot_see_or_touch_an_interview(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await register(client, email="pat@example.com")
    interview_id = await create_interview(client, question_count="1")
    await act(client, interview_id, "start")
    answered = await answer(client, interview_id, "Tuples are immutable; lists are not.")
    feedback_path = answered.headers["location"]

    await register(other_client, email="quinn@example.com")
    for path in [
        f"/interviews/{interview_id}",
        f"/interviews/{interview_id}/report",
        feedback_path,
    ]:
        response = await other_client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text
        assert "Tuples are immutable" not in response.text
    token = csrf_of(await other_client.get("/interviews/new"))
    cancel = await other_client.post(
        f"/interviews/{interview_id}/cancel", data={"csrf_token": token}
    )
    assert cancel.status_code == 404
    assert "Backend practice" not in (await other_client.get("/interviews")).text
    assert (await client.get(f"/interviews/{interview_id}/report")).status_code == 200


async def test_user_text_is_escaped_everywhere(client: httpx.AsyncClient) -> None:
    name = '<b id="name">Rae</b>'
    title = '<script>alert("title")</script>'
    text = '<img src=x onerror="alert(1)"> and tuples are immutable while lists can change.'
    await register(client, name=name)
    interview_id = await create_interview(client, title=title, question_count="1")
    await act(client, interview_id, "start")
    answered = await answer(client, interview_id, text)
    pages = [
        await client.get("/dashboard"),
        await client.get("/interviews"),
        await client.get(answered.headers["location"]),
        await client.get(f"/interviews/{interview_id}/report"),
        await client.get(f"/interviews/{interview_id}"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<img src=x onerror" not in page.text
        assert '<b id="name">' not in page.text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in pages[3].text
    assert "&lt;img src=x onerror=" in pages[3].text
    assert "&lt;b id=&#34;name&#34;&gt;Rae&lt;/b&gt;" in pages[0].text


async def test_pages_carry_no_inline_script_or_style(client: httpx.AsyncClient) -> None:
    """The CSP forbids them, so any that crept in would silently do nothing."""
    await register(client)
    interview_id = await create_interview(client)
    await act(client, interview_id, "start")
    for path in [
        "/",
        "/dashboard",
        "/interviews",
        "/interviews/new",
        f"/interviews/{interview_id}",
    ]:
        page = (await client.get(path)).text
        assert "style=" not in page, path
        assert re.search(r"<script(?![^>]*\bsrc=)", page) is None, path
        assert re.search(r"\son[a-z]+=", page) is None, path


# ---------------------------------------------------------------------------- lists and errors


async def test_history_filters_by_status_and_pages_newest_first(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    ids = [
        await create_interview(client, title=f"Round {number:02d}", question_count="1")
        for number in range(12)
    ]
    await act(client, ids[3], "cancel")

    first = (await client.get("/interviews")).text
    titles = TITLE_LINK.findall(first)
    assert titles[:10] == [f"{number:02d}" for number in range(11, 1, -1)]
    older = re.search(r'href="/interviews\?before=(\d+)"', first)
    assert older
    second = (await client.get(f"/interviews?before={older.group(1)}")).text
    assert TITLE_LINK.findall(second)[:2] == ["01", "00"]
    assert "Newest" in second

    cancelled = (await client.get("/interviews", params={"status": "cancelled"})).text
    assert TITLE_LINK.findall(cancelled) == ["03"]
    assert '<option value="cancelled" selected>' in cancelled
    everything = await client.get("/interviews", params={"status": "nonsense"})
    assert everything.status_code == 200


async def test_dashboard_offers_to_resume_an_unfinished_interview(
    client: httpx.AsyncClient,
) -> None:
    await register(client)
    empty = (await client.get("/dashboard")).text
    assert "No interviews yet" in empty
    interview_id = await create_interview(client, title="Unfinished round")
    await act(client, interview_id, "start")
    await act(client, interview_id, "pause")
    dashboard = (await client.get("/dashboard")).text
    assert "Pick up where you left off" in dashboard
    assert "Resume interview" in dashboard
    assert f'href="/interviews/{interview_id}"' in dashboard


async def test_unknown_pages_get_the_error_page_and_htmx_a_fragment(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/no-such-page")
    assert page.status_code == 404
    assert "<title>Page not found" in page.text and "Error 404" in page.text
    fragment = await client.get("/no-such-page", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "<html" not in fragment.text and 'role="alert"' in fragment.text
