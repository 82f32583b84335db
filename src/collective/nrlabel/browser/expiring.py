"""The programme's approved evidence that has expired or expires soon.

The list is the expiry rule's (evidence/expiry.py), read through the catalog as the
current user: whoever may see the programme sees the items they may see.
"""

from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.evidence.expiry import EXPIRED
from collective.nrlabel.evidence.expiry import expiring_evidence
from collective.nrlabel.evidence.expiry import warning_horizon
from collective.nrlabel.permissions import ReviewEvidence
from collective.nrlabel.vocabularies import term_title
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView


class ExpiringEvidenceView(BrowserView):
    """Expired and soon-expiring approved evidence, soonest first."""

    @cached_property
    def horizon(self):
        return localized(warning_horizon(self.context))

    @cached_property
    def can_review(self):
        return api.user.has_permission(ReviewEvidence, obj=self.context)

    def rows(self):
        rows = []
        for brain, status in expiring_evidence(self.context):
            evidence = brain.getObject()
            criterion = evidence.__parent__
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "code": getattr(criterion, "code", ""),
                    "criterion": criterion.Title(),
                    "criterion_url": criterion.absolute_url(),
                    "kind": term_title(
                        "collective.nrlabel.EvidenceKinds",
                        getattr(evidence, "kind", None),
                    ),
                    "valid_until": localized(evidence.valid_until),
                    "expired": status == EXPIRED,
                    "owner": user_name(getattr(criterion, "owner", None)),
                    "submitter": user_name(brain.nr_submitter)
                    or user_name(brain.Creator),
                    "approver": user_name(brain.nr_approver),
                }
            )
        return rows
