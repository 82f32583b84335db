"""Uninstalling from Site Setup → Add-ons on an existing intranet (issue #14, 1).

With programmes, the panel's own form is refused before any step, the reason is
shown in the user's language and nothing changed. Without programmes, uninstall
leaves the intranet as it was before install, and installing again works."""

from Acquisition import aq_base
from lxml import html
from nr_setup import build_programme
from nr_setup import evidence_in_state
from nr_setup import session
from plone import api
from plone.app.discussion.interfaces import IConversation
from plone.app.workflow.interfaces import ISharingPageRole
from plone.base.utils import get_installer
from plone.browserlayer.utils import registered_layers
from plone.registry.interfaces import IRegistry
from zope.component import createObject
from zope.component import getUtilitiesFor
from zope.component import getUtility

import pytest
import transaction


PRODUCT = "collective.nrlabel"


# -- the site's state, as an integrator would compare it ------------------------


def _actions(container, prefix=""):
    found = []
    for item in container.objectValues():
        path = f"{prefix}/{item.getId()}"
        found.append(path)
        if hasattr(aq_base(item), "objectValues"):
            found.extend(_actions(item, path))
    return found


def _permissions(portal):
    return {
        key: (type(value).__name__, sorted(value))
        for key, value in aq_base(portal).__dict__.items()
        if key.startswith("_") and key.endswith("_Permission")
    }


def snapshot(portal):
    """Everything install touches: roles, the site root's permission settings,
    versioning, catalog, registry, actions, workflows, types, layers, users."""
    registry = getUtility(IRegistry)
    workflow = api.portal.get_tool("portal_workflow")
    catalog = api.portal.get_tool("portal_catalog")
    repository = api.portal.get_tool("portal_repository")
    return {
        "valid roles": sorted(portal.valid_roles()),
        "site root permissions": _permissions(portal),
        "site root local roles": sorted(portal.get_local_roles()),
        "versionable types": sorted(repository.getVersionableContentTypes()),
        "version policies": sorted(repository.getPolicyMap()),
        "indexes": sorted(catalog.indexes()),
        "metadata": sorted(catalog.schema()),
        "registry": {key: repr(registry[key]) for key in registry.records},
        "actions": sorted(_actions(api.portal.get_tool("portal_actions"))),
        "configlets": sorted(
            a.getId() for a in api.portal.get_tool("portal_controlpanel").listActions()
        ),
        "workflows": sorted(workflow.objectIds()),
        "chains": sorted(workflow.listChainOverrides()),
        "default chain": workflow.getDefaultChain(),
        "types": sorted(api.portal.get_tool("portal_types").objectIds()),
        "layers": sorted(layer.__identifier__ for layer in registered_layers()),
        "acl_users": sorted(portal.acl_users.objectIds()),
        "groups": sorted(group.getId() for group in api.group.get_groups()),
        "sharing roles": sorted(name for name, _ in getUtilitiesFor(ISharingPageRole)),
        "catalog": sorted(
            brain.getPath() for brain in catalog.unrestrictedSearchResults()
        ),
    }


def differences(before, after):
    return {
        key: (before[key], after[key]) for key in before if before[key] != after[key]
    }


def commented_evidence(programme):
    """Evidence with a comment (whose deletion used to leave catalog entries)."""
    evidence = evidence_in_state(programme["1"]["1.1"]["1.1.1"], "draft")
    with api.env.adopt_user(username="author"):
        comment = createObject("plone.Comment")
        comment.text = "Un commentaire"
        IConversation(evidence).addComment(comment)
    return evidence


def no_trace_of_the_add_on(state):
    nr_roles = [role for role in state["valid roles"] if role.startswith("NR ")]
    assert nr_roles == []
    assert not [
        key
        for key, (_, roles) in state["site root permissions"].items()
        if "collective_nrlabel" in key or any(r.startswith("NR ") for r in roles)
    ]
    assert "nr_evidence" not in state["versionable types"]
    assert "nr_evidence" not in state["version policies"]
    assert not [i for i in state["indexes"] + state["metadata"] if i.startswith("nr_")]
    assert not [k for k in state["registry"] if "nrlabel" in k]
    assert not [a for a in state["actions"] if "/nr-" in a]
    assert "nrlabel-settings" not in state["configlets"]
    assert not [w for w in state["workflows"] if w.startswith("nr_")]
    assert not [t for t in state["types"] if t.startswith("nr_")]
    assert not [layer for layer in state["layers"] if "nrlabel" in layer]
    assert "nr_auditor_access" not in state["acl_users"]
    assert not [g for g in state["groups"] if g.startswith("nr-audit-")]
    assert not [r for r in state["sharing roles"] if r.startswith("NR ")]
    assert dict(state["chains"])["Discussion Item"] != ("nr_comment_workflow",)


# -- a clean uninstall, on the intranet ---------------------------------------------


def test_uninstall_restores_the_intranet_and_reinstall_works(intranet_integration):
    portal = intranet_integration["portal"]
    installer = get_installer(portal, intranet_integration["request"])
    with api.env.adopt_roles(["Manager"]):
        assert installer.uninstall_product(PRODUCT)
    uninstalled = snapshot(portal)
    no_trace_of_the_add_on(uninstalled)
    # The intranet's own settings, changed after the first uninstall, are what a
    # later uninstall must give back.
    portal.manage_permission(
        "CMFEditions: Save new version", ["Manager", "Editor"], acquire=False
    )
    api.portal.get_tool("portal_workflow").setChainForPortalTypes(
        ["Discussion Item"], ("comment_review_workflow",)
    )
    api.portal.set_registry_record(
        "plone.app.discussion.interfaces.IDiscussionSettings.anonymous_comments", True
    )
    before_install = snapshot(portal)

    with api.env.adopt_roles(["Manager"]):
        assert installer.install_product(PRODUCT)
        installed = snapshot(portal)
        assert "NR Lead" in installed["valid roles"]
        assert "nr_evidence" in installed["versionable types"]
        programme = build_programme(portal)
        commented_evidence(programme)
        api.content.delete(programme, check_linkintegrity=False)
        assert installer.uninstall_product(PRODUCT)
    after = snapshot(portal)
    assert differences(before_install, after) == {}

    with api.env.adopt_roles(["Manager"]):
        assert installer.install_product(PRODUCT)
        programme = build_programme(portal)
    assert programme["1"]["1.1"]["1.1.1"].portal_type == "nr_criterion"
    chain = api.portal.get_tool("portal_workflow").getChainFor(programme)
    assert chain == ("nr_programme_workflow",)
    with api.env.adopt_user(username="intranet-editor"):
        assert len(api.content.find(portal_type="nr_programme")) == 0


def test_uninstall_without_a_record_of_the_site_still_removes_the_roles(
    intranet_integration,
):
    """A site installed before this version has no record of its settings: the
    add-on's roles and permissions are still taken out."""
    from zope.annotation.interfaces import IAnnotations

    portal = intranet_integration["portal"]
    IAnnotations(portal).pop("collective.nrlabel.site_before_install", None)
    with api.env.adopt_roles(["Manager"]):
        assert get_installer(portal).uninstall_product(PRODUCT)
    no_trace_of_the_add_on(snapshot(portal))


# -- through the Add-ons panel's own form, over HTTP ---------------------------


def _panel(url):
    """A session signed in as a Manager (the Add-ons panel needs *Manage portal*,
    which a Site Administrator lacks), and the panel's uninstall form for the
    add-on with what a browser would post (plone.protect's token included)."""
    browser = session("manager")
    page = browser.get(f"{url}/prefs_install_products_form", timeout=60)
    assert page.status_code == 200
    forms = [
        form
        for form in html.fromstring(page.text).forms
        if dict(form.form_values()).get("uninstall_product") == PRODUCT
    ]
    assert len(forms) == 1, "the add-on is listed once among activated add-ons"
    form = forms[0]
    fields = dict(form.form_values())
    fields["form.submitted"] = "Uninstall"
    assert fields.get("_authenticator"), "the panel's form carries a CSRF token"
    return browser, form.action, fields


def _post(browser, url, action, fields):
    target = action if action.startswith("http") else f"{url}/{action}"
    return browser.post(target, data=fields, timeout=120)


@pytest.fixture
def site_admin(intranet_functional):
    """``site_admin(language)``: the site's Manager (nr_setup's "manager") prefers
    ``language`` (committed for the test server)."""

    def prefer(language):
        member = api.user.get(userid="manager")
        member.setMemberProperties({"language": language})
        transaction.commit()

    return prefer


@pytest.mark.parametrize(
    "language, reason",
    [
        ("fr", "Le Label NR ne peut pas être désinstallé"),
        ("en", "Label NR cannot be uninstalled"),
    ],
)
def test_the_panel_refuses_before_any_step_while_programmes_exist(
    intranet_functional, site_admin, language, reason
):
    portal = intranet_functional["portal"]
    url = portal.absolute_url()
    programme = build_programme(portal)
    commented_evidence(programme)
    api.portal.set_registry_record("plone.default_language", "fr")
    transaction.commit()
    before = snapshot(portal)
    site_admin(language)
    browser, action, fields = _panel(url)

    answer = _post(browser, url, action, fields)

    assert answer.status_code == 200
    assert answer.url.endswith("/prefs_install_products_form")
    assert reason in answer.text
    assert "Programme NR" in answer.text
    transaction.begin()
    assert differences(before, snapshot(portal)) == {}
    assert get_installer(portal).is_product_installed(PRODUCT)
    lead = session("lead")
    for path in ("", "/1/1.1/1.1.1", "/@@nr-dashboard"):
        assert lead.get(programme.absolute_url() + path, timeout=60).status_code == 200


def test_the_panel_uninstalls_once_programmes_are_gone(intranet_functional, site_admin):
    portal = intranet_functional["portal"]
    url = portal.absolute_url()
    programme = build_programme(portal)
    commented_evidence(programme)
    with api.env.adopt_roles(["Manager"]):
        api.content.delete(programme, check_linkintegrity=False)
    site_admin("en")
    browser, action, fields = _panel(url)

    answer = _post(browser, url, action, fields)

    assert answer.status_code == 200
    assert "Uninstalled collective.nrlabel" in answer.text
    transaction.begin()
    assert not get_installer(portal).is_product_installed(PRODUCT)
    no_trace_of_the_add_on(snapshot(portal))
