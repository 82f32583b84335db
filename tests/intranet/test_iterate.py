"""plone.app.iterate on an intranet with the add-on: no working copy of NR content.

A check-in replaces the baseline's content while it keeps its workflow state:
approved evidence would change and stay "approved" with its original approver.
So nobody (an NR editor, a Site Administrator, a Manager) may check out or check
in NR content, not even during an audit; the intranet's own pages still can be.
Everything goes over HTTP: the object_buttons action, the check-out form and
plone.restapi's ``@workingcopy``.
"""

from collective.nrlabel.testing import INTRANET_PASSWORD
from datetime import date
from nr_setup import add_audit
from nr_setup import audit_transition
from nr_setup import build_programme
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from plone import api
from plone.app.iterate.interfaces import ICheckinCheckoutPolicy
from plone.app.iterate.interfaces import IObjectCopier

import pytest
import requests
import transaction


# An NR editor of the programme, a Site Administrator of the intranet, a Manager.
PEOPLE = ("editor", "intranet-admin", "manager")
CHECKOUT_FORM = {
    "form.button.Checkout": "Check out",
    "checkout_location": "plone.app.iterate.parent",
}


def credentials(user_id):
    password = INTRANET_PASSWORD if user_id.startswith("intranet-") else PASSWORD
    return (user_id, password)


def token_of(user_id):
    from plone.protect.authenticator import createToken

    with api.env.adopt_user(username=user_id):
        return createToken()


@pytest.fixture
def site(intranet_functional, clock):
    """A programme with approved evidence under a running audit, committed."""
    portal = intranet_functional["portal"]
    clock(date(2026, 3, 2))
    programme = build_programme(portal)
    criterion = programme["1"]["1.1"]["1.1.1"]
    evidence = evidence_in_state(criterion, "approved", title="Charte approuvée")
    audit = add_audit(programme, date(2026, 3, 1), date(2026, 3, 31))
    audit_transition(audit, "start_audit")
    transaction.commit()
    return {
        "portal": portal,
        "programme": programme,
        "criterion": criterion,
        "evidence": evidence,
    }


def snapshot(site):
    """What a check-out or check-in would change."""
    transaction.begin()
    evidence = site["evidence"]
    catalog = api.portal.get_tool("portal_catalog")
    return {
        "items": sorted(site["criterion"].objectIds()),
        "nr_evidence": len(
            catalog.unrestrictedSearchResults(portal_type="nr_evidence")
        ),
        "state": api.content.get_state(evidence),
        "title": evidence.title,
        "modified": evidence.modified(),
        "working_copy": ICheckinCheckoutPolicy(evidence).getWorkingCopy(),
        "history": len(evidence.workflow_history["nr_evidence_workflow"]),
    }


def test_nobody_is_offered_a_check_out_of_nr_content(site):
    evidence = site["evidence"]
    for user_id in PEOPLE:
        page = requests.get(
            evidence.absolute_url(), auth=credentials(user_id), timeout=60
        )
        assert page.status_code == 200, user_id
        assert "@@content-checkout" not in page.text, user_id
        with api.env.adopt_user(username=user_id):
            for obj in (evidence, site["criterion"], site["programme"]):
                control = obj.restrictedTraverse("@@iterate_control")
                assert not control.checkout_allowed(), (user_id, obj)
                actions = api.portal.get_tool("portal_actions").listActionInfos(
                    object=obj, categories=["object_buttons"]
                )
                assert "iterate_checkout" not in {a["id"] for a in actions}


@pytest.mark.parametrize("user_id", PEOPLE)
def test_the_check_out_form_refuses(site, user_id):
    before = snapshot(site)
    response = requests.post(
        f"{site['evidence'].absolute_url()}/@@content-checkout",
        data={**CHECKOUT_FORM, "_authenticator": token_of(user_id)},
        auth=credentials(user_id),
        headers={"Accept-Language": "fr"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 403
    assert "copie de travail" in response.text.lower()
    assert snapshot(site) == before
    assert before["working_copy"] is None


@pytest.mark.parametrize("user_id", PEOPLE)
def test_the_rest_api_refuses(site, user_id):
    before = snapshot(site)
    url = f"{site['evidence'].absolute_url()}/@workingcopy"
    for method in ("POST", "PATCH"):
        response = requests.request(
            method,
            url,
            auth=credentials(user_id),
            headers={"Accept": "application/json", "Accept-Language": "en"},
            timeout=60,
        )
        assert response.status_code == 403, (method, response.text)
        message = response.json()["error"]["message"]
        # In the user's language: French for the NR people, else the request's.
        assert "nouvelle relecture" in message or "new review" in message
    anonymous = requests.post(url, headers={"Accept": "application/json"}, timeout=60)
    assert anonymous.status_code == 401
    assert snapshot(site) == before


def test_a_check_out_by_code_is_refused(site):
    """Whatever calls plone.app.iterate's policy (another add-on, a script)."""
    before = snapshot(site)
    from zExceptions import Forbidden

    with api.env.adopt_roles(["Manager"]):
        policy = ICheckinCheckoutPolicy(site["evidence"])
        with pytest.raises(Forbidden):
            policy.checkout(site["criterion"])
    transaction.abort()
    assert snapshot(site) == before


def test_an_older_working_copy_is_never_checked_in(site):
    """A working copy made before this rule (copied without plone.app.iterate's
    events) cannot replace approved evidence; it can still be cancelled."""
    evidence = site["evidence"]
    with api.env.adopt_roles(["Manager"]):
        working_copy, _relation = IObjectCopier(evidence).copyTo(site["criterion"])
        working_copy.title = "Charte réécrite sans revue"
    transaction.commit()
    before = snapshot(site)
    assert before["working_copy"] is not None
    from collective.nrlabel.working_copies import nr_working_copies

    assert nr_working_copies() == ["/".join(working_copy.getPhysicalPath())]
    for user_id in ("intranet-admin", "manager"):
        form = requests.post(
            f"{working_copy.absolute_url()}/@@content-checkin",
            data={
                "form.button.Checkin": "Check in",
                "checkin_message": "sans revue",
                "_authenticator": token_of(user_id),
            },
            auth=credentials(user_id),
            allow_redirects=False,
            timeout=60,
        )
        assert form.status_code == 403, user_id
        api_call = requests.patch(
            f"{evidence.absolute_url()}/@workingcopy",
            auth=credentials(user_id),
            headers={"Accept": "application/json"},
            timeout=60,
        )
        assert api_call.status_code == 403, user_id
    after = snapshot(site)
    assert after == before
    assert after["title"] == "Charte approuvée"
    cancel = requests.delete(
        f"{evidence.absolute_url()}/@workingcopy",
        auth=credentials("manager"),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert cancel.status_code == 204
    assert snapshot(site)["working_copy"] is None


def test_intranet_pages_can_still_be_checked_out(intranet_functional):
    portal = intranet_functional["portal"]
    page = portal["fr"]["politiques"]["politique-nr"]
    user_id = "intranet-editor"
    shown = requests.get(page.absolute_url(), auth=credentials(user_id), timeout=60)
    assert "@@content-checkout" in shown.text
    response = requests.post(
        f"{page.absolute_url()}/@@content-checkout",
        data={**CHECKOUT_FORM, "_authenticator": token_of(user_id)},
        auth=credentials(user_id),
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302
    transaction.begin()
    assert ICheckinCheckoutPolicy(page).getWorkingCopy() is not None
