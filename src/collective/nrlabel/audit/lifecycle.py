"""Dates of a labelling cycle: label expiry and the audits of a programme."""

from collective.nrlabel import clock
from collective.nrlabel.index_sets import IndexSets
from collective.nrlabel.settings import get_setting
from plone import api


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def label_expiry(audit):
    """When the label granted by ``audit`` expires (granted + validity), or None."""
    granted = getattr(audit, "granted_date", None)
    if not granted:
        return None
    return add_years(granted, get_setting("validity_years"))


def has_expired(audit, on=None):
    expiry = label_expiry(audit)
    return expiry is not None and expiry < (on or clock.today())


AUDIT_TYPE = "nr_audit"
# The audits whose window matters now: the next one, or the one in progress.
UPCOMING_AUDIT_STATES = ("preparation", "in_audit")


def audits(programme, states=None, unrestricted=False):
    """Brains of ``programme``'s audits (``None``: the whole site's), the most
    recent first. The one audit query of the add-on; a programme's from the
    index sets, so that its cost does not grow with the evidence (workflow
    guards ask it on every review)."""
    query = {"review_state": states} if states else {}
    if programme is None:
        return api.content.find(
            portal_type=AUDIT_TYPE,
            sort_on="created",
            sort_order="descending",
            unrestricted=unrestricted,
            **query,
        )
    # A programme has a few audits: reading their records costs nothing.
    brains = IndexSets().records_of(
        programme, AUDIT_TYPE, unrestricted=unrestricted, **query
    )
    return sorted(brains, key=lambda b: (b.created, b.getPath()), reverse=True)


def next_audit_brain(programme):
    """The catalog record of the audit in progress, else of the one being
    prepared, or None. The audit in progress comes first: planning the next
    one must not move the date evidence must be valid through, nor tell the
    auditors of the running audit about it."""
    brains = audits(programme, states=UPCOMING_AUDIT_STATES)
    running = [brain for brain in brains if brain.review_state == "in_audit"]
    return (running or brains or [None])[0]


def latest_labelled(programme):
    """The most recent audit that granted the label (labelled or since expired)."""
    brains = audits(programme, states=("labelled", "expired"))
    best = None
    for brain in brains:
        audit = brain.getObject()
        if audit.granted_date and (
            best is None or audit.granted_date > best.granted_date
        ):
            best = audit
    return best


def next_audit(programme):
    """The audit being prepared or in progress (the one whose window matters)."""
    brain = next_audit_brain(programme)
    return brain.getObject() if brain is not None else None


# The states where an audit has an outcome to record (the committee step on).
OUTCOME_STATES = ("committee", "labelled", "not_labelled", "expired")


def has_outcome_step(audit):
    """Whether ``audit`` reached the committee: its outcome fields (score, level,
    committee and grant dates) mean something only from then on."""
    return api.content.get_state(audit, default=None) in OUTCOME_STATES


def audit_in_progress(programme, excluding=None):
    """The catalog record of ``programme``'s audit in progress other than
    ``excluding`` (an audit), or None. Searched unrestricted: the rule holds
    whatever the person asking may see."""
    if programme is None:
        return None
    uid = excluding.UID() if excluding is not None else None
    for brain in audits(programme, states=("in_audit",), unrestricted=True):
        if uid != brain.UID:
            return brain
    return None


def may_start_audit(audit):
    """Only one audit of a programme is in progress at a time: two would freeze
    the same evidence and open auditor access twice, and closing one would lift
    the freeze the other still relies on."""
    from collective.nrlabel.programme_tree import programme_of

    return audit_in_progress(programme_of(audit), excluding=audit) is None
