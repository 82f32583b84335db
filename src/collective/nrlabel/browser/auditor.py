"""The auditor overview (@@nr-auditor-overview): what an auditor may see of a
programme during the audit window, read-only. The content is audit/overview.py's;
this view only puts it into words and dates."""

from collective.nrlabel.audit.access import AUDITOR_ROLE
from collective.nrlabel.audit.overview import auditor_overview
from collective.nrlabel.browser.display import level_sentence
from collective.nrlabel.browser.display import localized
from collective.nrlabel.exports import LIGHT_LABELS
from collective.nrlabel.worklist import nr_roles
from collective.nrlabel.worklist import open_audits
from functools import cached_property
from Products.Five.browser import BrowserView


class AuditorOverviewView(BrowserView):
    """Coverage, criteria, gaps, approved evidence and findings, for auditors
    (ZCML: "Download audit pack", which auditors hold only inside their window)
    and for the lead, who previews what auditors will see."""

    @cached_property
    def overview(self):
        return auditor_overview(self.context)

    @cached_property
    def is_auditor(self):
        return AUDITOR_ROLE in nr_roles(self.context)

    def level_sentence(self):
        return level_sentence(self.overview.score.progress)

    def reference_date(self):
        return localized(self.overview.reference_date)

    def audits(self):
        return [
            {
                "title": audit.title,
                "url": audit.url,
                "start": localized(audit.window_start),
                "end": localized(audit.window_end),
            }
            for audit in open_audits(self.context)
        ]

    def light_label(self, light):
        return LIGHT_LABELS[light]

    def evidence(self, criterion):
        """The approved evidence links of a criterion, dates in the user's format."""
        return [
            {
                "title": link.title,
                "url": link.url,
                "until": localized(link.valid_until),
                "reused": link.reused,
                "home_code": link.home_code,
            }
            for link in criterion.evidence
        ]

    def maturity(self, criterion):
        if criterion.maturity is None:
            return None
        if criterion.maturity_label:
            return f"{criterion.maturity} — {criterion.maturity_label}"
        return str(criterion.maturity)

    def percent(self, group):
        return "—" if group.percent is None else f"{group.percent}\u00a0%"

    def bar_width(self, group):
        return f"width: {group.percent or 0}%"

    def blocks(self):
        """The criteria section as headed blocks: each theme (level 3) with the
        criteria sitting directly in it, then each of its principles (level 4)."""
        blocks = []
        for theme in self.overview.themes:
            blocks.append({"level": 3, "group": theme, "criteria": theme.criteria})
            blocks.extend(
                {"level": 4, "group": p, "criteria": p.criteria}
                for p in theme.principles
            )
        return blocks

    def anchor(self, criterion):
        """The row's id, as the self-assessment grid names its rows."""
        return "criterion-" + criterion.code.replace(".", "-")
