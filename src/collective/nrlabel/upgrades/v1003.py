"""1002 → 1003: readiness dashboard, exports and audit pack (permissions, metadata).

The import steps are declared in ``configure.zcml``; this module does what no
import step does.
"""

from plone import api


def reindex_audits(context) -> None:
    """Catalog the window of existing audits, a new metadata column readiness reads."""
    for brain in api.content.find(portal_type="nr_audit", unrestricted=True):
        brain._unrestrictedGetObject().reindexObject()
