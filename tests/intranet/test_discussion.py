"""plone.app.discussion on an intranet with the add-on: comments on evidence follow
the evidence, the intranet's own comments keep the intranet's workflow.

A comment on evidence is seen, and found by @search or the catalog, only by who
may view the evidence (never anonymous, the intranet's users with site-wide
roles, an NR Reader before approval, an auditor outside the audit window); only
the add-on's roles that work on the evidence may comment (not auditors, readers,
anonymous nor Plone's site-wide roles); a workflow step of the evidence
reindexes its comments at once. Everything over HTTP on the functional layer.
"""

from collective.nrlabel.testing import INTRANET_PASSWORD
from collective.nrlabel.testing import INTRANET_USERS
from datetime import date
from nr_setup import add_audit
from nr_setup import audit_transition
from nr_setup import build_programme
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from plone import api
from plone.app.discussion.interfaces import IConversation

import pytest
import requests
import transaction


WINDOW = (date(2026, 6, 1), date(2026, 6, 30))
IN_WINDOW = date(2026, 6, 15)
AFTER_WINDOW = date(2026, 7, 15)
INTRANET = tuple(user_id for user_id, _name, _roles in INTRANET_USERS)
# The intranet's people who may not view a programme: all but its Site
# Administrator (an administrator of the add-on too, who sees the evidence).
INTRANET_OUTSIDERS = tuple(
    user_id for user_id in INTRANET if user_id != "intranet-admin"
)
REFUSED = {401, 403}


def credentials(user_id):
    if user_id is None:
        return None
    password = INTRANET_PASSWORD if user_id.startswith("intranet-") else PASSWORD
    return (user_id, password)


def rest(method, url, user_id, **kwargs):
    return requests.request(
        method,
        url,
        auth=credentials(user_id),
        headers={"Accept": "application/json"},
        timeout=60,
        **kwargs,
    )


def comment(obj, user_id, text):
    """POST @comments on ``obj`` as ``user_id``; returns the response."""
    return rest("POST", f"{obj.absolute_url()}/@comments", user_id, json={"text": text})


def found(portal, user_id, word):
    """How many comments @search gives ``user_id`` for ``word``."""
    response = rest(
        "GET",
        f"{portal.absolute_url()}/@search",
        user_id,
        params={"SearchableText": word, "portal_type": "Discussion Item"},
    )
    assert response.status_code == 200, response.text
    return response.json()["items_total"]


def count(obj):
    transaction.begin()
    return len(IConversation(obj))


def only_comment(obj):
    transaction.begin()
    return list(IConversation(obj).values())[0]


@pytest.fixture
def site(intranet_functional, clock):
    """Draft, pending and approved evidence, each with one comment posted over
    HTTP by someone allowed to; an audit of June with ``ext-auditor``; today is
    in the window."""
    portal = intranet_functional["portal"]
    clock(IN_WINDOW)
    programme = build_programme(portal)
    api.user.create(username="ext-auditor", email="a@sgs.example", password=PASSWORD)
    criterion = programme["1"]["1.1"]["1.1.1"]
    evidence = {
        state: evidence_in_state(criterion, state, title=f"Preuve {state}")
        for state in ("draft", "pending", "approved")
    }
    audit = add_audit(programme, *WINDOW, auditors=["ext-auditor"])
    audit_transition(audit, "start_audit")
    transaction.commit()
    for state, user_id in (
        ("draft", "author"),
        ("pending", "reviewer"),
        ("approved", "reviewer"),
    ):
        response = comment(evidence[state], user_id, f"Note zorglub{state}")
        assert response.status_code == 204, response.text
    transaction.begin()
    return {"portal": portal, "programme": programme, "evidence": evidence}


def test_install_leaves_the_intranet_comment_workflow(site):
    workflow_tool = api.portal.get_tool("portal_workflow")
    assert workflow_tool.getChainForPortalType("Discussion Item") == (
        "comment_one_state_workflow",
    )
    for obj in site["evidence"].values():
        note = only_comment(obj)
        assert workflow_tool.getChainFor(note) == ("nr_comment_workflow",)


def test_a_comment_is_indexed_for_who_sees_the_evidence(site):
    catalog = api.portal.get_tool("portal_catalog")
    for obj in site["evidence"].values():
        note = only_comment(obj)

        def allowed(item):
            rid = catalog.getrid("/".join(item.getPhysicalPath()))
            return set(catalog.getIndexDataForRID(rid)["allowedRolesAndUsers"])

        assert allowed(note) == allowed(obj)
        assert "Anonymous" not in allowed(note)


@pytest.mark.parametrize("user_id", (None, *INTRANET_OUTSIDERS))
def test_anonymous_and_intranet_people_find_no_comment(site, user_id):
    portal = site["portal"]
    for state in ("draft", "pending", "approved"):
        assert found(portal, user_id, f"zorglub{state}") == 0, (user_id, state)
    with api.env.adopt_user(username=user_id or "intranet-member"):
        assert not api.content.find(
            portal_type="Discussion Item", path="/plone/programme-nr"
        )
    for obj in site["evidence"].values():
        response = rest("GET", f"{obj.absolute_url()}/@comments", user_id)
        assert response.status_code in REFUSED, (user_id, response.status_code)


def test_who_sees_the_evidence_finds_its_comments(site):
    """The same rule from the other side: the Site Administrator sees all the
    evidence (an add-on administrator), the lead too; the reviewer all but
    drafts."""
    portal = site["portal"]
    for user_id in ("intranet-admin", "lead"):
        for state in ("draft", "pending", "approved"):
            assert found(portal, user_id, f"zorglub{state}") == 1, (user_id, state)
    assert found(portal, "reviewer", "zorglubdraft") == 0
    assert found(portal, "reviewer", "zorglubpending") == 1


def test_nr_reader_finds_comments_of_approved_evidence_only(site):
    portal = site["portal"]
    assert found(portal, "reader", "zorglubapproved") == 1
    assert found(portal, "reader", "zorglubdraft") == 0
    assert found(portal, "reader", "zorglubpending") == 0


def test_the_auditor_finds_comments_only_in_the_window(site, clock):
    portal = site["portal"]
    assert found(portal, "ext-auditor", "zorglubapproved") == 1
    assert found(portal, "ext-auditor", "zorglubpending") == 0
    clock(AFTER_WINDOW)
    assert found(portal, "ext-auditor", "zorglubapproved") == 0


def test_submitting_evidence_reindexes_its_comments(site):
    portal = site["portal"]
    draft = site["evidence"]["draft"]
    assert found(portal, "reviewer", "zorglubdraft") == 0
    response = rest("POST", f"{draft.absolute_url()}/@workflow/submit", "author")
    assert response.status_code == 200, response.text
    assert found(portal, "reviewer", "zorglubdraft") == 1
    assert found(portal, "reader", "zorglubdraft") == 0


# Who may not comment: anonymous, every intranet user (incl. the Site
# Administrator), an NR Reader, the auditor during the audit.
OUTSIDERS = (None, *INTRANET, "reader", "ext-auditor")


@pytest.mark.parametrize("user_id", OUTSIDERS)
def test_outsiders_cannot_comment(site, user_id):
    for state in ("pending", "approved"):
        evidence = site["evidence"][state]
        before = count(evidence)
        response = comment(evidence, user_id, "Intrusion")
        assert response.status_code in REFUSED | {400}, (user_id, state)
        assert count(evidence) == before, (user_id, state)


def test_the_comment_form_refuses_a_site_administrator(site):
    from plone.protect.authenticator import createToken

    evidence = site["evidence"]["pending"]
    before = count(evidence)
    with api.env.adopt_user(username="intranet-admin"):
        token = createToken()
    response = requests.post(
        f"{evidence.absolute_url()}/@@view",
        data={
            "form.widgets.text": "Intrusion",
            "form.widgets.in_reply_to": "",
            "form.buttons.comment": "Commenter",
            "_authenticator": token,
        },
        auth=credentials("intranet-admin"),
        allow_redirects=False,
        timeout=60,
    )
    assert count(evidence) == before
    assert "Intrusion" not in response.text


def test_the_people_of_the_evidence_may_comment(site):
    approved = site["evidence"]["approved"]
    before = count(approved)
    for user_id in ("author", "contributor", "lead", "reviewer2"):
        assert comment(approved, user_id, f"Avis de {user_id}").status_code == 204
    assert count(approved) == before + 4


def test_a_site_wide_reviewer_cannot_moderate_comments_on_evidence(site):
    """Plone gives "Delete comments" to site-wide Reviewers; on evidence the
    add-on's comment workflow keeps it to the lead and administrators."""
    from plone.protect.authenticator import createToken

    evidence = site["evidence"]["approved"]
    note = only_comment(evidence)
    with api.env.adopt_user(username="intranet-editor"):
        token = createToken()
        assert not api.user.has_permission("Delete comments", obj=note)
    response = requests.post(
        f"{note.absolute_url()}/@@moderate-delete-comment",
        data={"_authenticator": token},
        auth=credentials("intranet-editor"),
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code in REFUSED | {302}
    assert count(evidence) == 1


# -- The intranet's own comments -----------------------------------------------------


@pytest.fixture
def page(intranet_functional):
    portal = intranet_functional["portal"]
    page = portal["fr"]["politiques"]["politique-nr"]
    with api.env.adopt_roles(["Manager"]):
        page.allow_discussion = True
    transaction.commit()
    return page


def test_intranet_comments_keep_their_workflow(intranet_functional, page):
    portal = intranet_functional["portal"]
    response = comment(page, "intranet-member", "Avis zorglubintranet")
    assert response.status_code == 204, response.text
    note = only_comment(page)
    workflow_tool = api.portal.get_tool("portal_workflow")
    assert workflow_tool.getChainFor(note) == ("comment_one_state_workflow",)
    assert api.content.get_state(note) == "published"
    assert found(portal, "intranet-reader", "zorglubintranet") == 1


def test_an_intranet_that_moderates_comments_keeps_moderating(
    intranet_functional, page
):
    """comment_review_workflow on the intranet: its comments wait for a
    moderator; comments on evidence still follow the evidence."""
    portal = intranet_functional["portal"]
    workflow_tool = api.portal.get_tool("portal_workflow")
    workflow_tool.setChainForPortalTypes(
        ["Discussion Item"], ["comment_review_workflow"]
    )
    programme = build_programme(portal)
    evidence = evidence_in_state(programme["1"]["1.1"]["1.1.1"], "pending")
    transaction.commit()
    assert comment(page, "intranet-member", "À modérer").status_code == 204
    assert comment(evidence, "reviewer", "Sur la preuve").status_code == 204
    intranet_note = only_comment(page)
    evidence_note = only_comment(evidence)
    assert workflow_tool.getChainFor(intranet_note) == ("comment_review_workflow",)
    assert api.content.get_state(intranet_note) == "pending"
    assert workflow_tool.getChainFor(evidence_note) == ("nr_comment_workflow",)
    assert api.content.get_state(evidence_note) == "published"


# -- Existing sites (upgrade 1008) and the uninstall ----------------------------------


def add_comment(obj, user_id, text):
    from zope.component import createObject

    note = createObject("plone.Comment")
    note.text = text
    note.creator = user_id
    with api.env.adopt_user(username=user_id):
        comment_id = IConversation(obj).addComment(note)
    return IConversation(obj)[comment_id]


def test_upgrade_gives_the_intranet_its_comment_workflow_back(
    intranet_functional, page
):
    """A 1005 site bound every comment to nr_comment_workflow."""
    from collective.nrlabel.evidence.comments import restore_comment_chain

    portal = intranet_functional["portal"]
    workflow_tool = api.portal.get_tool("portal_workflow")
    workflow_tool.setChainForPortalTypes(["Discussion Item"], ["nr_comment_workflow"])
    programme = build_programme(portal)
    evidence = evidence_in_state(programme["1"]["1.1"]["1.1.1"], "draft")
    evidence_note = add_comment(evidence, "author", "Sur la preuve")
    intranet_note = add_comment(page, "intranet-member", "Sur la page")
    assert workflow_tool.getChainFor(intranet_note) == ("nr_comment_workflow",)

    assert restore_comment_chain() == 2

    assert workflow_tool.getChainForPortalType("Discussion Item") == (
        "comment_one_state_workflow",
    )
    assert workflow_tool.getChainFor(intranet_note) == ("comment_one_state_workflow",)
    assert workflow_tool.getChainFor(evidence_note) == ("nr_comment_workflow",)
    with api.env.adopt_user(username="intranet-reader"):
        found_paths = {
            b.getPath() for b in api.content.find(portal_type="Discussion Item")
        }
    assert "/".join(intranet_note.getPhysicalPath()) in found_paths
    assert "/".join(evidence_note.getPhysicalPath()) not in found_paths


def test_the_uninstall_can_uncatalog_comments_of_nr_content(intranet_functional, page):
    from collective.nrlabel.evidence.comments import nr_comment_paths
    from collective.nrlabel.evidence.comments import uncatalog_nr_comments

    portal = intranet_functional["portal"]
    programme = build_programme(portal)
    evidence = evidence_in_state(programme["1"]["1.1"]["1.1.1"], "draft")
    evidence_note = add_comment(evidence, "author", "Sur la preuve")
    intranet_note = add_comment(page, "intranet-member", "Sur la page")
    evidence_path = "/".join(evidence_note.getPhysicalPath())
    assert nr_comment_paths() == [evidence_path]
    assert uncatalog_nr_comments() == 1
    catalog = api.portal.get_tool("portal_catalog")
    paths = {
        b.getPath()
        for b in catalog.unrestrictedSearchResults(portal_type="Discussion Item")
    }
    assert paths == {"/".join(intranet_note.getPhysicalPath())}
