"""Evidence on screen: the criterion's list, the evidence page and each editor's
drafts. Reviewing is in browser/review.py."""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import review_form_url
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.browser.display import transitions
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.evidence.queries import evidence_of_criterion
from collective.nrlabel.evidence.queries import my_evidence
from collective.nrlabel.evidence.rules import approval
from collective.nrlabel.evidence.rules import EVIDENCE_WORKFLOW
from collective.nrlabel.evidence.rules import is_safe_link
from collective.nrlabel.evidence.rules import supported_criteria
from collective.nrlabel.permissions import AddAction
from collective.nrlabel.permissions import AddEvidence
from collective.nrlabel.permissions import ModifyPortalContent
from collective.nrlabel.permissions import View
from collective.nrlabel.programme_tree import programme_of
from collective.nrlabel.vocabularies import term_title
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView


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
