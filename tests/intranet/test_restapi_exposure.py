"""plone.restapi on an existing Classic intranet (issue #14, 7).

Installing the add-on installs plone.restapi's profile: JWT log-in (``@login``)
and *Use REST API* for Anonymous, site-wide (docs/install.md says so). Nothing of
a programme may be reached through it without a role on the programme: not
anonymously, not by the intranet's people with Plone's site-wide roles (Editor,
Contributor, Reviewer, Reader, a group's Reader), not with a JWT token."""

from AccessControl.PermissionRole import rolesForPermissionOn
from collective.nrlabel.testing import INTRANET_PASSWORD
from collective.nrlabel.testing import INTRANET_USERS
from nr_setup import build_programme
from nr_setup import criterion_at
from nr_setup import evidence_in_state

import pytest
import requests
import transaction


REFUSED = {401, 403, 404}
SECRET = "Charte confidentielle zorglub"
# Site Administrators administer programmes by design (permissions.md; Plone's
# administrative roles are the hardening issue's, #7): everyone else.
PEOPLE = [None] + [
    user_id
    for user_id, _, roles in INTRANET_USERS
    if not {"Manager", "Site Administrator"} & set(roles)
]


@pytest.fixture
def site(intranet_functional):
    portal = intranet_functional["portal"]
    programme = build_programme(portal)
    criterion = criterion_at(programme, "1.1.1")
    evidence = {
        state: evidence_in_state(criterion, state, title=f"{SECRET} {state}")
        for state in ("draft", "pending", "approved")
    }
    transaction.commit()
    return {
        "portal": portal.absolute_url(),
        "programme": programme.absolute_url(),
        "path": "/".join(programme.getPhysicalPath()),
        "objects": [programme.absolute_url(), criterion.absolute_url()]
        + [obj.absolute_url() for obj in evidence.values()],
    }


def client(user_id):
    """A JSON session: anonymous, or signed in with a JWT token from ``@login``
    (the way plone.restapi's profile opens), as the intranet's ``user_id``."""
    browser = requests.Session()
    browser.headers["Accept"] = "application/json"
    return browser, user_id


def get(site, browser, user_id, url, **params):
    auth = (user_id, INTRANET_PASSWORD) if user_id else None
    return browser.get(url, params=params, auth=auth, timeout=60)


def test_the_side_effect_is_what_the_docs_say(intranet_functional):
    """Documented in docs/install.md: the REST API is open to Anonymous."""
    portal = intranet_functional["portal"]
    assert "Anonymous" in rolesForPermissionOn("plone.restapi: Use REST API", portal)
    assert "jwt_auth" in portal.acl_users.objectIds()


@pytest.mark.parametrize("user_id", PEOPLE)
def test_nothing_of_a_programme_through_the_rest_api(site, user_id):
    browser, user_id = client(user_id)
    for url in site["objects"]:
        response = get(site, browser, user_id, url)
        assert response.status_code in REFUSED, (url, response.status_code)
        assert SECRET not in response.text
    readiness = get(site, browser, user_id, site["programme"] + "/@nr-readiness")
    assert readiness.status_code in REFUSED
    for params in (
        {"portal_type": "nr_evidence"},
        {"portal_type": "nr_programme"},
        {"path": site["path"]},
        {"SearchableText": "zorglub"},
    ):
        found = get(site, browser, user_id, site["portal"] + "/@search", **params)
        assert found.status_code == 200
        assert found.json()["items_total"] == 0, (user_id, params)


@pytest.mark.parametrize("user_id", [u for u in PEOPLE if u])
def test_a_jwt_token_opens_nothing_either(site, user_id):
    login = requests.post(
        site["portal"] + "/@login",
        json={"login": user_id, "password": INTRANET_PASSWORD},
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert login.status_code == 200
    browser = requests.Session()
    browser.headers["Accept"] = "application/json"
    browser.headers["Authorization"] = "Bearer " + login.json()["token"]
    # The token works: the intranet's internally published page opens.
    page = site["portal"] + "/fr/politiques/politique-nr"
    assert browser.get(page, timeout=60).status_code == 200
    for url in site["objects"] + [site["programme"] + "/@nr-readiness"]:
        assert browser.get(url, timeout=60).status_code in REFUSED, url
    found = browser.get(
        site["portal"] + "/@search", params={"portal_type": "nr_evidence"}, timeout=60
    )
    assert found.json()["items_total"] == 0
