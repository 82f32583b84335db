"""1002 → 1003: readiness dashboard, exports and audit pack (permissions, metadata)."""

from plone import api


PROFILE = "profile-collective.nrlabel:default"


def upgrade(context):
    setup = api.portal.get_tool("portal_setup")
    for step in ("rolemap", "catalog"):
        setup.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    # Audits get their window as metadata, which readiness reads.
    for brain in api.content.find(portal_type="nr_audit", unrestricted=True):
        brain._unrestrictedGetObject().reindexObject()
