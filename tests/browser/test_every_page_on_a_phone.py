"""Every add-on page at 390 px in a real Chromium: nothing scrolls sideways, and
axe-core finds no serious or critical violation in the add-on's part of it.

The pages and who opens them are ``PAGES`` (tests/addon_pages.py), the list the
language test renders in fr and en; the programme's Sharing tab, where the NR lead
gives roles, is added here (its text is Plone's)."""

from addon_pages import build_content
from addon_pages import page_url
from addon_pages import PAGES
from browser_checks import axe_violations
from browser_checks import PHONE
from browser_checks import sideways_overflow
from nr_setup import PASSWORD

import base64
import pytest
import transaction


pytestmark = pytest.mark.browser

PHONE_PAGES = (*PAGES, ("sharing", "lead", "@@sharing"))


@pytest.fixture(scope="module")
def people():
    return sorted({user_id for _name, user_id, _path in PHONE_PAGES})


def signed_in(chromium, user_id):
    """A browser context signed in as ``user_id`` (HTTP basic authentication: this
    test is about the pages, the journeys go through the login form)."""
    token = base64.b64encode(f"{user_id}:{PASSWORD}".encode()).decode()
    return chromium.new_context(
        extra_http_headers={"Authorization": f"Basic {token}"},
        locale="fr-FR",
        viewport=PHONE,
    )


def test_every_page_fits_a_phone_and_passes_axe(chromium, functional_portal, people):
    programme, content = build_content(functional_portal, "fr")
    transaction.commit()
    contexts = {user_id: signed_in(chromium, user_id) for user_id in people}
    problems = []
    try:
        for name, user_id, path in PHONE_PAGES:
            page = contexts[user_id].new_page()
            response = page.goto(page_url(programme, path, content))
            if response.status >= 400:
                problems.append(f"{name}: HTTP {response.status}")
                continue
            page.wait_for_load_state("networkidle")  # patterns built their widgets
            page.wait_for_timeout(100)
            overflow = sideways_overflow(page)
            if overflow > 1:
                problems.append(f"{name}: scrolls sideways by {overflow}px")
            problems += [f"{name}: {violation}" for violation in axe_violations(page)]
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert not problems, "\n".join(problems)
