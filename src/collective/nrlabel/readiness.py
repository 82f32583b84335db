"""Readiness for the audit: the one computation behind the dashboard, the
@nr-readiness REST endpoint and the exports, so that they never disagree.

It reads catalog metadata only: a handful of queries per programme, whatever the
amount of evidence, and no object is woken up.

- A criterion is *covered* when it is applicable and has at least one approved
  evidence valid through the date of reference (the end of the next audit's
  window, or today when no audit is planned).
- Traffic light: green (covered), amber (only pending evidence, or approved
  evidence that expires before the date of reference), red (nothing), and
  ``na`` for a criterion that does not apply.
- Readiness % = covered / applicable, per programme, theme and principle.
"""

from collective.nrlabel import clock
from collective.nrlabel.action_plan import OPEN_STATES
from collective.nrlabel.scoring import assessments
from collective.nrlabel.scoring import score_report
from dataclasses import dataclass
from dataclasses import field
from plone import api


GREEN, AMBER, RED, NOT_APPLICABLE = "green", "amber", "red", "na"
UPCOMING_AUDIT_STATES = ("preparation", "in_audit")


@dataclass(frozen=True)
class CriterionReadiness:
    code: str
    title: str
    url: str
    theme: str
    principle: str | None
    applicable: bool
    maturity: int | None
    owner: str | None
    light: str
    approved: int
    pending: int


@dataclass(frozen=True)
class Coverage:
    covered: int
    applicable: int

    @property
    def percent(self):
        return round(100 * self.covered / self.applicable) if self.applicable else None


@dataclass
class Readiness:
    reference_date: str
    next_audit: dict | None
    criteria: list
    total: Coverage
    by_theme: dict
    by_principle: dict
    score: object
    pending_reviews: int
    overdue_actions: int
    expiring_evidence: list = field(default_factory=list)

    def as_dict(self):
        return {
            "reference_date": self.reference_date,
            "next_audit": self.next_audit,
            "readiness": _coverage(self.total),
            "score": self.score.score,
            "predicted_level": self.score.level,
            "pending_reviews": self.pending_reviews,
            "overdue_actions": self.overdue_actions,
            "expiring_evidence": self.expiring_evidence,
            "themes": {
                code: {**_coverage(cov), "score": self.score.by_theme.get(code)}
                for code, cov in self.by_theme.items()
            },
            "principles": {
                code: {**_coverage(cov), "score": self.score.by_principle.get(code)}
                for code, cov in self.by_principle.items()
            },
            "criteria": [
                {
                    "code": c.code,
                    "title": c.title,
                    "@id": c.url,
                    "theme": c.theme,
                    "principle": c.principle,
                    "applicable": c.applicable,
                    "maturity": c.maturity,
                    "owner": c.owner,
                    "light": c.light,
                    "approved_evidence": c.approved,
                    "pending_evidence": c.pending,
                }
                for c in self.criteria
            ],
        }


def _coverage(coverage):
    return {
        "covered": coverage.covered,
        "applicable": coverage.applicable,
        "percent": coverage.percent,
    }


def next_audit_brain(programme):
    brains = api.content.find(
        portal_type="nr_audit",
        review_state=UPCOMING_AUDIT_STATES,
        path="/".join(programme.getPhysicalPath()),
        sort_on="created",
        sort_order="descending",
    )
    return brains[0] if brains else None


def readiness(programme, on=None):
    """Readiness of ``programme`` on ``on`` (default: today)."""
    today = (on or clock.today()).isoformat()
    audit = next_audit_brain(programme)
    reference = (
        audit.nr_window_end if audit is not None and audit.nr_window_end else today
    )
    reference = max(reference, today)
    path = "/".join(programme.getPhysicalPath())
    items = assessments(programme)

    evidence = api.content.find(
        portal_type="nr_evidence",
        review_state=("approved", "pending"),
        path=path,
    )
    valid, expiring, pending, approved = set(), set(), {}, {}
    expiring_evidence = []
    for brain in evidence:
        criteria = brain.nr_criteria or ()
        if brain.review_state == "pending":
            for uid in criteria:
                pending[uid] = pending.get(uid, 0) + 1
            continue
        until = brain.nr_valid_until
        if until and until < today:
            continue  # expired: covers nothing any more
        for uid in criteria:
            approved[uid] = approved.get(uid, 0) + 1
        if until and until < reference:
            expiring.update(criteria)
            expiring_evidence.append(
                {"title": brain.Title, "@id": brain.getURL(), "valid_until": until}
            )
        else:
            valid.update(criteria)

    criteria = []
    for item in items:
        uid = item.uid
        if not item.applicable:
            light = NOT_APPLICABLE
        elif uid in valid:
            light = GREEN
        elif uid in expiring or pending.get(uid):
            light = AMBER
        else:
            light = RED
        criteria.append(
            CriterionReadiness(
                code=item.code,
                title=item.title,
                url=item.url,
                theme=item.theme,
                principle=item.principle,
                applicable=item.applicable,
                maturity=item.maturity,
                owner=item.owner,
                light=light,
                approved=approved.get(uid, 0),
                pending=pending.get(uid, 0),
            )
        )

    by_theme, by_principle = {}, {}
    for c in criteria:
        for key, groups in ((c.theme, by_theme), (c.principle, by_principle)):
            if key is None:
                continue
            covered, applicable = groups.get(key, (0, 0))
            groups[key] = (covered + (c.light == GREEN), applicable + c.applicable)
    overdue = [
        b
        for b in api.content.find(
            portal_type="nr_action", review_state=OPEN_STATES, path=path
        )
        if b.nr_due_date and b.nr_due_date < today
    ]
    return Readiness(
        reference_date=reference,
        next_audit={
            "title": audit.Title,
            "@id": audit.getURL(),
            "state": audit.review_state,
            "window_end": audit.nr_window_end,
        }
        if audit is not None
        else None,
        criteria=criteria,
        total=Coverage(
            sum(c.light == GREEN for c in criteria), sum(c.applicable for c in criteria)
        ),
        by_theme={k: Coverage(*v) for k, v in by_theme.items()},
        by_principle={k: Coverage(*v) for k, v in by_principle.items()},
        score=score_report(programme, items),
        pending_reviews=sum(1 for b in evidence if b.review_state == "pending"),
        overdue_actions=len(overdue),
        expiring_evidence=sorted(expiring_evidence, key=lambda e: e["valid_until"]),
    )
