"""Installing and uninstalling the add-on."""

from collective.nrlabel.interfaces import IBrowserLayer
from plone import api

import pytest


PROFILE = "collective.nrlabel:default"
TYPES = (
    "nr_programme",
    "nr_theme",
    "nr_principle",
    "nr_criterion",
    "nr_evidence",
    "nr_action_plan",
    "nr_action",
    "nr_audit",
    "nr_finding",
)
INDEXES = (
    "nr_code",
    "nr_criteria",
    "nr_submitted",
    "nr_owner",
    "nr_due_date",
    "nr_finding",
)


class TestInstall:
    def test_addon_installed(self, installer, package_name):
        assert installer.is_product_installed(package_name) is True

    def test_browserlayer(self, browser_layers):
        assert IBrowserLayer in browser_layers

    def test_profile_version(self, setup_tool):
        assert setup_tool.getLastVersionForProfile(PROFILE) == ("1011",)

    @pytest.mark.parametrize("portal_type", TYPES)
    def test_types(self, portal, portal_type):
        assert portal_type in portal.portal_types.objectIds()

    def test_only_programmes_are_globally_addable(self, portal):
        types = portal.portal_types
        assert types.nr_programme.global_allow is True
        assert types.nr_theme.global_allow is False
        assert types.nr_theme.allowed_content_types == ("nr_principle", "nr_criterion")
        assert types.nr_programme.allowed_content_types == ("nr_theme", "nr_audit")

    @pytest.mark.parametrize(
        "role",
        [
            "NR Lead",
            "NR Reviewer",
            "NR Auditor",
            "NR Editor",
            "NR Contributor",
            "NR Reader",
        ],
    )
    def test_roles(self, portal, role):
        assert role in portal.validRoles()

    @pytest.mark.parametrize("index", INDEXES)
    def test_indexes(self, portal, index):
        catalog = api.portal.get_tool("portal_catalog")
        assert index in catalog.indexes()
        if index != "nr_finding":
            assert index in catalog.schema()

    def test_auditor_access_plugin_active(self, portal):
        from collective.nrlabel.audit.access import PLUGIN_ID
        from Products.PluggableAuthService.interfaces.plugins import IGroupsPlugin

        plugins = portal.acl_users.plugins
        assert PLUGIN_ID in plugins.listPluginIds(IGroupsPlugin)

    def test_settings_control_panel(self, controlpanel_actions):
        assert "nrlabel-settings" in controlpanel_actions

    def test_evidence_is_versioned(self, portal):
        repository = api.portal.get_tool("portal_repository")
        assert "nr_evidence" in repository.getVersionableContentTypes()
        assert "at_edit_autoversion" in repository.getPolicyMap()["nr_evidence"]


class TestUpgrades:
    def test_upgrades_from_1000(self, portal, setup_tool):
        """A site installed at 1000 gets the evidence type, workflow and indexes."""
        catalog = api.portal.get_tool("portal_catalog")
        portal.portal_types.manage_delObjects(["nr_evidence"])
        catalog.delIndex("nr_criteria")
        catalog.delIndex("nr_due_date")
        portal.acl_users.manage_delObjects(["nr_auditor_access"])
        setup_tool.setLastVersionForProfile(PROFILE, "1000")

        setup_tool.upgradeProfile(PROFILE)

        assert setup_tool.getLastVersionForProfile(PROFILE) == ("1011",)
        assert "nr_evidence" in portal.portal_types.objectIds()
        assert "nr_criteria" in catalog.indexes()
        workflow = api.portal.get_tool("portal_workflow")
        assert workflow.getChainForPortalType("nr_evidence") == (
            "nr_evidence_workflow",
        )


class TestUninstall:
    @pytest.fixture(autouse=True)
    def uninstalled(self, installer, package_name):
        installer.uninstall_product(package_name)

    def test_addon_uninstalled(self, installer, package_name):
        assert installer.is_product_installed(package_name) is False

    def test_browserlayer_removed(self, browser_layers):
        assert IBrowserLayer not in browser_layers

    @pytest.mark.parametrize("portal_type", TYPES)
    def test_types_removed(self, portal, portal_type):
        assert portal_type not in portal.portal_types.objectIds()

    @pytest.mark.parametrize("index", INDEXES)
    def test_index_removed(self, portal, index):
        assert index not in api.portal.get_tool("portal_catalog").indexes()

    def test_auditor_access_plugin_removed(self, portal):
        assert "nr_auditor_access" not in portal.acl_users.objectIds()

    @pytest.mark.parametrize("category", ["user", "portal_tabs"])
    def test_start_page_links_removed(self, portal, category):
        assert "nr-home" not in api.portal.get_tool("portal_actions")[category]

    def test_settings_removed(self, portal):
        from plone.registry.interfaces import IRegistry
        from zope.component import getUtility

        registry = getUtility(IRegistry)
        assert "collective.nrlabel.max_upload_mb" not in registry.records


def test_uninstall_refused_while_programmes_exist(portal, installer, package_name):
    with api.env.adopt_roles(["Manager"]):
        api.content.create(container=portal, type="nr_programme", title="P")
    with pytest.raises(ValueError, match="1 NR programme"):
        installer.uninstall_product(package_name)
