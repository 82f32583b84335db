"""Comments (plone.app.discussion) on the add-on's content follow that content.

Only evidence allows comments. A comment on NR content gets the add-on's
``nr_comment_workflow`` through a workflow-chain adapter (``NRCommentChain``),
whatever the site binds to "Discussion Item": its View and Access contents
information are acquired from the evidence, so the catalog's
``allowedRolesAndUsers`` of a comment is the evidence's and a search finds it
only for people who may view the evidence; the moderation permissions are the
add-on's. Every other comment of the intranet keeps the intranet's own comment
workflow (``comment_one_state_workflow``, ``comment_review_workflow``, …).

Who may reply is the evidence workflow's "Reply to item" (the add-on's roles
that work on the evidence; never auditors, readers, anonymous, nor Plone's
site-wide roles).
"""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from collective.nrlabel.nr_content import is_nr_content
from collective.nrlabel.nr_content import NR_TYPES
from plone import api
from plone.app.discussion.interfaces import IComment
from plone.app.discussion.interfaces import IConversation
from plone.base.interfaces import IWorkflowChain
from Products.CMFCore.interfaces import IWorkflowTool
from Products.CMFPlacefulWorkflow.adapter import PlacefulWorkflowChain
from Products.CMFPlacefulWorkflow.interfaces import IPlacefulMarker
from Products.CMFPlone.workflow import ToolWorkflowChain
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.interface import implementer

import logging


logger = logging.getLogger("collective.nrlabel")

COMMENT_WORKFLOW = "nr_comment_workflow"
# What plone.app.discussion binds, and what the add-on's uninstall restored.
PLONE_COMMENT_WORKFLOW = "comment_one_state_workflow"
CONVERSATION_KEY = "plone.app.discussion:conversation"
CONVERSATION_STEP = "/++conversation++default/"


def commented_item(comment):
    """The content item whose conversation holds ``comment`` (None if unknown)."""
    conversation = aq_parent(aq_inner(comment))
    if conversation is None:
        conversation = getattr(aq_base(comment), "__parent__", None)
    if conversation is None:
        return None
    item = aq_parent(aq_inner(conversation))
    if item is None:
        item = getattr(aq_base(conversation), "__parent__", None)
    return item


def is_nr_comment(comment) -> bool:
    """Whether ``comment`` comments an NR item (evidence)."""
    return is_nr_content(commented_item(comment))


@adapter(IComment, IWorkflowTool)
@implementer(IWorkflowChain)
def NRCommentChain(comment, tool):
    """The add-on's comment workflow for comments on NR content; the site's own
    chain (placeful or by type) for every other comment."""
    if is_nr_comment(comment) and tool.getWorkflowById(COMMENT_WORKFLOW):
        return (COMMENT_WORKFLOW,)
    if IPlacefulMarker.providedBy(tool):
        return PlacefulWorkflowChain(comment, tool)
    return ToolWorkflowChain(comment, tool)


def comments_of(obj) -> list:
    """The comments on ``obj`` (wrapped), without creating a conversation."""
    try:
        annotations = IAnnotations(obj)
    except TypeError:
        return []
    if CONVERSATION_KEY not in annotations:
        return []
    return list(IConversation(obj).values())


def reindex_comments_security(obj) -> int:
    """Re-apply the comment workflow to the comments on ``obj`` and reindex who
    may see them: after a workflow step or a sharing change of the evidence."""
    workflow_tool = api.portal.get_tool("portal_workflow")
    comments = comments_of(obj)
    for comment in comments:
        for workflow in workflow_tool.getWorkflowsFor(comment):
            workflow.updateRoleMappingsFor(comment)
        comment.reindexObjectSecurity()
    return len(comments)


def reindex_after_transition(obj, event) -> None:
    """Subscriber (evidence, ``IAfterTransitionEvent``): its comments' catalog
    security follows the new state at once (submit, approve, reject, …)."""
    reindex_comments_security(obj)


def nr_comment_paths() -> list:
    """Catalog paths of comments whose item is NR content, or whose item is gone
    (orphans): what an uninstall must uncatalog. Works from catalog data only,
    so it also finds entries whose objects can no longer be loaded."""
    catalog = api.portal.get_tool("portal_catalog")
    paths = []
    for brain in catalog.unrestrictedSearchResults(portal_type="Discussion Item"):
        path = brain.getPath()
        item_path = path.split(CONVERSATION_STEP)[0]
        items = catalog.unrestrictedSearchResults(path={"query": item_path, "depth": 0})
        if not items or items[0].portal_type in NR_TYPES:
            paths.append(path)
    return paths


def uncatalog_nr_comments() -> int:
    """Remove the catalog entries of comments on NR content (and orphans); for
    the uninstall. The comments themselves live in their items' annotations and
    go with them."""
    catalog = api.portal.get_tool("portal_catalog")
    paths = nr_comment_paths()
    for path in paths:
        catalog.uncatalog_object(path)
    return len(paths)


# -- Upgrade 1008: comments of the intranet get their own workflow back ------------


def restore_comment_chain(context=None) -> int:
    """Profile 1005 bound every "Discussion Item" to ``nr_comment_workflow``;
    now only comments on NR content use it (``NRCommentChain``). Give the
    intranet's comments Plone's ``comment_one_state_workflow`` back (a site that
    chose another comment workflow since keeps it), then re-apply each comment's
    workflow and reindex its security and state."""
    workflow_tool = api.portal.get_tool("portal_workflow")
    chain = workflow_tool.getChainForPortalType("Discussion Item")
    if chain == (COMMENT_WORKFLOW,) and PLONE_COMMENT_WORKFLOW in workflow_tool:
        workflow_tool.setChainForPortalTypes(
            ["Discussion Item"], [PLONE_COMMENT_WORKFLOW]
        )
        logger.info("Comments of the site: %s again", PLONE_COMMENT_WORKFLOW)
    count = 0
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="Discussion Item"):
        comment = brain._unrestrictedGetObject()
        for workflow in workflow_tool.getWorkflowsFor(comment):
            workflow.updateRoleMappingsFor(comment)
        comment.reindexObject()
        count += 1
    logger.info("Re-applied the workflow of %d comments", count)
    return count


def update_evidence_reply(context=None) -> int:
    """The evidence workflow's "Reply to item" lost Plone's site-wide roles and
    Owner: apply the new mapping to existing evidence."""
    workflow_tool = api.portal.get_tool("portal_workflow")
    brains = api.content.find(portal_type="nr_evidence", unrestricted=True)
    for brain in brains:
        obj = brain._unrestrictedGetObject()
        for workflow in workflow_tool.getWorkflowsFor(obj):
            workflow.updateRoleMappingsFor(obj)
    logger.info("Updated who may comment on %d evidence items", len(brains))
    return len(brains)
