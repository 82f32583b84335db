"""1001 → 1002: self-assessment, action plan, audits, auditor access, reminders.

The import steps are declared in ``configure.zcml``; this module does what no
import step does.
"""

from collective.nrlabel.action_plan import add_action_plan
from collective.nrlabel.audit.access import install_plugin
from plone import api


NEW_INDEXES = ("nr_owner", "nr_due_date", "nr_finding")


def install_auditor_access(context) -> None:
    """Add the PAS plugin behind time-boxed auditor access (as the installer does)."""
    install_plugin(api.portal.get())


def reindex_new_indexes(context) -> None:
    """Fill the indexes the catalog step added (adding an index indexes nothing)."""
    catalog = api.portal.get_tool("portal_catalog")
    catalog.manage_reindexIndex(ids=list(NEW_INDEXES))


def add_action_plans(context) -> None:
    """Give every existing programme its action plan, as a new programme gets one."""
    for brain in api.content.find(portal_type="nr_programme", unrestricted=True):
        add_action_plan(brain._unrestrictedGetObject())


def reindex_criteria(context) -> None:
    """Catalog the new metadata columns of criteria (applicability, maturity, owner)."""
    for brain in api.content.find(portal_type="nr_criterion", unrestricted=True):
        brain._unrestrictedGetObject().reindexObject()
