"""Renewal: the next audit starts from the last labelled one."""

from collective.nrlabel import _
from collective.nrlabel.audit.lifecycle import label_expiry
from collective.nrlabel.programme_tree import programme_of
from datetime import timedelta
from plone import api


class RenewalError(ValueError):
    """A renewal cannot start from this audit."""


def default_window(audit):
    """A window one to two months before the label expires."""
    expiry = label_expiry(audit)
    if expiry is None:
        return None, None
    return expiry - timedelta(days=60), expiry - timedelta(days=30)


def start_renewal(audit, window_start=None, window_end=None, title=None):
    """Create the renewal audit; keep the self-assessment, flag it for re-confirmation.

    Still-valid approved evidence carries over as it is (it keeps covering its
    criteria); ``evidence_expired_for`` lists what no longer does.
    """
    if api.content.get_state(audit) not in ("labelled", "expired"):
        raise RenewalError(
            api.portal.translate(
                _(
                    "error_renewal_needs_label",
                    default="A renewal starts from an audit that granted the label.",
                )
            )
        )
    programme = programme_of(audit)
    default_start, default_end = default_window(audit)
    renewal = api.content.create(
        container=programme,
        type="nr_audit",
        title=title
        or api.portal.translate(_("title_renewal_audit", default="Renewal audit")),
        kind="renewal",
        audit_body=audit.audit_body,
        window_start=window_start or default_start,
        window_end=window_end or default_end,
        auditors=[],
        previous_audit_uid=audit.UID(),
    )
    for brain in api.content.find(
        context=programme, portal_type="nr_criterion", unrestricted=True
    ):
        criterion = brain._unrestrictedGetObject()
        criterion.needs_reconfirmation = True
        criterion.reindexObject(idxs=["nr_reconfirm"])
    return renewal


def evidence_expired_for(programme, on):
    """Approved evidence whose validity ended before ``on``: to be renewed."""
    brains = api.content.find(
        context=programme, portal_type="nr_evidence", review_state="approved"
    )
    iso = on.isoformat()
    return [b for b in brains if b.nr_valid_until and b.nr_valid_until < iso]


def evidence_carried_over(programme, on):
    """Approved evidence still valid on ``on``."""
    brains = api.content.find(
        context=programme, portal_type="nr_evidence", review_state="approved"
    )
    iso = on.isoformat()
    return [b for b in brains if not b.nr_valid_until or b.nr_valid_until >= iso]
