"""No cache keeps a programme's data (issue #14, 6), with plone.app.caching's
with-caching-proxy profile on, as the intranet layer has it.

Over HTTP, as the lead and as an auditor during the audit: every page, export,
download and REST answer of a programme says ``Cache-Control: private,
no-store``, with no public caching, max-age, Expires or validators."""

from collective.nrlabel.testing import INTRANET_PASSWORD
from datetime import date
from nr_setup import add_audit
from nr_setup import add_evidence
from nr_setup import audit_transition
from nr_setup import build_programme
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import relation
from nr_setup import session
from nr_setup import transition
from plone import api

import pytest
import requests
import transaction


TODAY = date(2026, 6, 15)

# (who, path from the programme, asks for JSON): path "/…" is from the site root.
URLS = (
    ("lead", "", False),
    ("lead", "", True),
    ("lead", "/1", False),
    ("lead", "/{criterion}", False),
    ("lead", "/{criterion}", True),
    ("lead", "/{evidence}", False),
    ("lead", "/{evidence}", True),
    ("lead", "/{evidence}/@@download/file", False),
    ("lead", "/{evidence}/@@display-file/file", False),
    ("lead", "/{evidence}/@@history", False),
    ("lead", "/{pinned}/@@nr-pinned", False),
    ("lead", "/@@nr-dashboard", False),
    ("lead", "/@@nr-dashboard?light=red", False),
    ("lead", "/@@nr-matrix.csv", False),
    ("lead", "/@@nr-matrix.xlsx", False),
    ("lead", "/@@nr-audit-pack", False),
    ("lead", "/@nr-readiness", True),
    ("lead", "/@@nr-self-assessment", False),
    ("lead", "/@@nr-activity", False),
    ("lead", "/@@nr-auditor-overview", False),
    ("lead", "/@@nr-review-queue", False),
    ("lead", "/@@nr-expiring-evidence", False),
    ("lead", "/@@nr-auditor-downloads", False),
    ("lead", "/{plan}", False),
    ("lead", "/{audit}", False),
    ("lead", "/{audit}", True),
    ("lead", "//@@nr-home", False),
    ("author", "/@@nr-my-evidence", False),
    ("auditor", "", False),
    ("auditor", "/{evidence}", False),
    ("auditor", "/{evidence}/@@download/file", False),
    ("auditor", "/{pinned}/@@nr-pinned", False),
    ("auditor", "/@@nr-audit-pack", False),
    ("auditor", "/@@nr-auditor-overview", False),
    ("auditor", "/{evidence}", True),
)


@pytest.fixture(autouse=True)
def caching_on(intranet_functional):
    """plone.app.caching's profiles leave caching off until Site Setup turns it
    on: on, with the with-caching-proxy rules the layer imported."""
    api.portal.set_registry_record(
        "plone.caching.interfaces.ICacheSettings.enabled", True
    )
    transaction.commit()


@pytest.fixture
def site(intranet_functional, clock):
    """A programme with approved evidence (a file, and the intranet's policy page
    pinned), an action plan and an audit under way today."""
    clock(TODAY)
    portal = intranet_functional["portal"]
    programme = build_programme(portal)
    criterion = criterion_at(programme, "1.1.1")
    evidence = evidence_in_state(criterion, "approved", title="Charte")
    page = portal["fr"]["politiques"]["politique-nr"]
    pinned = add_evidence(
        criterion, title="Politique", file=None, intranet_item=relation(page)
    )
    transition(pinned, "author", "submit")
    transition(pinned, "reviewer", "approve")
    audit = add_audit(programme, date(2026, 6, 1), date(2026, 6, 30))
    audit_transition(audit, "start_audit")
    transaction.commit()
    base = programme.absolute_url()
    return {
        "portal": portal.absolute_url(),
        "programme": base,
        "criterion": criterion.absolute_url()[len(base) + 1 :],
        "evidence": evidence.absolute_url()[len(base) + 1 :],
        "pinned": pinned.absolute_url()[len(base) + 1 :],
        "plan": next(
            item.getId()
            for item in programme.objectValues()
            if item.portal_type == "nr_action_plan"
        ),
        "audit": audit.getId(),
    }


def url_of(site, path):
    if path.startswith("//"):
        return site["portal"] + path[1:]
    return site["programme"] + path.format(**site)


def assert_private(response):
    headers = response.headers
    cache_control = headers.get("Cache-Control", "")
    directives = {part.strip().split("=")[0] for part in cache_control.split(",")}
    assert {"private", "no-store"} <= directives, (response.url, cache_control)
    assert not directives & {"public", "max-age", "s-maxage"}, cache_control
    for header in ("Expires", "Surrogate-Control", "ETag", "Last-Modified"):
        assert header not in headers, (response.url, header, headers.get(header))


@pytest.mark.parametrize("user_id, path, json", URLS)
def test_programme_data_is_never_cached(site, user_id, path, json):
    browser = session(user_id)
    if json:
        browser.headers["Accept"] = "application/json"
    response = browser.get(url_of(site, path), timeout=120, allow_redirects=False)
    assert response.status_code == 200, (path, response.status_code)
    assert_private(response)


def test_the_caching_proxy_profile_is_on(intranet_functional):
    """The rules under test are the with-caching-proxy profile's: file downloads
    and content views would be cached by a proxy."""
    assert api.portal.get_registry_record(
        "plone.caching.interfaces.ICacheSettings.enabled"
    )
    mapping = api.portal.get_registry_record(
        "plone.caching.interfaces.ICacheSettings.operationMapping"
    )
    assert mapping["plone.content.file"] == "plone.app.caching.moderateCaching"


def test_the_intranet_keeps_its_own_caching(site):
    """The intranet's own pages keep plone.app.caching's rules."""
    response = requests.get(
        site["portal"] + "/fr/politiques/politique-nr",
        auth=("intranet-member", INTRANET_PASSWORD),
        timeout=60,
    )
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
