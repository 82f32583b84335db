"""What the catalog knows of referential items and evidence.

Readiness, dashboards and queues read these indexes and metadata columns instead
of waking objects up.
"""

from collective.nrlabel.content.action import IAction
from collective.nrlabel.content.audit import IAudit
from collective.nrlabel.content.criterion import ICriterion
from collective.nrlabel.content.evidence import IEvidence
from collective.nrlabel.content.referential_item import IReferentialItem
from collective.nrlabel.evidence.intranet import stale_of
from collective.nrlabel.evidence.rules import approval
from collective.nrlabel.evidence.rules import last_action
from collective.nrlabel.evidence.rules import review_state
from collective.nrlabel.evidence.rules import submitter
from collective.nrlabel.evidence.rules import supported_criteria_uids
from collective.nrlabel.relations import related_uids
from plone.indexer import indexer


def _iso(value):
    return value.isoformat() if value else None


@indexer(IReferentialItem)
def nr_code(obj):
    return obj.code


@indexer(ICriterion)
def criterion_searchable_text(obj):
    """Code, title, description and expected evidence, so that searching "1.1.3"
    (the criteria picker, the site search) finds the criterion. Plone splits
    "1.1.3" into words as it splits the query, so the code matches as typed."""
    return " ".join(
        filter(None, (obj.code, obj.Title(), obj.Description(), obj.guidance))
    )


@indexer(ICriterion)
def nr_applicable(obj):
    return obj.applicability != "not_applicable"


@indexer(ICriterion)
def nr_maturity(obj):
    return obj.maturity


@indexer(ICriterion)
def nr_owner(obj):
    return obj.owner


@indexer(ICriterion)
def nr_reconfirm(obj):
    return bool(obj.needs_reconfirmation)


@indexer(IEvidence)
def nr_criteria(obj):
    return supported_criteria_uids(obj)


@indexer(IEvidence)
def nr_valid_until(obj):
    return _iso(obj.valid_until)


@indexer(IEvidence)
def nr_submitter(obj):
    return submitter(obj)


@indexer(IEvidence)
def nr_submitted(obj):
    entry = last_action(obj, "submit")
    return entry["time"].ISO8601() if entry else None


@indexer(IEvidence)
def nr_approver(obj):
    return approval(obj)[0]


def _stale_if_approved(obj):
    """The staleness of approved evidence (a stale draft or rejection is past)."""
    return stale_of(obj) if review_state(obj) == "approved" else None


@indexer(IEvidence)
def nr_stale(obj):
    """Why the intranet item of approved evidence changed since approval (a
    ``STALE_REASONS`` code), None when it did not: index and metadata, so that
    readiness finds stale evidence without waking it (query any code)."""
    stale = _stale_if_approved(obj)
    return stale.reason if stale else None


@indexer(IEvidence)
def nr_stale_since(obj):
    """Since when (ISO 8601) the intranet item of approved evidence changed."""
    stale = _stale_if_approved(obj)
    return stale.since if stale else None


@indexer(IAction)
def action_criteria(obj):
    return related_uids(obj.criteria)


@indexer(IAction)
def nr_due_date(obj):
    return _iso(obj.due_date)


@indexer(IAction)
def nr_finding(obj):
    return obj.finding_uid


@indexer(IAction)
def nr_responsible(obj):
    return obj.responsible


@indexer(IAudit)
def nr_window_end(obj):
    return _iso(obj.window_end)
