"""Auditor access follows each audit: opened, moved in time, closed, removed."""

from collective.nrlabel.audit.access import forget_audit
from collective.nrlabel.audit.access import record_audit
from collective.nrlabel.migration import importing
from collective.nrlabel.programme_tree import programme_of


def follow_audit(audit, event):
    """Added, edited (window, auditors) or transitioned: record it for the plugin.
    Not during an import: the UID is not yet the audit's, and the import rebuilds
    the mapping once at the end (migration.rebuild_auditor_access)."""
    if importing():
        return
    record_audit(audit)


def forget_removed_audit(audit, event):
    """Removed: its programme is the old parent."""
    if importing():
        return
    forget_audit(audit, programme_of(event.oldParent))
