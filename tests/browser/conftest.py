"""A real Chromium (Debian's, driven by Playwright) for the browser tests."""

from browser_checks import AXE
from browser_checks import CHROMIUM_FLAGS

import os
import pytest
import shutil


@pytest.fixture(scope="module")
def chromium():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = None
    if executable is None:
        missing = "Debian's chromium is not installed (apt-get install -y chromium)"
    elif not AXE.exists():
        missing = "axe-core is not installed (npm ci)"
    if missing:
        if os.environ.get("NRLABEL_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=executable, args=CHROMIUM_FLAGS
    )
    yield browser
    browser.close()
    playwright.stop()
