"""1000 → 1001: evidence (type, workflow, roles, catalog, settings, versioning)."""

from plone import api


PROFILE = "profile-collective.nrlabel:default"
STEPS = (
    "typeinfo",
    "workflow",
    "rolemap",
    "catalog",
    "plone.app.registry",
    "controlpanel",
    "repositorytool",
)
NEW_INDEXES = ("nr_criteria", "nr_submitted")


def upgrade(context):
    setup = api.portal.get_tool("portal_setup")
    for step in STEPS:
        setup.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    catalog = api.portal.get_tool("portal_catalog")
    catalog.manage_reindexIndex(ids=list(NEW_INDEXES))
