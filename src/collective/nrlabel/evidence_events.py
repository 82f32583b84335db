"""Event handlers that keep evidence consistent: file names, rejection reasons,
self-approval by a Manager recorded in the history, catalog up to date.
"""

from collective.nrlabel import _
from collective.nrlabel.evidence_rules import EVIDENCE_WORKFLOW
from collective.nrlabel.evidence_rules import is_own_evidence
from collective.nrlabel.evidence_rules import safe_filename
from plone import api
from Products.CMFCore.WorkflowCore import WorkflowException


REVIEW_TRANSITIONS = ("approve", "reject")


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


def record_manager_self_review(evidence, event):
    """When a Manager reviews evidence they created or submitted, say so in the history."""
    if event.transition is None or event.transition.id not in REVIEW_TRANSITIONS:
        return
    history = evidence.workflow_history.get(EVIDENCE_WORKFLOW)
    if not history:
        return
    entry = history[-1]
    if not is_own_evidence(evidence, entry.get("actor")):
        return
    note = api.portal.translate(
        _(
            "history_manager_self_review",
            default="Reviewed by a Manager who created or submitted this evidence.",
        )
    )
    entry = dict(
        entry, comments=" — ".join(filter(None, [entry.get("comments"), note]))
    )
    evidence.workflow_history[EVIDENCE_WORKFLOW] = history[:-1] + (entry,)


def reindex_after_transition(evidence, event):
    # Submitter and approver are catalog metadata computed from the history.
    evidence.reindexObject()
