"""1007 → 1008 on a site as 1007 left it: comments of the whole site bound to
the add-on's workflow, and Plone's site-wide roles allowed to comment on
evidence. The programme-language part runs on tests/intranet/test_multilingual.py
(it needs plone.app.multilingual)."""

from AccessControl.Permission import Permission
from nr_setup import build_programme
from nr_setup import evidence_in_state
from plone import api


PROFILE = "collective.nrlabel:default"
REPLY = "Reply to item"


def test_upgrade_gives_the_comment_workflow_back(portal, setup_tool):
    programme = build_programme(portal)
    draft = evidence_in_state(programme["1"]["1.1"]["1.1.1"], "draft")
    workflow_tool = api.portal.get_tool("portal_workflow")
    # As 1007 had it.
    workflow_tool.setChainForPortalTypes(["Discussion Item"], ["nr_comment_workflow"])
    Permission(REPLY, (), draft).setRoles(("NR Editor", "Manager", "Owner"))
    setup_tool.setLastVersionForProfile(PROFILE, "1007")

    setup_tool.upgradeProfile(PROFILE, dest="1008")

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("1008",)
    assert workflow_tool.getChainForPortalType("Discussion Item") == (
        "comment_one_state_workflow",
    )
    replying = set(Permission(REPLY, (), draft).getRoles())
    assert "NR Editor" in replying
    assert not replying & {"Manager", "Site Administrator", "Owner", "NR Auditor"}
