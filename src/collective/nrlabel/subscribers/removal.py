"""Deleting commented evidence leaves nothing in the catalog.

When a container of evidence (a criterion, a whole programme) is deleted, the
catalog unindexes the evidence on "will be removed"; then plone.app.discussion,
on "removed", deletes its comments and reindexes the evidence for its comment
count, and the indexing queue turns unindex + reindex into a reindex of an
object that is gone: an orphan entry, found by searches and counted by
anything that reads the catalog. The path is noted while the evidence is still
in the site, and whatever the catalog holds at or under it is removed once the
removal is over.
"""

from plone import api
from plone.uuid.interfaces import IUUID
from Products.CMFCore.indexing import processQueue
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest


REQUEST_KEY = "collective.nrlabel.removed_evidence_paths"


def _removed_paths() -> dict:
    """Paths of the evidence being removed in this request, by UID."""
    request = getRequest()
    if request is None:
        return {}
    return IAnnotations(request).setdefault(REQUEST_KEY, {})


def note_removed_path(evidence, event):
    """On "will be removed": the evidence's path, while it still has one."""
    _removed_paths()[IUUID(evidence, None)] = "/".join(evidence.getPhysicalPath())


def forget_removed(evidence, event):
    """On "removed", after plone.app.discussion's handler for the same item (an
    item's handlers all run before the next item's): uncatalog what is left at
    or under its path (the evidence, its comments)."""
    path = _removed_paths().pop(IUUID(evidence, None), None)
    if path is None:
        return
    processQueue()
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(path={"query": path}):
        catalog.uncatalog_object(brain.getPath())
