"""The evidence form's criteria picker ("Also supports", mockup's content browser)
in a real Chromium, on a phone (390 px) and a desktop (1280 px): the panel fits the
screen, a search by code lists that criterion with its whole title, and the button
that selects it can be seen and pressed.

Screenshots go to /tmp/picker-shots/ (looked at by a person, not used by the guides).
"""

from browser_checks import axe_violations
from browser_checks import DESKTOP
from browser_checks import PHONE
from browser_checks import sideways_overflow
from nr_setup import criterion_at
from nr_setup import PASSWORD
from pathlib import Path
from plone import api

import pytest
import transaction


pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/picker-shots")
SIZES = [PHONE, DESKTOP]

# Where an element's box is, whether its text is cut, and whether it lies in the
# window: the picker's rows and buttons are checked with it.
BOX = """el => {
    const r = el.getBoundingClientRect();
    return {
        left: r.left, right: r.right, top: r.top, bottom: r.bottom,
        width: r.width, scroll: el.scrollWidth, client: el.clientWidth,
        text: el.textContent.trim(),
        inside: r.left >= 0 && r.right <= window.innerWidth
            && r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0,
    };
}"""


def log_in(page, user_id):
    page.goto(f"{api.portal.get().absolute_url()}/login")
    page.fill("#__ac_name", user_id)
    page.fill("#__ac_password", PASSWORD)
    page.click("button[name='buttons.login']")
    page.wait_for_load_state()


# The evidence form has two pickers (the intranet item, the criteria it also
# supports): this test is about the criteria's.
FIELD = "#formfield-form-widgets-supported_criteria"


def open_picker(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    field = page.locator(FIELD)
    field.locator(".content-browser-selected-items-wrapper .btn-primary").click()
    page.wait_for_selector(".content-browser .levelColumns", timeout=15000)
    page.wait_for_timeout(800)  # the panel slides in


def search(page, term):
    page.fill(".content-browser input[name='filter']", term)
    page.wait_for_timeout(400)  # the pattern waits 300 ms before it asks
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)


@pytest.fixture
def picker_programme(functional_programme):
    transaction.commit()
    return functional_programme


@pytest.mark.parametrize("viewport", SIZES, ids=[str(s["width"]) for s in SIZES])
def test_search_by_code_fits_the_screen_and_can_be_selected(
    chromium, picker_programme, viewport
):
    home = criterion_at(picker_programme, "1.1.1")
    wanted = criterion_at(picker_programme, "1.1.3")
    title = f"1.1.3 — {wanted.Title()}"
    context = chromium.new_context(locale="fr-FR", viewport=viewport)
    page = context.new_page()
    SHOTS.mkdir(exist_ok=True)
    name = f"{viewport['width']}"
    try:
        log_in(page, "editor")
        open_picker(page, f"{home.absolute_url()}/++add++nr_evidence")
        page.screenshot(path=str(SHOTS / f"{name}-1-open.png"))
        panel = page.locator(".content-browser").evaluate(BOX)
        assert panel["inside"], panel
        search(page, "1.1.3")
        page.screenshot(path=str(SHOTS / f"{name}-2-search.png"))
        rows = page.locator(".content-browser .levelItems .contentItem")
        assert rows.count() == 1, rows.all_text_contents()
        label = rows.first.locator("span:not(.plone-icon):not(.small)").first
        box = label.evaluate(BOX)
        assert box["text"] == title, box
        assert box["inside"], box
        assert box["scroll"] <= box["client"], f"title cut: {box}"
        rows.first.click()
        page.wait_for_timeout(800)
        page.screenshot(path=str(SHOTS / f"{name}-3-chosen.png"))
        label = rows.first.locator("span:not(.plone-icon):not(.small)").first
        box = label.evaluate(BOX)
        assert box["inside"], f"chosen row off the screen: {box}"
        assert box["scroll"] <= box["client"], f"chosen title cut: {box}"
        button = page.locator(".content-browser .preview .levelToolbar button")
        box = button.evaluate(BOX)
        assert box["inside"], f"select button off the screen: {box}"
        assert title in box["text"], box
        shown = page.locator(".content-browser .preview .info").evaluate(BOX)
        assert shown["inside"], f"preview off the screen: {shown}"
        assert sideways_overflow(page) <= 0
        # No favourites menu (Plone's lead where there is no criterion).
        assert page.locator(".content-browser .favorites").count() == 0
        button.click()
        page.wait_for_timeout(800)
        page.screenshot(path=str(SHOTS / f"{name}-4-selected.png"))
        assert page.locator(".content-browser").count() == 0
        selected = page.locator(f"{FIELD} .content-browser-selected-items")
        assert "1.1.3" in selected.text_content()
        assert axe_violations(page) == []
    finally:
        context.close()


def test_browsing_levels_on_a_phone_stays_on_the_screen(chromium, picker_programme):
    """Browsing (programme, theme, ...) on a phone: the levels above keep only the
    chosen row, the current level is shown whole, nothing goes off to the side."""
    home = criterion_at(picker_programme, "1.1.1")
    context = chromium.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    SHOTS.mkdir(exist_ok=True)
    try:
        log_in(page, "editor")
        open_picker(page, f"{home.absolute_url()}/++add++nr_evidence")
        for _level in range(2):
            page.locator(
                ".content-browser .levelColumn.active .contentItem"
            ).first.click()
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)
        page.screenshot(path=str(SHOTS / "390-5-browse.png"))
        columns = page.locator(".content-browser .levelColumn")
        assert columns.count() == 3
        for row in page.locator(".content-browser .contentItem:visible").all():
            box = row.evaluate(BOX)
            assert box["left"] >= 0 and box["right"] <= PHONE["width"], box
        assert sideways_overflow(page) <= 0
    finally:
        context.close()
