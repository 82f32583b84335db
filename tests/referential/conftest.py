from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.testing.zope import Browser

import pytest


@pytest.fixture
def browser(functional_app):
    """A test browser signed in as the site owner (a Manager)."""
    browser = Browser(functional_app)
    # A server error must fail the test, not turn into an error page.
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic {SITE_OWNER_NAME}:{SITE_OWNER_PASSWORD}")
    return browser
