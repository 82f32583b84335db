"""Evidence on screen: the criterion's list, the evidence page, review transitions,
the review queue and each editor's drafts."""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import review_form_url
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.browser.display import transitions
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.browser.posting import checked_post
from collective.nrlabel.evidence.queries import evidence_of_criterion
from collective.nrlabel.evidence.queries import my_evidence
from collective.nrlabel.evidence.queries import review_queue
from collective.nrlabel.evidence.queries import waiting_days
from collective.nrlabel.evidence.rules import approval
from collective.nrlabel.evidence.rules import EVIDENCE_WORKFLOW
from collective.nrlabel.evidence.rules import is_own_evidence
from collective.nrlabel.evidence.rules import is_safe_link
from collective.nrlabel.evidence.rules import last_action
from collective.nrlabel.evidence.rules import REVIEW_TRANSITIONS
from collective.nrlabel.evidence.rules import supported_criteria
from collective.nrlabel.evidence.rules import transition_refusal
from collective.nrlabel.permissions import AddAction
from collective.nrlabel.permissions import AddEvidence
from collective.nrlabel.permissions import ModifyPortalContent
from collective.nrlabel.permissions import ReviewEvidence
from collective.nrlabel.permissions import View
from collective.nrlabel.programme_tree import programme_of
from collective.nrlabel.vocabularies import term_title
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


def history(evidence):
    """The review history, newest first, for display."""
    workflow = api.portal.get_tool("portal_workflow")[EVIDENCE_WORKFLOW]
    rows = []
    for entry in reversed(evidence.workflow_history.get(EVIDENCE_WORKFLOW, ())):
        action = entry.get("action")
        transition = workflow.transitions.get(action) if action else None
        rows.append(
            {
                "action": _(transition.title)
                if transition
                else _("history_created", default="Created"),
                "actor": user_name(entry.get("actor")),
                "time": localized(entry.get("time"), long_format=True),
                "comments": entry.get("comments") or "",
                "state": state_title(
                    evidence, entry.get("review_state"), EVIDENCE_WORKFLOW
                ),
            }
        )
    return rows


def evidence_row(evidence, criterion=None):
    """Everything a list of evidence shows about one item (object is awake here)."""
    approver, approved = approval(evidence)
    today = clock.today()
    file = evidence.file
    return {
        "title": evidence.Title(),
        "url": evidence.absolute_url(),
        "state": api.content.get_state(evidence),
        "state_title": state_title(evidence),
        "kind": term_title("collective.nrlabel.EvidenceKinds", evidence.kind),
        "document_date": localized(evidence.document_date),
        "valid_until": localized(evidence.valid_until),
        "expired": bool(evidence.valid_until and evidence.valid_until < today),
        "approver": user_name(approver),
        "approved": localized(approved),
        "from_other_criterion": criterion is not None
        and evidence.__parent__ is not None
        and evidence.__parent__.UID() != criterion.UID(),
        "home_code": getattr(evidence.__parent__, "code", ""),
        "download": file
        and f"{evidence.absolute_url()}/@@download/file/{file.filename}",
        "filename": file and file.filename,
        "link": evidence.link if is_safe_link(evidence.link) else None,
        # Stored before links were checked: shown as text, never as a live link.
        "unsafe_link": evidence.link if not is_safe_link(evidence.link) else None,
        "transitions": transitions(evidence, review_form_url),
        "history": history(evidence),
        "can_edit": api.user.has_permission(ModifyPortalContent, obj=evidence),
    }


class CriterionView(BrowserView):
    """A criterion: its guidance and its evidence with state, validity and history."""

    @cached_property
    def evidence(self):
        return [
            evidence_row(brain.getObject(), self.context)
            for brain in evidence_of_criterion(self.context)
        ]

    @cached_property
    def can_add_evidence(self):
        return api.user.has_permission(AddEvidence, obj=self.context)

    def add_url(self):
        return f"{self.context.absolute_url()}/++add++nr_evidence"

    def self_assessment(self):
        from collective.nrlabel.settings import maturity_levels

        criterion = self.context
        levels = maturity_levels()
        maturity = criterion.maturity
        return {
            "applicability": term_title(
                "collective.nrlabel.Applicability", criterion.applicability
            ),
            "maturity": f"{maturity} — {levels[maturity]}"
            if maturity is not None and maturity < len(levels)
            else "—",
            "owner": user_name(criterion.owner) or "—",
            "target_date": localized(criterion.target_date) or "—",
        }

    def can_assess(self):
        return api.user.has_permission(ModifyPortalContent, obj=self.context)

    def can_plan_action(self):
        from collective.nrlabel.action_plan import action_plan

        programme = programme_of(self.context)
        return programme is not None and api.user.has_permission(
            AddAction, obj=action_plan(programme)
        )


class EvidenceView(BrowserView):
    @cached_property
    def row(self):
        return evidence_row(self.context)

    def supported_criteria(self):
        return [
            {"code": c.code, "title": c.Title(), "url": c.absolute_url()}
            for c in supported_criteria(self.context)
            if api.user.has_permission(View, obj=c)
        ]


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


class MyEvidenceView(BrowserView):
    """The current user's drafts and rejected evidence."""

    def rows(self):
        user_id = api.user.get_current().getId()
        rows = []
        for brain in my_evidence(self.context, user_id):
            evidence = brain.getObject()
            last = evidence.workflow_history.get(EVIDENCE_WORKFLOW, ({},))[-1]
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "code": getattr(evidence.__parent__, "code", ""),
                    "criterion": evidence.__parent__.Title(),
                    "state": brain.review_state,
                    "state_title": state_title(
                        None, brain.review_state, EVIDENCE_WORKFLOW
                    ),
                    "reason": last.get("comments", "")
                    if brain.review_state == "rejected"
                    else "",
                    "modified": localized(brain.modified),
                }
            )
        return rows

    def programme(self):
        return programme_of(self.context)

    def owned_criteria(self):
        """Criteria the current user owns (catalog: nr_owner)."""
        return api.content.find(
            context=self.context,
            portal_type="nr_criterion",
            nr_owner=api.user.get_current().getId(),
            sort_on="path",
        )
