"""1005 → 1006 on a site that already holds a programme: the two new permissions,
the one-audit guard, auditors without folder contents, the activity log filled
from the workflow histories."""

from collective.nrlabel.activity import activity
from datetime import date
from nr_setup import add_audit
from nr_setup import build_programme
from nr_setup import evidence_in_state
from plone import api
from zope.annotation.interfaces import IAnnotations


PROFILE = "collective.nrlabel:default"


def listing_roles(programme):
    return {
        r["name"]
        for r in programme.rolesOfPermission("List folder contents")
        if r["selected"]
    }


def test_upgrade_brings_a_1005_site_up_to_date(portal, setup_tool):
    programme = build_programme(portal)
    criterion = programme["1"]["1.1"]["1.1.1"]
    evidence_in_state(criterion, "approved")
    add_audit(programme, date(2026, 1, 1), date(2026, 12, 31))
    workflow = api.portal.get_tool("portal_workflow")["nr_audit_workflow"]
    # As a 1005 site had them: no log, auditors listing folder contents, no guard
    # on starting an audit, no self-assessment or referential-text permission.
    annotations = IAnnotations(programme)
    for key in list(annotations):
        if key.startswith("collective.nrlabel.activity"):
            del annotations[key]
    programme.manage_permission(
        "List folder contents",
        roles=[*listing_roles(programme), "NR Auditor"],
        acquire=0,
    )
    workflow.transitions["start_audit"].guard = None
    portal.manage_permission("collective.nrlabel: Self-assess", roles=[], acquire=0)
    portal.manage_permission(
        "collective.nrlabel: Edit referential text", roles=[], acquire=0
    )
    setup_tool.setLastVersionForProfile(PROFILE, "1005")
    assert activity(programme).total == 0

    setup_tool.upgradeProfile(PROFILE, dest="1006")

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("1006",)
    assert [e.what for e in activity(programme).entries] == [
        "nr_evidence:approve",
        "nr_evidence:submit",
    ]
    assert "NR Auditor" not in listing_roles(programme)
    assert "NR Reader" in listing_roles(programme)
    guard = workflow.transitions["start_audit"].guard
    assert guard is not None and "nr_may_start" in guard.getExprText()
    self_assess = {
        r["name"]
        for r in portal.rolesOfPermission("collective.nrlabel: Self-assess")
        if r["selected"]
    }
    assert "NR Lead" in self_assess
    referential = {
        r["name"]
        for r in portal.rolesOfPermission("collective.nrlabel: Edit referential text")
        if r["selected"]
    }
    assert "NR Lead" not in referential
    assert "Manager" in referential


def test_setup_site_runs_the_pending_upgrades_of_a_kept_site(portal, setup_tool):
    from collective.nrlabel.commands import upgrade_addon

    assert upgrade_addon(portal) is None  # up to date
    setup_tool.setLastVersionForProfile(PROFILE, "1005")
    target = setup_tool.getVersionForProfile(PROFILE)
    assert upgrade_addon(portal) == ("1005", target)
    assert setup_tool.getLastVersionForProfile(PROFILE) == (target,)
