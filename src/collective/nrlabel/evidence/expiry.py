"""When approved evidence stops counting: expired, or expiring soon.

One rule behind the badges (criterion, start page, review queue), the per-programme
list of expiring evidence, the approval warning and the reminder mails. "Soon" means
before the end of the next audit's window, or within the ``reminder_days`` setting,
whichever is later: evidence that lapses during the audit is as bad as expired.
"""

from collective.nrlabel import clock
from collective.nrlabel.audit.lifecycle import next_audit
from collective.nrlabel.programme_tree import programme_of
from collective.nrlabel.settings import get_setting
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from plone import api


EXPIRED = "expired"
EXPIRES_SOON = "expires_soon"


def warning_horizon(programme, on=None):
    """The last day of the "expires soon" period for ``programme`` as of ``on``."""
    on = on or clock.today()
    horizon = on + timedelta(days=get_setting("reminder_days"))
    audit = next_audit(programme) if programme is not None else None
    if audit is not None and audit.window_end and audit.window_end > horizon:
        horizon = audit.window_end
    return horizon


def expiry_status(valid_until, on, horizon):
    """``EXPIRED``, ``EXPIRES_SOON`` or None for a validity date (a date, or the
    ISO string the catalog keeps). Valid on its last day, as readiness counts it."""
    if not valid_until:
        return None
    if isinstance(valid_until, str):
        valid_until = date.fromisoformat(valid_until[:10])
    if valid_until < on:
        return EXPIRED
    if valid_until <= horizon:
        return EXPIRES_SOON
    return None


def expiring_evidence(programme, on=None, unrestricted=False):
    """Approved evidence of ``programme`` that has expired or expires soon, as
    ``(brain, status)`` pairs, soonest first."""
    on = on or clock.today()
    horizon = warning_horizon(programme, on)
    brains = api.content.find(
        context=programme,
        portal_type="nr_evidence",
        review_state="approved",
        unrestricted=unrestricted,
    )
    rows = []
    for brain in brains:
        status = expiry_status(brain.nr_valid_until, on, horizon)
        if status is not None:
            rows.append((brain, status))
    rows.sort(key=lambda row: row[0].nr_valid_until)
    return rows


@dataclass(frozen=True)
class ApprovalWarning:
    """Why approving a piece of evidence deserves a second thought: it has
    ``EXPIRED`` or ``EXPIRES_SOON`` (``status``) on ``valid_until``; ``audit_end`` is
    the end of the next audit's window when the evidence lapses before it."""

    status: str
    valid_until: date
    audit_end: date | None = None


def approval_warning(evidence, on=None) -> ApprovalWarning | None:
    """What a reviewer must confirm before approving ``evidence``: that it has
    already expired, or expires soon (the badges' rule), else None.

    Approved evidence that has lapsed, or lapses during the audit, does not cover
    its criteria when it matters: approving it is allowed, but knowingly.
    """
    valid_until = getattr(evidence, "valid_until", None)
    if not valid_until:
        return None
    on = on or clock.today()
    programme = programme_of(evidence)
    status = expiry_status(valid_until, on, warning_horizon(programme, on))
    if status is None:
        return None
    audit = next_audit(programme) if programme is not None else None
    audit_end = getattr(audit, "window_end", None)
    if audit_end is not None and valid_until > audit_end:
        audit_end = None
    return ApprovalWarning(status, valid_until, audit_end)
