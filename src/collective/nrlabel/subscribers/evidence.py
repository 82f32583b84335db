"""Event handlers on evidence: file names, rejection reasons, co-authors, the audit
freeze, administrator overrides in the history, the catalog, review mails."""

from collective.nrlabel import _
from collective.nrlabel.audit.freeze import frozen_by_audit
from collective.nrlabel.audit.freeze import FROZEN_MESSAGE
from collective.nrlabel.evidence.rules import EVIDENCE_WORKFLOW
from collective.nrlabel.evidence.rules import is_override_review
from collective.nrlabel.evidence.rules import record_author
from collective.nrlabel.evidence.rules import safe_filename
from collective.nrlabel.evidence.rules import SEGREGATED_TRANSITIONS
from collective.nrlabel.migration import importing
from collective.nrlabel.notifications import mail_review
from plone import api
from Products.CMFCore.WorkflowCore import WorkflowException
from zExceptions import Forbidden


def sanitise_filename(evidence, event):
    file = getattr(evidence, "file", None)
    if file is not None and file.filename:
        clean = safe_filename(file.filename)
        if clean != file.filename:
            file.filename = clean


def require_rejection_reason(evidence, event):
    """A rejection without a reason is refused (the transition does not happen)."""
    if event.transition is None or event.transition.id != "reject":
        return
    comment = (event.kwargs or {}).get("comment") or ""
    if not comment.strip():
        raise WorkflowException(
            api.portal.translate(
                _(
                    "error_reject_reason_required",
                    default="Say why the evidence is rejected: a reason is required.",
                )
            )
        )


def record_content_author(evidence, event):
    """Whoever changes the evidence's content becomes one of its authors, and so may
    not review it (segregation of duties). Attaching it to one more criterion
    (only "also supports" changed) is reuse, not authorship."""
    changed = {
        name
        for description in getattr(event, "descriptions", ()) or ()
        for name in getattr(description, "attributes", ()) or ()
    }
    if changed == {"supported_criteria"} or importing():
        return  # an import brings the authors (migration.py)
    user = api.user.get_current()
    if user is not None and not api.user.is_anonymous():
        record_author(evidence, user.getId())


def record_override(evidence, event):
    """Mark an administrator override in the review's history entry, so that an
    auditor sees it (``evidence.rules.is_override_review``). Re-approving stale
    intranet evidence is a review too (``SEGREGATED_TRANSITIONS``)."""
    if event.transition is None or event.transition.id not in SEGREGATED_TRANSITIONS:
        return
    history = evidence.workflow_history.get(EVIDENCE_WORKFLOW)
    if not history or not is_override_review(evidence, history[-1].get("actor")):
        return
    entry = history[-1]
    note = api.portal.translate(
        _(
            "history_admin_override",
            default="Administrator override: reviewed by a Manager or Site "
            "Administrator who authored this evidence or has no NR role on it.",
        )
    )
    entry = dict(
        entry, comments=" — ".join(filter(None, [entry.get("comments"), note]))
    )
    evidence.workflow_history[EVIDENCE_WORKFLOW] = history[:-1] + (entry,)


def reindex_after_transition(evidence, event):
    # Submitter and approver are catalog metadata computed from the history.
    evidence.reindexObject()


def refuse_change_when_frozen(evidence, event):
    """Edit and delete of frozen evidence are refused (the transaction aborts)."""
    if frozen_by_audit(evidence) and not importing():
        raise Forbidden(api.portal.translate(FROZEN_MESSAGE))


def mail_about_review(evidence, event):
    """Submitted: tell the reviewers; approved or rejected: tell the submitter."""
    if event.transition is not None:
        mail_review(
            evidence,
            event.transition.id,
            api.user.get_current(),
            (event.kwargs or {}).get("comment") or "",
        )
