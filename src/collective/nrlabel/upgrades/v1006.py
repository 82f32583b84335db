"""1005 → 1006: the NR lead's and the auditor's pages. Self-assessment grid and
referential text kept for administrators, one audit in progress, confirmations,
auditors without folder contents, the activity log.

The import steps (rolemap, workflows) are declared in ``configure.zcml``; this
module does what no import step can.
"""

from collective.nrlabel.activity import backfill
from plone import api

import logging


logger = logging.getLogger("collective.nrlabel")


def backfill_activity_logs(context) -> None:
    """Each existing programme's activity log starts with what its workflow
    histories remember (evidence, audits and actions)."""
    total = 0
    for brain in api.content.find(portal_type="nr_programme", unrestricted=True):
        total += backfill(brain._unrestrictedGetObject())
    logger.info("Filled the activity logs with %d past workflow steps", total)


def refresh_programme_permissions(context) -> None:
    """Apply the programme workflow's permission map again to every programme,
    after the ``workflow`` import step: NR Auditor no longer lists folder
    contents. Items below a programme acquire that permission, so only
    programmes change; ``allowedRolesAndUsers`` depends on View, which did not
    change, so nothing is reindexed."""
    workflow = api.portal.get_tool("portal_workflow")["nr_programme_workflow"]
    changed = 0
    for brain in api.content.find(portal_type="nr_programme", unrestricted=True):
        changed += bool(workflow.updateRoleMappingsFor(brain._unrestrictedGetObject()))
    logger.info("Updated the permissions of %d programmes", changed)
