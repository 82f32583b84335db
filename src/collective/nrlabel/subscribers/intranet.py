"""Intranet items as evidence: pin at approval, stale at the first change.

Handlers on any content (edit, move or rename, deletion, workflow step) ask the
relation catalog which approved evidence pins the item (evidence.intranet
``evidence_pinning``: no scan, the cost is independent of the amount of
evidence) and mark it stale; the approver and the submitter are mailed once.
The add-on's own content is skipped at once. Handlers on evidence pin the item
when it is approved or re-approved.
"""

from Acquisition import aq_base
from collective.nrlabel.evidence.intranet import evidence_pinning
from collective.nrlabel.evidence.intranet import keep_pinned_version
from collective.nrlabel.evidence.intranet import mark_stale
from collective.nrlabel.evidence.intranet import pin
from collective.nrlabel.evidence.intranet import pin_of
from collective.nrlabel.evidence.intranet import primary_blob_field
from collective.nrlabel.migration import importing
from collective.nrlabel.notifications import mail_stale
from plone.base.interfaces import IPloneSiteRoot
from zope.container.interfaces import IContainerModifiedEvent


PIN_TRANSITIONS = ("approve", "reapprove")
# Workflow steps that take an item out of readers' sight (Plone's workflows).
PRIVATE_STATES = ("private",)
RETRACT_TRANSITIONS = ("retract",)


def _watched(obj) -> bool:
    """Whether ``obj`` may be an intranet item pinned by evidence."""
    portal_type = getattr(obj, "portal_type", "") or ""
    if importing():
        return False  # an import brings the pins and staleness (migration.py)
    return not portal_type.startswith("nr_") and not IPloneSiteRoot.providedBy(obj)


def _stale(item, reason):
    for evidence in evidence_pinning(item):
        if mark_stale(evidence, reason):
            mail_stale(evidence, reason)


def item_modified(obj, event):
    """Edited: a replaced file, a new CMFEditions version (plone.app.versioning-
    behavior's handler, registered before this one, has saved it), or an edit."""
    if IContainerModifiedEvent.providedBy(event) or not _watched(obj):
        return
    for evidence in evidence_pinning(obj):
        reason = _modification_reason(obj, event, pin_of(evidence))
        if mark_stale(evidence, reason):
            mail_stale(evidence, reason)


def _modification_reason(obj, event, pinned) -> str:
    changed = {
        name
        for description in getattr(event, "descriptions", ()) or ()
        for name in getattr(description, "attributes", ()) or ()
    }
    blob_field = primary_blob_field(obj)
    if blob_field and any(name.split(".")[-1] == blob_field for name in changed):
        return "file_replaced"
    version_id = getattr(obj, "version_id", None)
    if (
        pinned is not None
        and version_id is not None
        and version_id != (pinned.version_id)
    ):
        return "new_version"
    return "edited"


def item_moved(obj, event):
    """Moved or renamed (itself, or a folder above it). Additions and removals
    are moved events too: those are left out."""
    if event.oldParent is None or event.newParent is None or not _watched(obj):
        return
    renamed = aq_base(obj) is aq_base(event.object) and aq_base(
        event.oldParent
    ) is aq_base(event.newParent)
    _stale(obj, "renamed" if renamed else "moved")


def item_will_be_removed(obj, event):
    """Deleted (itself or a folder above it): before the relation breaks, while
    the item can still be found by its int id, and before CMFEditions purges its
    history (the pinned version is kept in the evidence first)."""
    if not _watched(obj):
        return
    for evidence in evidence_pinning(obj):
        keep_pinned_version(evidence)
        if mark_stale(evidence, "deleted"):
            mail_stale(evidence, "deleted")


def item_transitioned(obj, event):
    """Retracted or made private: readers of the approved version lose it."""
    if event.transition is None or not _watched(obj):
        return
    if event.transition.id in RETRACT_TRANSITIONS:
        _stale(obj, "retracted")
    elif getattr(event.new_state, "id", None) in PRIVATE_STATES:
        _stale(obj, "made_private")


def pin_on_approval(evidence, event):
    """Approved or re-approved: pin the version the reviewer saw."""
    if event.transition is None or event.transition.id not in PIN_TRANSITIONS:
        return
    if getattr(evidence, "intranet_item", None) is not None or pin_of(evidence):
        pin(evidence)
