"""1006 → 1007: intranet documents as evidence. The catalog's ``nr_stale`` index
and columns, the evidence workflow's ``reapprove`` (and ``reject`` from
approved), the "use as evidence" action.

The import steps are declared in ``configure.zcml``; this module does what no
import step can.
"""

from plone import api

import logging


logger = logging.getLogger("collective.nrlabel")


def update_approved_evidence_permissions(context) -> None:
    """The approved state now lets reviewers and the lead review again (re-approve
    or reject evidence whose intranet document changed): existing approved
    evidence gets the new permission map. No evidence is stale yet, and
    readiness reads a missing ``nr_stale`` as "not stale": nothing to reindex."""
    workflow = api.portal.get_tool("portal_workflow")["nr_evidence_workflow"]
    brains = api.content.find(
        portal_type="nr_evidence", review_state="approved", unrestricted=True
    )
    for brain in brains:
        evidence = brain._unrestrictedGetObject()
        if workflow.updateRoleMappingsFor(evidence):
            evidence.reindexObjectSecurity()
    logger.info("Updated the permissions of %d approved evidence items", len(brains))
