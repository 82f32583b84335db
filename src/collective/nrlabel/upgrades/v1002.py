"""1001 → 1002: self-assessment, action plan, audits, auditor access, reminders."""

from collective.nrlabel.action_plan import add_action_plan
from collective.nrlabel.audit.access import install_plugin
from plone import api


PROFILE = "profile-collective.nrlabel:default"
STEPS = ("typeinfo", "workflow", "rolemap", "catalog", "plone.app.registry")
NEW_INDEXES = ("nr_owner", "nr_due_date", "nr_finding")


def upgrade(context):
    setup = api.portal.get_tool("portal_setup")
    for step in STEPS:
        setup.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    install_plugin(api.portal.get())
    catalog = api.portal.get_tool("portal_catalog")
    catalog.manage_reindexIndex(ids=list(NEW_INDEXES))
    for brain in api.content.find(portal_type="nr_programme", unrestricted=True):
        add_action_plan(brain._unrestrictedGetObject())
    # New metadata columns of criteria (applicability, maturity, owner).
    for brain in api.content.find(portal_type="nr_criterion", unrestricted=True):
        brain._unrestrictedGetObject().reindexObject()
