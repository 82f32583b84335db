"""1003 → 1004 on a site that already holds a programme: who had Plone's roles on
its Sharing tab keeps their access through the add-on's roles, site-wide roles no
longer find its evidence, and unread catalog columns go."""

from collective.nrlabel.upgrades.v1004 import UNREAD_COLUMNS
from nr_setup import build_programme
from nr_setup import evidence_in_state
from plone import api


PROFILE = "collective.nrlabel:default"


def test_upgrade_converts_roles_and_reindexes_security(portal, setup_tool):
    programme = build_programme(portal)
    pending = evidence_in_state(programme["1"]["1.1"]["1.1.1"], "pending")
    catalog = api.portal.get_tool("portal_catalog")
    # As a 1003 site had them: Plone's Editor given on the Sharing tab, the
    # workflow's old mapping in the catalog, the old metadata columns.
    programme.manage_setLocalRoles("editor", ["Editor"])
    for column in UNREAD_COLUMNS:
        catalog.addColumn(column)
    pending_record = catalog.getrid("/".join(pending.getPhysicalPath()))
    index = catalog._catalog.getIndex("allowedRolesAndUsers")
    index.index_object(pending_record, _Roles(["Reviewer", "Manager"]))
    setup_tool.setLastVersionForProfile(PROFILE, "1003")

    setup_tool.upgradeProfile(PROFILE, dest="1004")

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("1004",)
    assert programme.get_local_roles_for_userid("editor") == ("NR Editor",)
    assert not set(UNREAD_COLUMNS) & set(catalog.schema())
    allowed = index.getEntryForObject(pending_record)
    assert "Reviewer" not in allowed
    assert "NR Reviewer" in allowed


class _Roles:
    """An object whose allowedRolesAndUsers is what an old index held."""

    def __init__(self, roles):
        self.allowedRolesAndUsers = roles
