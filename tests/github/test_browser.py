"""Sign in with GitHub in Debian's Chromium: mockroom and the fake GitHub on real sockets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.async_api import Page, expect

from mockroom.config import Settings
from tests.browser import IN_CHROMIUM
from tests.github.conftest import github_settings_for, gopher
from tests.github.fake_github import FakeGithub
from tests.live_server import serving

pytestmark = IN_CHROMIUM


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, fake_github: FakeGithub) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("github-browser")
    settings = Settings(
        environment="test",
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{data_dir / 'browser.db'}",
        secret_key="github-browser-secret",
    )
    github = github_settings_for(fake_github)
    with serving(
        settings, configure=lambda app: setattr(app.state, "github_settings", github)
    ) as url:
        yield url


async def test_sign_in_with_github_and_practise_on_your_own_stack(
    page: Page, base_url: str, fake_github: FakeGithub
) -> None:
    fake_github.reset()
    fake_github.add_user(gopher("grace@example.com"))
    fake_github.authorize_as = "gopher"
    policy_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            policy_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    await page.goto(f"{base_url}/login")
    await page.get_by_role("link", name="Continue with GitHub").click()
    await page.wait_for_url(f"{base_url}/dashboard")
    authorised = [seen for seen in fake_github.requests if seen.path == "/login/oauth/authorize"]
    assert len(authorised) == 1
    assert authorised[0].query["scope"] == "read:user user:email"

    card = page.locator(".github-card")
    await expect(card.get_by_role("link", name="Grace Gopher @gopher")).to_be_visible()
    await expect(card.get_by_role("img", name="Share of your code by language: Go")).to_be_visible()
    await expect(card.get_by_role("link", name="kube-autoscaler")).to_be_visible()
    await expect(card.get_by_text("Kubernetes", exact=False).first).to_be_visible()

    await page.goto(f"{base_url}/interviews/new")
    focus = page.get_by_role("group", name="From your GitHub (@gopher)")
    await expect(focus).to_be_visible()
    await expect(focus.get_by_role("checkbox", name="go", exact=True)).to_be_checked()
    await focus.get_by_role("checkbox", name="python", exact=True).uncheck()
    await page.fill("#title", "My own stack")
    await page.fill("#question_count", "3")
    await page.get_by_role("button", name="Create interview").click()
    await page.wait_for_url(f"{base_url}/interviews/*")
    await page.get_by_role("button", name="Start interview").click()
    await expect(page.locator(".question-prompt")).to_be_visible()

    await page.goto(f"{base_url}/settings")
    await expect(page.get_by_text("confirmed by signing in with GitHub")).to_be_visible()
    assert policy_violations == []
