"""Readiness for the audit: the one computation behind the dashboard, the
@nr-readiness REST endpoint and the exports, so that they never disagree.

It reads catalog metadata only: a handful of queries per programme, whatever the
amount of evidence, and no object is woken up.

- A criterion is *covered* when it is applicable and has at least one approved
  evidence valid through the date of reference (the end of the next audit's
  window, or today when no audit is planned).
- Traffic light: green (covered), amber (only pending evidence, approved
  evidence that expires before the date of reference, or approved evidence whose
  intranet item changed since approval: *stale*, never green), red (nothing),
  and ``na`` for a criterion that does not apply.
- Stale evidence comes from the catalog's ``nr_stale`` (reason code) and
  ``nr_stale_since`` metadata (evidence/intranet.py): ``CriterionReadiness.stale``
  counts it per criterion, ``Readiness.stale_evidence`` lists it (title, @id,
  reason, since).
- Expiring evidence: ``expiring_count`` items, the soonest ``EXPIRING_SHOWN``
  listed (soonest first, then by address); ``@@nr-expiring`` lists them all.
- Readiness % = covered / applicable, per programme, theme and principle.
"""

from collective.nrlabel import clock
from collective.nrlabel import evidence_counts
from collective.nrlabel.action_plan import overdue_count
from collective.nrlabel.audit.lifecycle import next_audit_brain
from collective.nrlabel.scoring import assessments
from collective.nrlabel.scoring import score_report
from dataclasses import dataclass
from dataclasses import field
from plone import api


GREEN, AMBER, RED, NOT_APPLICABLE = "green", "amber", "red", "na"
EXPIRING_SHOWN = evidence_counts.EXPIRING_SHOWN


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
    stale: int = 0


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
    # The soonest EXPIRING_SHOWN of them (the whole list is @@nr-expiring's).
    expiring_evidence: list = field(default_factory=list)
    stale_evidence: list = field(default_factory=list)
    expiring_count: int = 0

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
            "expiring_count": self.expiring_count,
            "stale_evidence": self.stale_evidence,
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
                    "stale_evidence": c.stale,
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


def readiness(programme, on=None, items=None) -> Readiness:
    """Readiness of ``programme`` on ``on`` (default: today); ``items``: its
    ``assessments`` when the caller has them already."""
    today = (on or clock.today()).isoformat()
    audit = next_audit_brain(programme)
    reference = max(
        audit.nr_window_end if audit is not None and audit.nr_window_end else today,
        today,
    )
    items = assessments(programme) if items is None else items
    tally = evidence_counts.tally(programme, [i.uid for i in items], today, reference)
    criteria = [_criterion_readiness(item, tally) for item in items]
    by_theme, by_principle = _group_coverage(criteria)
    return Readiness(
        reference_date=reference,
        next_audit=_audit_summary(audit),
        criteria=criteria,
        total=Coverage(
            sum(c.light == GREEN for c in criteria), sum(c.applicable for c in criteria)
        ),
        by_theme=by_theme,
        by_principle=by_principle,
        score=score_report(programme, items),
        pending_reviews=tally.pending_reviews,
        overdue_actions=overdue_count(programme, on),
        expiring_evidence=tally.expiring_items[:EXPIRING_SHOWN],
        expiring_count=tally.expiring_count,
        stale_evidence=sorted(tally.stale_items, key=lambda e: e["since"]),
    )


def _criterion_readiness(item, tally) -> CriterionReadiness:
    uid = item.uid
    if not item.applicable:
        light = NOT_APPLICABLE
    elif uid in tally.valid:
        light = GREEN
    elif uid in tally.expiring or tally.pending.get(uid):
        light = AMBER
    else:
        light = RED
    return CriterionReadiness(
        code=item.code,
        title=item.title,
        url=item.url,
        theme=item.theme,
        principle=item.principle,
        applicable=item.applicable,
        maturity=item.maturity,
        owner=item.owner,
        light=light,
        approved=tally.approved.get(uid, 0),
        pending=tally.pending.get(uid, 0),
        stale=tally.stale.get(uid, 0),
    )


def _group_coverage(criteria) -> tuple[dict, dict]:
    """Coverage per theme and per principle (code → Coverage)."""
    by_theme, by_principle = {}, {}
    for c in criteria:
        for key, groups in ((c.theme, by_theme), (c.principle, by_principle)):
            if key is None:
                continue
            covered, applicable = groups.get(key, (0, 0))
            groups[key] = (covered + (c.light == GREEN), applicable + c.applicable)
    return (
        {k: Coverage(*v) for k, v in by_theme.items()},
        {k: Coverage(*v) for k, v in by_principle.items()},
    )


def _audit_summary(audit) -> dict | None:
    if audit is None:
        return None
    return {
        "title": audit.Title,
        "@id": audit.getURL(),
        "state": audit.review_state,
        "window_end": audit.nr_window_end,
    }


LIGHTS = (GREEN, AMBER, RED, NOT_APPLICABLE)
MATRIX_FILTERS = ("light", "theme", "owner")


def filter_criteria(criteria, light=None, theme=None, owner=None):
    """The criteria matching every given filter (an empty one matches all): the
    rule behind the dashboard's matrix filters and its "uncovered criteria" card,
    so a count and the list it links to never disagree."""
    return [
        c
        for c in criteria
        if (not light or c.light == light)
        and (not theme or c.theme == theme)
        and (not owner or c.owner == owner)
    ]


def matrix_filter_refusal(criteria, light=None, theme=None, owner=None):
    """The first filter whose value the matrix never offers ("light", "theme" or
    "owner"), or None when all are acceptable.

    A refused value is reported rather than ignored: a lead reading a matrix that
    silently ignored ``theme=9`` would believe it is filtered. An owner is
    accepted when a criterion names them or the site knows them (a person may
    own nothing yet and still be chosen).
    """
    if light and light not in LIGHTS:
        return "light"
    if theme and theme not in {c.theme for c in criteria}:
        return "theme"
    known = {c.owner for c in criteria}
    if owner and owner not in known and api.user.get(userid=owner) is None:
        return "owner"
    return None
