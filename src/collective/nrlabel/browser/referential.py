"""Views of a programme's referential: programme, theme/principle and criterion."""

from collective.nrlabel.audit.lifecycle import audits
from collective.nrlabel.audit.pack import may_download_pack
from collective.nrlabel.browser.display import localized_steps
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.content.action_plan import ACTION_PLAN_ID
from collective.nrlabel.labelling_steps import labelling_steps
from collective.nrlabel.permissions import AddAudit
from collective.nrlabel.permissions import ReviewEvidence
from collective.nrlabel.permissions import ViewDashboard
from collective.nrlabel.programme_tree import count_by_type
from collective.nrlabel.programme_tree import referential_tree
from collective.nrlabel.referential.model import ReferentialError
from collective.nrlabel.referential.registry import get_referential
from collective.nrlabel.scoring import assessments
from collective.nrlabel.scoring import score_report
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
