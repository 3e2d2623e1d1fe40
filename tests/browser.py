"""Debian's Chromium for page tests, launched headless the way this machine allows."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Marks a module of browser tests: skipped, with how to fix it, where Chromium is missing.
IN_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium is missing; install it: apt-get update && apt-get install -y chromium",
    ),
]
