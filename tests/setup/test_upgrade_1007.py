"""1006 → 1007 on a site that already holds approved evidence: the catalog knows
``nr_stale`` and reviewers may review approved evidence again."""

from AccessControl.Permission import Permission
from collective.nrlabel.permissions import ReviewEvidence
from nr_setup import build_programme
from nr_setup import evidence_in_state
from plone import api


PROFILE = "collective.nrlabel:default"


def test_upgrade_brings_a_1006_site_up_to_date(portal, setup_tool):
    programme = build_programme(portal)
    evidence = evidence_in_state(programme["1"]["1.1"]["1.1.1"], "approved")
    Permission(ReviewEvidence, (), evidence).setRoles(())  # as a 1006 site had it
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delIndex("nr_stale")
    actions = api.portal.get_tool("portal_actions")
    actions.document_actions.manage_delObjects(["nr-use-as-evidence"])
    setup_tool.setLastVersionForProfile(PROFILE, "1006")

    setup_tool.upgradeProfile(PROFILE, dest="1007")

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("1007",)
    assert "nr_stale" in catalog.indexes()
    roles = set(Permission(ReviewEvidence, (), evidence).getRoles())
    assert {"NR Reviewer", "NR Lead"} <= roles
    workflow = api.portal.get_tool("portal_workflow")["nr_evidence_workflow"]
    assert "reapprove" in workflow.transitions
    assert "nr-use-as-evidence" in actions.document_actions
