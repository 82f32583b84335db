"""The way in (issue #11): a start page per person, its links in the user menu and
the navigation, log-in landing there, a themed demo site and findable demo logins.
"""

from collective.nrlabel.action_plan import plan_action
from collective.nrlabel.demo import ensure_demo
from collective.nrlabel.demo import is_demo_site
from collective.nrlabel.demo import theme_every_host
from collective.nrlabel.demo import UNTHEMED_HOSTS
from collective.nrlabel.worklist import has_programme
from collective.nrlabel.worklist import worklist
from datetime import date
from nr_setup import add_audit
from nr_setup import audit_transition
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from pathlib import Path
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.testing.zope import Browser
from urllib.parse import quote

import pytest
import re
import subprocess
import sys
import transaction


TODAY = date(2026, 6, 15)
# Site-wide Plone roles only, and a plain member: no programme, no link.
OUTSIDERS = {"g_reader": ["Reader"], "g_editor": ["Editor"], "g_member": []}


def _outsiders(portal):
    with api.env.adopt_roles(["Manager"]):
        for user_id, roles in OUTSIDERS.items():
            if api.user.get(userid=user_id) is None:
                api.user.create(
                    username=user_id, email=f"{user_id}@example.org", password=PASSWORD
                )
            if roles:
                api.user.grant_roles(username=user_id, roles=roles)
        # Intranets share their root with every logged-in user.
        portal.manage_setLocalRoles("AuthenticatedUsers", ["Reader"])
        portal.reindexObjectSecurity()


@pytest.fixture
def work(portal, programme, clock):
    """Something waiting for each person on the programme."""
    clock(TODAY)
    owned = criterion_at(programme, "1.1.1")
    for code in ("1.1.1", "1.2.1"):
        criterion = criterion_at(programme, code)
        criterion.owner = "author"
        criterion.reindexObject()
    items = {
        "draft": evidence_in_state(criterion_at(programme, "1.1.2"), "draft"),
        "rejected": evidence_in_state(
            criterion_at(programme, "1.1.3"), "rejected", title="Bilan refusé"
        ),
        "pending": evidence_in_state(
            criterion_at(programme, "1.2.1"), "pending", title="Plan en relecture"
        ),
        "expired": evidence_in_state(
            owned, "approved", title="Charte expirée", valid_until=date(2026, 6, 1)
        ),
        "soon": evidence_in_state(
            criterion_at(programme, "1.1.2"),
            "approved",
            title="Charte bientôt",
            valid_until=date(2026, 6, 30),
        ),
    }
    with api.env.adopt_roles(["Manager"]):
        plan_action(owned, "Former les équipes", due_date=date(2026, 5, 31))
    audit = add_audit(programme, date(2026, 6, 1), date(2026, 6, 30))
    audit_transition(audit, "start_audit")
    _outsiders(portal)
    return {"programme": programme, "audit": audit, **items}


def page_as(portal, user_id):
    login(portal, user_id)
    return portal.restrictedTraverse("@@nr-home")()


def only(programme_works):
    assert len(programme_works) == 1
    return programme_works[0]


def test_editor_sees_owned_criteria_and_own_items(portal, work):
    login(portal, "author")
    mine = only(worklist())
    # The dashboard's lights: expired evidence covers nothing, pending is amber.
    assert [(c.code, c.light) for c in mine.owned_criteria] == [
        ("1.1.1", "red"),
        ("1.2.1", "amber"),
    ]
    assert [i.title for i in mine.rejected] == ["Bilan refusé"]
    assert mine.rejected[0].reason == "Insuffisant"
    assert mine.rejected[0].criterion_code == "1.1.3"
    assert [i.criterion_code for i in mine.drafts] == ["1.1.2"]
    assert [i.title for i in mine.pending] == ["Plan en relecture"]
    assert mine.review_count is None and mine.overdue_actions is None

    html = page_as(portal, "author")
    assert "nr-light-red" in html and "nr-light-amber" in html
    assert work["rejected"].absolute_url() in html
    assert "Insuffisant" in html
    assert work["draft"].absolute_url() in html
    assert work["pending"].absolute_url() in html
    assert "@@nr-review-queue" not in html


def test_reviewer_sees_the_queue_count(portal, work):
    login(portal, "reviewer")
    mine = only(worklist())
    assert mine.review_count == 1
    assert mine.owned_criteria is None
    html = page_as(portal, "reviewer")
    url = work["programme"].absolute_url()
    assert f'href="{url}/@@nr-review-queue"' in html
    assert re.search(r'class="nr-home-queue-count"\s*>1</strong>', html)
    assert f"{url}/@@nr-dashboard" in html


def test_lead_sees_overdue_actions_and_expiring_evidence(portal, work):
    login(portal, "lead")
    mine = only(worklist())
    assert [b.Title for b in mine.overdue_actions] == ["Former les équipes"]
    assert [(b.Title, s) for b, s in mine.expiring_evidence] == [
        ("Charte expirée", "expired"),
        ("Charte bientôt", "expires_soon"),
    ]
    assert mine.review_count == 1  # the lead answers for the queue too
    html = page_as(portal, "lead")
    assert "Former les équipes" in html
    assert "nr-expiry-expired" in html and "nr-expiry-expires_soon" in html
    assert api.portal.get_localized_time("2026-06-30") in html
    assert "2026-06-30" not in html  # dates in the user's format, never ISO
    assert "@@nr-dashboard" in html and "@@nr-auditor-downloads" in html


def test_auditor_sees_the_audit_only_while_its_window_is_open(portal, work, clock):
    login(portal, "auditor")
    mine = only(worklist())
    assert [a.title for a in mine.open_audits] == ["Audit initial"]
    html = page_as(portal, "auditor")
    assert work["audit"].absolute_url() in html
    assert "@@nr-audit-pack" in html

    clock(date(2026, 7, 1))
    login(portal, "auditor")
    assert only(worklist()).open_audits == []
    html = page_as(portal, "auditor")
    assert work["audit"].absolute_url() not in html
    assert "@@nr-audit-pack" not in html


@pytest.mark.parametrize("user_id", sorted(OUTSIDERS))
def test_site_wide_roles_see_no_programme(portal, work, user_id):
    login(portal, user_id)
    assert worklist() == []
    assert has_programme() is False
    html = page_as(portal, user_id)
    assert 'class="nr-home-empty"' in html
    assert work["programme"].absolute_url() not in html


def test_nothing_waits(portal, programme):
    login(portal, "reader")
    mine = only(worklist())
    assert mine.nothing_waits
    assert 'class="nr-home-nothing"' in page_as(portal, "reader")


def test_anonymous_is_sent_to_log_in(portal):
    from zExceptions import Unauthorized

    logout()
    with pytest.raises(Unauthorized):
        portal.restrictedTraverse("@@nr-home")()


# -- the links: user menu and navigation -------------------------------------------


def action_ids(portal, category):
    actions = api.portal.get_tool("portal_actions").listFilteredActionsFor(portal)
    return [a["id"] for a in actions.get(category, ())]


@pytest.mark.parametrize(
    "user_id, shown",
    [
        ("lead", True),
        ("author", True),
        ("reader", True),
        ("auditor", True),
        ("manager", True),
        ("g_reader", False),
        ("g_editor", False),
        ("g_member", False),
    ],
)
def test_links_only_for_people_with_a_programme(portal, work, user_id, shown):
    login(portal, user_id)
    assert ("nr-home" in action_ids(portal, "user")) is shown
    assert ("nr-home" in action_ids(portal, "portal_tabs")) is shown


def test_no_link_for_anonymous(portal, programme):
    logout()
    assert "nr-home" not in action_ids(portal, "portal_tabs")


def test_links_in_the_rendered_page(functional_app, functional_programme):
    _outsiders(functional_programme.__parent__)
    transaction.commit()
    portal_url = functional_programme.__parent__.absolute_url()
    for user_id, shown in (("lead", True), ("g_reader", False)):
        browser = Browser(functional_app)
        browser.handleErrors = False
        browser.addHeader("Authorization", f"Basic {user_id}:{PASSWORD}")
        browser.open(portal_url)
        links = browser.contents.count(f'href="{portal_url}/@@nr-home"')
        assert (links >= 2) is shown, user_id  # the user menu and the navigation


# -- log-in lands on the start page -------------------------------------------------


def log_in(app, portal_url, user_id, came_from=None):
    """Log in through Plone's form over HTTP; returns the page landed on."""
    browser = Browser(app)
    browser.handleErrors = False
    url = f"{portal_url}/login"
    if came_from is not None:
        url += f"?came_from={quote(came_from)}"
    browser.open(url)
    browser.getControl(name="__ac_name").value = user_id
    browser.getControl(name="__ac_password").value = PASSWORD
    browser.getControl(name="buttons.login").click()
    return browser


@pytest.fixture
def site_url(functional_programme):
    _outsiders(functional_programme.__parent__)
    transaction.commit()
    return functional_programme.__parent__.absolute_url()


@pytest.mark.parametrize("user_id", ["lead", "author", "reader"])
def test_login_lands_on_the_start_page(functional_app, site_url, user_id):
    browser = log_in(functional_app, site_url, user_id)
    assert browser.url == f"{site_url}/@@nr-home"
    assert "nr-home-programme" in browser.contents
    # Logging in from the front page is the same.
    browser = log_in(functional_app, site_url, user_id, came_from=site_url)
    assert browser.url == f"{site_url}/@@nr-home"


def test_came_from_another_page_wins(functional_app, site_url, functional_programme):
    target = functional_programme["1"].absolute_url()
    browser = log_in(functional_app, site_url, "lead", came_from=target)
    assert browser.url == target


@pytest.mark.parametrize("user_id", sorted(OUTSIDERS))
def test_login_without_a_programme_keeps_plone_behaviour(
    functional_app, site_url, user_id
):
    browser = log_in(functional_app, site_url, user_id)
    assert browser.url.rstrip("/") == site_url
    assert "@@nr-home" not in browser.contents


# -- the demo site: themed on 127.0.0.1, logins findable -----------------------------


def test_a_plain_install_keeps_plone_unthemed_hosts(portal):
    assert api.portal.get_registry_record(UNTHEMED_HOSTS) == ["127.0.0.1"]
    assert not is_demo_site(portal)


def test_the_demo_site_is_themed_on_every_host(portal, app):
    from collective.nrlabel.commands import _setup_demo
    from zope.component.hooks import setSite

    with api.env.adopt_roles(["Manager"]):
        logins = ensure_demo(portal)
    assert api.portal.get_registry_record(UNTHEMED_HOSTS) == []
    assert ("editor", "editor-demo") in [row[:2] for row in logins]
    assert is_demo_site(portal)
    assert theme_every_host(portal) is False  # idempotent

    # A demo site created before this change: the next `make start` fixes it.
    api.portal.set_registry_record(UNTHEMED_HOSTS, ["127.0.0.1"])
    try:
        _setup_demo(app, portal, created=False)
    finally:
        setSite(portal)
    assert api.portal.get_registry_record(UNTHEMED_HOSTS) == []


def test_demo_users_command_prints_logins():
    nrlabel = Path(sys.executable).parent / "nrlabel"
    result = subprocess.run(
        [str(nrlabel), "demo-users", "--url", "http://127.0.0.1:8080/Plone"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:8080/Plone/@@nr-home" in result.stdout
    for login_name in ("lead", "reviewer", "editor", "contributor", "auditor"):
        assert f"  {login_name:12} {login_name}-demo " in result.stdout
