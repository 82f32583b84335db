"""The audit freeze: approved evidence cannot change while its programme is audited."""

from collective.nrlabel import _
from collective.nrlabel.audit.lifecycle import audits
from collective.nrlabel.audit.window import IN_AUDIT
from collective.nrlabel.programme_tree import programme_of
from plone import api


def audit_in_progress(programme):
    """Whether an audit of ``programme`` is in progress (one catalog query)."""
    if programme is None:
        return False
    return bool(audits(programme, states=(IN_AUDIT,), unrestricted=True))


def frozen_by_audit(evidence):
    """Whether ``evidence`` is approved while an audit of its programme is in progress."""
    if api.content.get_state(evidence, default=None) != "approved":
        return False
    return audit_in_progress(programme_of(evidence))


FROZEN_MESSAGE = _(
    "error_frozen",
    default="An audit is in progress: approved evidence cannot be changed, reopened "
    "or deleted until it ends. You can still add new evidence.",
)
