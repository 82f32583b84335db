"""Views of a programme's referential: programme, theme/principle and criterion."""

from collective.nrlabel.audit.access import AUDITOR_ROLE
from collective.nrlabel.audit.lifecycle import audits
from collective.nrlabel.audit.pack import may_download_pack
from collective.nrlabel.browser.display import level_sentence
from collective.nrlabel.browser.display import localized_steps
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.content.action_plan import ACTION_PLAN_ID
from collective.nrlabel.labelling_steps import labelling_steps
from collective.nrlabel.permissions import AddAudit
from collective.nrlabel.permissions import AddEvidence
from collective.nrlabel.permissions import ReviewEvidence
from collective.nrlabel.permissions import SelfAssess
from collective.nrlabel.permissions import ViewDashboard
from collective.nrlabel.programme_tree import count_by_type
from collective.nrlabel.programme_tree import referential_tree
from collective.nrlabel.referential.model import ReferentialError
from collective.nrlabel.referential.registry import get_referential
from collective.nrlabel.scoring import assessments
from collective.nrlabel.scoring import score_report
from collective.nrlabel.worklist import nr_roles
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView


class AboutView(BrowserView):
    """What the Label NR is, its 6 steps, and the public-procurement caveat."""


class ProgrammeView(BrowserView):
    @cached_property
    def tree(self):
        return referential_tree(self.context)

    @cached_property
    def counts(self):
        counts = count_by_type(self.tree)
        return {
            "themes": counts["nr_theme"],
            "principles": counts["nr_principle"],
            "criteria": counts["nr_criterion"],
        }

    @cached_property
    def referential_title(self):
        try:
            referential = get_referential(self.context.referential)
        except ReferentialError:
            return self.context.referential
        language = api.portal.get_current_language()[:2]
        return referential.text("title", language)

    @cached_property
    def assessments(self):
        return assessments(self.context)

    @cached_property
    def score(self):
        return score_report(self.context, self.assessments)

    def level_sentence(self):
        return level_sentence(self.score.progress)

    def steps(self):
        return localized_steps(labelling_steps(self.context, self.assessments))

    def audits(self):
        return [
            {
                "title": brain.Title,
                "url": brain.getURL(),
                "state": brain.review_state,
                "state_title": state_title(brain.getObject()),
            }
            for brain in audits(self.context)
        ]

    def can_see_dashboard(self):
        return api.user.has_permission(ViewDashboard, obj=self.context)

    def can_review(self):
        return api.user.has_permission(ReviewEvidence, obj=self.context)

    def can_download_pack(self):
        return may_download_pack(self.context)

    def can_add_audit(self):
        return api.user.has_permission(AddAudit, obj=self.context)

    @cached_property
    def can_add_evidence(self):
        """Whoever adds evidence has drafts and rejected items of their own."""
        return api.user.has_permission(AddEvidence, obj=self.context)

    def can_see_expiring(self):
        """The expiring list is for those who renew evidence or review it."""
        return self.can_add_evidence or self.can_review()

    @cached_property
    def is_auditor(self):
        """An auditor on this programme (during the window: the role comes and
        goes with the audit's group) who holds none of the programme's roles
        that work on it: the page leads them to the auditor overview."""
        roles = nr_roles(self.context)
        return AUDITOR_ROLE in roles and not self.can_add_evidence

    def can_see_overview(self):
        """The auditor overview's permission (auditors in their window, the lead)."""
        return may_download_pack(self.context)

    def can_self_assess(self):
        """The self-assessment grid's permission (the lead, administrators)."""
        return api.user.has_permission(SelfAssess, obj=self.context)

    def action_plan_url(self):
        plan = self.context.get(ACTION_PLAN_ID)
        return plan.absolute_url() if plan is not None else None

    def community_entry_date(self):
        value = self.context.community_entry_date
        return api.portal.get_localized_time(value.isoformat()) if value else None


class ReferentialNodeView(BrowserView):
    """A theme or principle with the items below it."""

    @cached_property
    def tree(self):
        return referential_tree(self.context)
