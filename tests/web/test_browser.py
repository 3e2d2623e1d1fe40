"""The whole interview loop in Debian's Chromium, against a real server on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from mockroom.questions.bank import load_bank
from tests.browser import IN_CHROMIUM
from tests.live_server import live_server

CRITERIA_LABELS = ["Technical accuracy", "Completeness", "Clarity", "Problem solving"]

pytestmark = IN_CHROMIUM


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("browser")) as url:
        yield url


def reference_answer(prompt: str) -> str:
    """The bank's model answer for the prompt on screen: real text a strong candidate might give."""
    for question in load_bank():
        if " ".join(question.prompt.split()) == " ".join(prompt.split()):
            return question.reference_answer
    return (
        "I would start from the requirements, explain the main idea and its trade-offs, give a "
        "concrete example from a project, and say how I would test that it works."
    )


def same_words(text: str) -> str:
    return " ".join(text.split())


async def has_horizontal_scroll(page: Page) -> bool:
    return bool(
        await page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
    )


async def test_register_practise_and_read_the_report(page: Page, base_url: str) -> None:
    policy_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            policy_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    # With JavaScript on, answers go over the room's live channel rather than a form post.
    live_channels: list[str] = []
    page.on("websocket", lambda socket: live_channels.append(socket.url))

    await page.goto(f"{base_url}/")
    await page.get_by_role("link", name="Create a free account").click()
    await page.get_by_label("Your name").fill("Browser Candidate")
    await page.get_by_label("Email").fill("candidate@example.com")
    await page.get_by_label("Password", exact=True).fill("Correct-Horse-9")
    await page.get_by_label("Confirm password").fill("Correct-Horse-9")
    await page.get_by_role("button", name="Create account").click()

    await page.wait_for_url(f"{base_url}/dashboard")
    welcome = page.get_by_role("heading", name="Welcome back, Browser Candidate")
    await expect(welcome).to_be_visible()
    await page.get_by_role("link", name="Start a new interview").click()

    await page.wait_for_url(f"{base_url}/interviews/new")
    await page.get_by_label("Title").fill("Browser round")
    await page.get_by_label("Technical").check()
    await page.get_by_label("Number of questions").fill("3")
    # Three answers, three questions: no follow-up may stretch the round.
    await page.get_by_label("Follow-up questions").uncheck()
    await page.get_by_role("button", name="Create interview").click()

    await page.wait_for_url(re.compile(r".*/interviews/\d+$"))
    await page.get_by_role("button", name="Start interview").click()
    await expect(page.get_by_text("Question 1 of 3")).to_be_visible()

    # The countdown runs in the page; the character count follows the typing.
    timer = page.locator("[data-countdown-display]")
    first_reading = await timer.inner_text()
    await expect(timer).not_to_have_text(first_reading, timeout=4000)
    await page.locator("#answer").fill("Twelve chars")
    await expect(page.locator("#answer-count")).to_have_text("12 / 20,000 characters")

    await page.set_viewport_size({"width": 375, "height": 800})
    assert not await has_horizontal_scroll(page), "the room scrolls sideways at 375 px"
    await page.set_viewport_size({"width": 1280, "height": 900})

    answers = []
    for number in range(1, 4):
        await expect(page.get_by_text(f"Question {number} of 3")).to_be_visible()
        text = reference_answer(await page.locator(".question-prompt").inner_text())
        answers.append(text)
        await page.locator("#answer").fill(text)
        await page.get_by_role("button", name="Submit answer").click()

        await page.wait_for_url(re.compile(r".*/answers/\d+$"))
        heading = page.get_by_role("heading", name="Feedback on your answer")
        await expect(heading).to_be_visible()
        score = page.locator(".room-header .big-score-value")
        await expect(score).to_have_text(re.compile(r"^\d+$"))
        for label in CRITERIA_LABELS:
            await expect(page.locator(".score-row-label", has_text=label)).to_be_visible()
        key_points = page.get_by_text(re.compile("Key points you (covered|missed)"))
        await expect(key_points.first).to_be_visible()
        if number < 3:
            await page.get_by_role("link", name="Next question").click()
            await page.wait_for_url(re.compile(r".*/interviews/\d+$"))
        else:
            await page.get_by_role("link", name="See your report").click()

    await page.wait_for_url(re.compile(r".*/interviews/\d+/report$"))
    overall = await page.locator("[data-overall-score] .big-score-value").inner_text()
    assert 0 <= int(overall) <= 100
    criteria = page.locator("[data-criteria]")
    for label in CRITERIA_LABELS:
        await expect(criteria.get_by_text(label)).to_be_visible()
    assert await criteria.locator("meter").count() == 4
    shown = await page.locator("[data-answer]").all_inner_texts()
    assert [same_words(text) for text in shown] == [same_words(text) for text in answers]

    await page.set_viewport_size({"width": 375, "height": 800})
    assert not await has_horizontal_scroll(page), "the report scrolls sideways at 375 px"
    await page.goto(f"{base_url}/dashboard")
    assert not await has_horizontal_scroll(page), "the dashboard scrolls sideways at 375 px"
    completed = page.locator(".stat", has_text="Interviews completed").locator("dd")
    await expect(completed).to_have_text("1")
    assert policy_violations == []
    assert len(live_channels) == len(answers)
    assert all(
        re.search(r"^ws://127\.0\.0\.1:\d+/ws/interviews/\d+$", url) for url in live_channels
    )


async def test_plain_forms_work_without_javascript(browser: Browser, base_url: str) -> None:
    """Progressive enhancement: with scripts off, registering and answering still work."""
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    try:
        await page.goto(f"{base_url}/register")
        await page.fill("#display_name", "No Script")
        await page.fill("#email", "noscript@example.com")
        await page.fill("#password", "Correct-Horse-9")
        await page.fill("#password_confirmation", "Correct-Horse-9")
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{base_url}/dashboard")
        await page.goto(f"{base_url}/interviews/new")
        await page.fill("#title", "Scriptless round")
        await page.fill("#question_count", "1")
        await page.uncheck("#follow_ups")
        await page.click("text=Create interview")
        await page.click("text=Start interview")
        await page.fill("#answer", "Lists are mutable and tuples are immutable.")
        await page.click("text=Submit answer")
        await page.wait_for_url(re.compile(r".*/answers/\d+$"))
        await page.click("text=See your report")
        await page.wait_for_url(re.compile(r".*/report$"))
        assert "Lists are mutable and tuples are immutable." in await page.content()
    finally:
        await context.close()
