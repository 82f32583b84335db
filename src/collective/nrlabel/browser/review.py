"""Reviewing evidence: the transition form, Plone's state menu on evidence and the
review queue."""

from collective.nrlabel import _
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.browser.posting import checked_post
from collective.nrlabel.evidence.queries import review_queue
from collective.nrlabel.evidence.queries import waiting_days
from collective.nrlabel.evidence.rules import EVIDENCE_WORKFLOW
from collective.nrlabel.evidence.rules import is_own_evidence
from collective.nrlabel.evidence.rules import last_action
from collective.nrlabel.evidence.rules import REVIEW_TRANSITIONS
from collective.nrlabel.evidence.rules import transition_refusal
from collective.nrlabel.permissions import ReviewEvidence
from collective.nrlabel.permissions import View
from collective.nrlabel.programme_tree import programme_of
from functools import cached_property
from plone import api
from plone.app.content.browser.content_status_modify import (
    ContentStatusModifyView as BaseContentStatusModifyView,
)
from plone.protect import CheckAuthenticator
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five.browser import BrowserView
from zExceptions import BadRequest
from zExceptions import Unauthorized

import transaction


class TransitionView(BrowserView):
    """Confirm a review transition, with a comment (required to reject)."""

    error = None
    refused = False

    @cached_property
    def transition_id(self):
        return self.request.form.get("transition", "")

    @cached_property
    def transition(self):
        workflow = api.portal.get_tool("portal_workflow")[EVIDENCE_WORKFLOW]
        return workflow.transitions.get(self.transition_id)

    @property
    def comment_required(self):
        return self.transition_id == "reject"

    def __call__(self):
        if not api.user.has_permission(View, obj=self.context):
            # A reviewer following a queue link to evidence that went back to
            # draft (which reviewers do not see) is told, not refused.
            if self.transition_id in REVIEW_TRANSITIONS and api.user.has_permission(
                ReviewEvidence, obj=self.context.__parent__
            ):
                return self.no_longer_possible()
            raise Unauthorized("View")
        refusal = transition_refusal(self.context, self.transition_id)
        if refusal is not None:
            if refusal.kind == "invalid":
                # Someone else was faster, or the link is stale: say what happened.
                return self.no_longer_possible()
            if refusal.kind == "unknown":
                raise BadRequest(api.portal.translate(refusal.reason))
            if api.user.is_anonymous():
                raise Unauthorized(api.portal.translate(refusal.reason))
            # A genuine refusal (segregation of duties, no right): 403, with why.
            self.refused = True
            self.error = api.portal.translate(refusal.reason)
            self.request.response.setStatus(403)
            return self.index()
        if self.request.method == "POST":
            checked_post(self.request)
            if "form.buttons.cancel" in self.request.form:
                return self.request.response.redirect(self.context.absolute_url())
            comment = (self.request.form.get("comment") or "").strip()
            try:
                api.portal.get_tool("portal_workflow").doActionFor(
                    self.context, self.transition_id, comment=comment
                )
            except WorkflowException as error:
                transaction.doom()
                self.error = str(error)
                return self.index()
            api.portal.show_message(
                _(
                    "message_evidence_now",
                    default="${title}: ${state}.",
                    mapping={
                        "title": self.context.Title(),
                        "state": api.portal.translate(state_title(self.context)),
                    },
                ),
                request=self.request,
            )
            return self.request.response.redirect(
                self.context.__parent__.absolute_url()
            )
        return self.index()

    def no_longer_possible(self):
        """Redirect (303) with what became of the evidence: back to the review queue
        for a review, to the evidence otherwise."""
        api.portal.show_message(
            current_state_message(self.context), request=self.request, type="warning"
        )
        programme = programme_of(self.context)
        if (
            self.transition_id in REVIEW_TRANSITIONS
            and programme is not None
            and api.user.has_permission(View, obj=programme)
        ):
            url = f"{programme.absolute_url()}/@@nr-review-queue"
        elif api.user.has_permission(View, obj=self.context):
            url = self.context.absolute_url()
        else:
            url = self.context.__parent__.absolute_url()
        return self.request.response.redirect(url, status=303)


def current_state_message(evidence):
    """What became of ``evidence``: who approved or rejected it and when, else its
    state, in words."""
    state = api.content.get_state(evidence)
    entry = last_action(evidence, REVIEW_ACTION_OF.get(state, ""))
    if entry is not None:
        mapping = {
            "name": user_name(entry.get("actor")),
            "date": localized(entry.get("time")),
        }
        if state == "approved":
            return _(
                "message_already_approved",
                default="Already approved by ${name} on ${date}.",
                mapping=mapping,
            )
        return _(
            "message_already_rejected",
            default="Already rejected by ${name} on ${date}.",
            mapping=mapping,
        )
    return _(
        "message_evidence_now_in_state",
        default="Nothing was done: this evidence is now ${state}.",
        mapping={"state": api.portal.translate(state_title(evidence, state))},
    )


REVIEW_ACTION_OF = {"approved": "approve", "rejected": "reject"}


class ContentStatusModifyView(BaseContentStatusModifyView):
    """Plone's classic status form (the state menu), on evidence.

    A refusal the add-on makes (a rejection without a reason, segregation of
    duties, the audit freeze) is said in a status message, not answered 500.
    """

    def __call__(
        self,
        workflow_action=None,
        comment="",
        effective_date=None,
        expiration_date=None,
        **kwargs,
    ):
        evidence = self.context
        refusal = workflow_action and transition_refusal(evidence, workflow_action)
        if refusal and refusal.kind != "unknown":
            # Plone's form would silently do nothing: say why.
            CheckAuthenticator(self.request)
            if refusal.kind == "invalid":
                return self._back(current_state_message(evidence))
            return self._back(refusal.reason)
        try:
            return super().__call__(
                workflow_action,
                comment,
                effective_date=effective_date,
                expiration_date=expiration_date,
                **kwargs,
            )
        except WorkflowException as error:
            # The rule is the add-on's (subscribers.evidence.require_rejection_reason):
            # undo whatever the form changed and ask for the reason.
            transaction.doom()
            url = None
            if workflow_action == "reject":
                url = f"{evidence.absolute_url()}/@@nr-transition?transition=reject"
            return self._back(str(error), url)

    def _back(self, message, url=None):
        api.portal.show_message(message, request=self.request, type="error")
        return self.request.response.redirect(
            url or self.context.absolute_url(), status=303
        )


class ReviewQueueView(BrowserView):
    """Pending evidence, oldest first, with how long it has waited."""

    def rows(self):
        user_id = api.user.get_current().getId()
        rows = []
        for brain in review_queue(self.context):
            evidence = brain.getObject()
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "code": getattr(evidence.__parent__, "code", ""),
                    "criterion": evidence.__parent__.Title(),
                    "submitter": user_name(brain.nr_submitter),
                    "submitted": localized(brain.nr_submitted),
                    "days": waiting_days(brain.nr_submitted),
                    "own": is_own_evidence(evidence, user_id),
                    "review_url": f"{brain.getURL()}/@@nr-transition?transition=approve",
                    "reject_url": f"{brain.getURL()}/@@nr-transition?transition=reject",
                    "can_review": not transition_refusal(evidence, "approve"),
                }
            )
        return rows
