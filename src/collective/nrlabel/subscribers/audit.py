"""Auditor access follows each audit: opened, moved in time, closed, removed."""

from collective.nrlabel.audit.access import forget_audit
from collective.nrlabel.audit.access import record_audit
from collective.nrlabel.programme_tree import programme_of


def follow_audit(audit, event):
    """Added, edited (window, auditors) or transitioned: record it for the plugin."""
    record_audit(audit)


def forget_removed_audit(audit, event):
    """Removed: its programme is the old parent."""
    forget_audit(audit, programme_of(event.oldParent))
