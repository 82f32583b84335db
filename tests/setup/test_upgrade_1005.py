"""1004 → 1005 on a site that already holds a programme: the start page links,
comments following their item, who may reply on evidence, criteria found by code."""

from AccessControl.Permission import Permission
from nr_setup import build_programme
from nr_setup import evidence_in_state
from plone import api
from Products.DCWorkflow.utils import modifyRolesForPermission


PROFILE = "collective.nrlabel:default"


def test_upgrade_brings_a_1004_site_up_to_date(portal, setup_tool):
    programme = build_programme(portal)
    criterion = programme["1"]["1.1"]["1.1.1"]
    draft = evidence_in_state(criterion, "draft")
    workflow_tool = api.portal.get_tool("portal_workflow")
    actions = api.portal.get_tool("portal_actions")
    catalog = api.portal.get_tool("portal_catalog")
    # As a 1004 site had them: no start page links, Plone's comment workflow,
    # evidence without the "Reply to item" mapping, criteria text without codes.
    for category in ("user", "portal_tabs"):
        actions[category].manage_delObjects(["nr-home"])
    workflow_tool.setChainForPortalTypes(
        ["Discussion Item"], ["comment_one_state_workflow"]
    )
    modifyRolesForPermission(draft, "Reply to item", [])  # list: acquired
    record = catalog.getrid("/".join(criterion.getPhysicalPath()))
    catalog._catalog.getIndex("SearchableText").index_object(record, _Text("old"))
    setup_tool.setLastVersionForProfile(PROFILE, "1004")
    assert catalog.getIndexDataForRID(record)["SearchableText"] == ["old"]

    setup_tool.upgradeProfile(PROFILE, dest="1005")

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("1005",)
    for category in ("user", "portal_tabs"):
        assert "nr-home" in actions[category]
    replying = set(Permission("Reply to item", (), draft).getRoles())
    assert "NR Editor" in replying
    assert "NR Auditor" not in replying
    words = catalog.getIndexDataForRID(record)["SearchableText"]
    assert "old" not in words
    assert {"1", "engagement"} <= set(words)


class _Text:
    """An object whose SearchableText is what a 1004 index held (no code)."""

    def __init__(self, text):
        self.SearchableText = text
