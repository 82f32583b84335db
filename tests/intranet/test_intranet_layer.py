"""The existing intranet is what it says, and installing the add-on changed none
of it."""

from plone import api


def test_the_intranet_has_its_add_ons_content_and_people(intranet_integration):
    portal = intranet_integration["portal"]
    setup = api.portal.get_tool("portal_setup")
    for profile in (
        "plone.app.multilingual:default",
        "plone.app.iterate:default",
        "plone.app.discussion:default",
        "collective.nrlabel:default",
    ):
        assert setup.getLastVersionForProfile(profile) != "unknown", profile
    assert {"fr", "en"} <= set(portal.objectIds())
    page = portal["fr"]["politiques"]["politique-nr"]
    assert api.content.get_state(page) == "internally_published"
    workflow = api.portal.get_tool("portal_workflow")
    assert workflow.getChainFor(page) == ("intranet_workflow",)
    assert "Editor" in api.user.get_roles(username="intranet-editor")
