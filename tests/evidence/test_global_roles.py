"""Programmes are private to the add-on's roles (hardening, defects 4 and 5).

Intranets hand out Plone's site-wide roles and share their root with every
logged-in user: none of that may open a programme. The NR lead delegates the
add-on's roles on their own programme, and nothing wider. Everything is driven
over HTTP through plone.restapi, as an intranet member would.
"""

from nr_setup import build_programme
from nr_setup import evidence_in_state
from nr_setup import http
from nr_setup import PASSWORD
from plone import api

import pytest
import transaction


GLOBAL_USERS = {
    "g_reader": ["Reader"],
    "g_editor": ["Editor"],
    "g_contributor": ["Contributor"],
    "g_reviewer": [],  # member of Plone's Reviewers group
    "g_member": [],  # only the site-root sharing below
}
DELEGABLE = {"NR Reviewer", "NR Auditor", "NR Editor", "NR Contributor", "NR Reader"}


@pytest.fixture
def site(functional_portal):
    portal = functional_portal
    programme = build_programme(portal)
    criterion = programme["1"]["1.1"]["1.1.1"]
    evidence = {
        state: evidence_in_state(criterion, state, title=f"Preuve {state}")
        for state in ("draft", "pending", "approved", "rejected")
    }
    with api.env.adopt_roles(["Manager"]):
        other = api.content.create(
            container=portal, type="nr_programme", title="Autre programme"
        )
        for user_id, roles in GLOBAL_USERS.items():
            api.user.create(
                username=user_id, email=f"{user_id}@example.org", password=PASSWORD
            )
            if roles:
                api.user.grant_roles(username=user_id, roles=roles)
        api.group.add_user(groupname="Reviewers", username="g_reviewer")
        api.user.create(username="siteadmin", email="sa@example.org", password=PASSWORD)
        api.user.grant_roles(username="siteadmin", roles=["Site Administrator"])
        api.user.create(username="newbie", email="nb@example.org", password=PASSWORD)
        # The intranet shares its root with every logged-in user, and with the
        # intranet's editors: neither may reach into a programme.
        portal.manage_setLocalRoles("AuthenticatedUsers", ["Reader"])
        portal.manage_setLocalRoles("g_member", ["Editor", "Contributor"])
        portal.reindexObjectSecurity()
    transaction.commit()
    return {
        "portal": portal,
        "programme": programme,
        "criterion": criterion,
        "evidence": evidence,
        "other": other,
    }


def evidence_count(criterion):
    transaction.begin()
    return len(criterion.objectIds())


@pytest.mark.parametrize("user_id", sorted(GLOBAL_USERS))
def test_site_wide_roles_read_nothing(site, user_id):
    urls = [site["programme"].absolute_url(), site["criterion"].absolute_url()]
    urls += [obj.absolute_url() for obj in site["evidence"].values()]
    urls.append(site["evidence"]["pending"].absolute_url() + "/@@download/file")
    for url in urls:
        response = http("GET", url, user_id)
        assert response.status_code in (401, 403), (user_id, url, response.status_code)

    found = http(
        "GET",
        site["portal"].absolute_url() + "/@search",
        user_id,
        params={"portal_type": "nr_evidence"},
    )
    assert found.status_code == 200
    assert found.json()["items_total"] == 0
    found = http(
        "GET",
        site["portal"].absolute_url() + "/@search",
        user_id,
        params={"SearchableText": "Preuve"},
    )
    assert found.json()["items_total"] == 0


@pytest.mark.parametrize("user_id", ["g_editor", "g_contributor", "g_member"])
def test_site_wide_editors_change_nothing(site, user_id):
    programme, criterion = site["programme"], site["criterion"]
    draft = site["evidence"]["draft"]
    before = evidence_count(criterion)

    added = http(
        "POST",
        criterion.absolute_url(),
        user_id,
        json={
            "@type": "nr_evidence",
            "title": "Intrus",
            "note": "texte",
            "document_date": "2026-01-10",
        },
    )
    assert added.status_code in (401, 403)
    assert evidence_count(criterion) == before

    for method, url, body in (
        ("PATCH", programme.absolute_url(), {"title": "Piraté"}),
        ("PATCH", draft.absolute_url(), {"title": "Piraté"}),
        ("POST", draft.absolute_url() + "/@workflow/submit", {}),
        ("DELETE", draft.absolute_url(), None),
    ):
        response = http(method, url, user_id, json=body)
        assert response.status_code in (401, 403), (method, url, response.status_code)
    transaction.begin()
    assert programme.Title() == "Programme NR"
    assert draft.Title() == "Preuve draft"
    assert api.content.get_state(draft) == "draft"


def test_site_administrator_review_is_an_override(site):
    pending = site["evidence"]["pending"]
    response = http("POST", pending.absolute_url() + "/@workflow/approve", "siteadmin")
    assert response.status_code == 200
    transaction.begin()
    entry = pending.workflow_history["nr_evidence_workflow"][-1]
    assert entry["action"] == "approve"
    assert entry["actor"] == "siteadmin"
    assert "Administrat" in entry["comments"]  # "Administrator override" / fr


def test_lead_delegates_the_addon_roles(site):
    programme = site["programme"]
    url = programme.absolute_url() + "/@sharing"
    listing = http("GET", url, "lead")
    assert listing.status_code == 200
    offered = {role["id"] for role in listing.json()["available_roles"]}
    assert offered >= DELEGABLE
    assert not offered & {"Manager", "Site Administrator", "NR Lead", "Editor"}

    granted = http(
        "POST",
        url,
        "lead",
        json={
            "entries": [
                {
                    "id": "newbie",
                    "type": "user",
                    "roles": {"NR Reviewer": True, "NR Editor": True},
                }
            ]
        },
    )
    assert granted.status_code == 204
    transaction.begin()
    assert set(programme.get_local_roles_for_userid("newbie")) == {
        "NR Reviewer",
        "NR Editor",
    }

    page = http("GET", programme.absolute_url() + "/@@sharing", "lead")
    assert page.status_code == 200
    assert "insufficient-privileges" not in page.url


def test_lead_delegates_nothing_wider(site):
    programme = site["programme"]
    url = programme.absolute_url() + "/@sharing"
    for role in ("Manager", "Site Administrator", "NR Lead", "Editor", "Reader"):
        http(
            "POST",
            url,
            "lead",
            json={"entries": [{"id": "newbie", "type": "user", "roles": {role: True}}]},
        )
    # Inheritance cannot be switched back on: the site root's sharing stays out.
    http("POST", url, "lead", json={"inherit": True})
    transaction.begin()
    assert programme.get_local_roles_for_userid("newbie") == ()
    assert programme.__ac_local_roles_block__ is True
    assert http("GET", programme.absolute_url(), "g_member").status_code in (401, 403)

    elsewhere = http("GET", site["other"].absolute_url() + "/@sharing", "lead")
    assert elsewhere.status_code in (401, 403)
    refused = http(
        "POST",
        site["other"].absolute_url() + "/@sharing",
        "lead",
        json={
            "entries": [
                {"id": "newbie", "type": "user", "roles": {"NR Reviewer": True}}
            ]
        },
    )
    assert refused.status_code in (401, 403)
    transaction.begin()
    assert site["other"].get_local_roles_for_userid("newbie") == ()


ADDON_VIEWS = (
    "@@nr-dashboard",
    "@@nr-review-queue",
    "@@nr-my-evidence",
    "@@nr-matrix.csv",
    "@@nr-matrix.xlsx",
    "@@nr-audit-pack",
    "@@nr-auditor-downloads",
    "@@nr-expiring-evidence",
    "@@nr-bulk-approve",
    "@nr-readiness",
    "@@sharing",
)


@pytest.mark.parametrize("user_id", ["g_reader", "g_editor", "g_reviewer", "g_member"])
def test_site_wide_roles_open_no_addon_view(site, user_id):
    """The add-on's pages and services of a programme, and the review form of
    pending evidence, refuse whoever holds only Plone's site-wide roles."""
    programme = site["programme"].absolute_url()
    urls = [f"{programme}/{view}" for view in ADDON_VIEWS]
    pending = site["evidence"]["pending"].absolute_url()
    urls.append(f"{pending}/@@nr-transition?transition=approve")
    for url in urls:
        response = http("GET", url, user_id, allow_redirects=False)
        refused = response.status_code in (401, 403) or (
            response.status_code == 302
            and any(
                word in response.headers.get("Location", "")
                for word in ("login", "require_login", "insufficient-privileges")
            )
        )
        assert refused, (user_id, url, response.status_code)
    transaction.begin()
    assert api.content.get_state(site["evidence"]["pending"]) == "pending"
