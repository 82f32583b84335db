"""1004 → 1005: the daily loop. Start page links, fr and en, one name per state,
discussion on evidence, criteria found by code.

The import steps (actions, workflows, registry, types, languages) are declared in
``configure.zcml``; this module does what no import step can.
"""

from plone import api
from plone.base.utils import get_installer

import logging


logger = logging.getLogger("collective.nrlabel")


def install_discussion(context) -> None:
    """plone.app.discussion became a dependency (the thread on evidence)."""
    installer = get_installer(api.portal.get())
    if not installer.is_product_installed("plone.app.discussion"):
        installer.install_product("plone.app.discussion")
        logger.info("Installed plone.app.discussion for the discussion on evidence")


def update_evidence_permissions(context) -> None:
    """The evidence workflow now manages "Reply to item": existing evidence gets
    the per-state mapping; existing comments follow their item."""
    workflow_tool = api.portal.get_tool("portal_workflow")
    count = 0
    for portal_type in ("nr_evidence", "Discussion Item"):
        for brain in api.content.find(portal_type=portal_type, unrestricted=True):
            obj = brain._unrestrictedGetObject()
            for workflow in workflow_tool.getWorkflowsFor(obj):
                workflow.updateRoleMappingsFor(obj)
            obj.reindexObjectSecurity()
            count += 1
    logger.info("Updated the permissions of %d evidence items and comments", count)


def reindex_criteria_text(context) -> None:
    """Criteria are found by their code and expected evidence in searches and in
    the criteria picker."""
    brains = api.content.find(portal_type="nr_criterion", unrestricted=True)
    for brain in brains:
        brain._unrestrictedGetObject().reindexObject(idxs=["SearchableText"])
    logger.info("Reindexed the search text of %d criteria", len(brains))
