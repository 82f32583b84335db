"""Readiness's evidence counts from the catalog's index sets, without loading a
single catalog record for the counting.

Every count readiness needs is the size of an intersection of index sets of
record ids: the programme's evidence (path × portal_type), its approved and
pending evidence (review_state), the approved evidence that has expired or
expires before the date of reference (``nr_valid_until`` ranges), the stale
ones (``nr_stale``), and, per criterion, the evidence that supports it
(``nr_criteria``). BTrees intersect those sets in C; only the few expiring and
stale items that the dashboard lists are read as catalog records.

``tally(programme, today, reference)`` returns the same ``EvidenceTally`` as
the straightforward reading of every record did (kept in the tests as the
reference implementation, and compared on randomised programmes).
"""

from AccessControl import getSecurityManager
from BTrees.IIBTree import difference
from BTrees.IIBTree import IISet
from BTrees.IIBTree import intersection
from BTrees.IIBTree import multiunion
from collective.nrlabel.evidence_ledger import COUNTED_STATES
from collective.nrlabel.evidence_ledger import ledger_of
from collective.nrlabel.evidence_ledger import PROGRAMME
from collective.nrlabel.index_sets import IndexSets
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from plone import api
from Products.CMFCore.indexing import processQueue


EVIDENCE_TYPE = "nr_evidence"
# Readiness lists the soonest-expiring evidence items up to this many, and
# counts them all: listing 2,000 records would cost what counting does not.
EXPIRING_SHOWN = 50


@dataclass
class EvidenceTally:
    """What the approved and pending evidence says about each criterion (UIDs)."""

    valid: set = field(default_factory=set)
    expiring: set = field(default_factory=set)
    pending: dict = field(default_factory=dict)
    approved: dict = field(default_factory=dict)
    # The soonest EXPIRING_SHOWN, by (valid until, address); all of them counted.
    expiring_items: list = field(default_factory=list)
    expiring_count: int = 0
    pending_reviews: int = 0
    stale: dict = field(default_factory=dict)
    stale_items: list = field(default_factory=list)


def _day_before(iso_day: str) -> str:
    return (date.fromisoformat(iso_day) - timedelta(days=1)).isoformat()


def tally(programme, criteria, today: str, reference: str) -> EvidenceTally:
    """Count the programme's approved and pending evidence for each criterion
    UID of ``criteria`` (see the module's docstring); ``today`` and
    ``reference`` are ISO dates."""
    # As every catalog search does first: index what this request changed
    # (which also brings the ledger up to date).
    processQueue()
    ledger = ledger_of(programme)
    if ledger is not None and _sees_all_counted(programme):
        return _from_ledger(ledger, programme, criteria, today, reference)
    return from_index_sets(programme, criteria, today, reference)


def from_index_sets(programme, criteria, today: str, reference: str) -> EvidenceTally:
    """The counts from the catalog's index sets, filtered by what the current
    user may see (see the module's docstring)."""
    sets = IndexSets()
    evidence = _visible_evidence(sets, programme)
    approved = sets.query("review_state", "approved", within=evidence)
    pending = sets.query("review_state", "pending", within=evidence)
    expired = sets.query(
        "nr_valid_until",
        {"query": _day_before(today), "range": "max"},
        within=approved,
    )
    live = difference(approved, expired)
    ending = (
        sets.query(
            "nr_valid_until",
            {"query": (today, _day_before(reference)), "range": "min:max"},
            within=live,
        )
        if reference > today
        else IISet()
    )
    stale = _stale(sets, live)
    whole = difference(difference(live, ending), stale)
    result = EvidenceTally(pending_reviews=len(pending))
    half = multiunion([ending, stale])
    for uid in criteria:
        supporting = _supporting(sets, uid, evidence)
        _count_criterion(result, uid, supporting, live, pending, whole, half, stale)
    result.expiring_count = len(ending)
    here = _ApprovedIn(sets, programme)
    soonest = sorted(ending, key=lambda rid: (here.valid_until(rid), here.path(rid)))
    result.expiring_items = [
        _expiring_item(sets.record(rid)) for rid in soonest[:EXPIRING_SHOWN]
    ]
    result.stale_items = [_stale_item(sets.record(rid)) for rid in stale]
    return result


def _sees_all_counted(programme) -> bool:
    """Whether the current user may see every approved and pending evidence
    item of ``programme``: the evidence workflow gives View in both states to
    one of their roles there (roles in a programme reach all of its content)."""
    # The user object itself: a user from another user folder (a Zope admin,
    # an imported site's test user) need not be found by plone.api.
    roles = set(getSecurityManager().getUser().getRolesInContext(programme))
    workflows = api.portal.get_tool("portal_workflow")
    for workflow in workflows.getWorkflowsFor(EVIDENCE_TYPE) or ():
        for state_id in COUNTED_STATES:
            state = workflow.states.get(state_id)
            allowed = state.permission_roles.get("View") if state else None
            # A list would also take the roles of the container: not known here.
            if not isinstance(allowed, tuple) or not roles & set(allowed):
                return False
    return True


def _from_ledger(ledger, programme, criteria, today, reference) -> EvidenceTally:
    """The same counts from the programme's ledger: a few counters and the
    days before the date of reference per criterion, whatever the number of
    evidence items; the listed items from the (few) catalog entries of
    evidence that expires before then or whose intranet item changed."""
    yesterday = _day_before(today)
    last = _day_before(reference) if reference > today else None
    result = EvidenceTally(pending_reviews=ledger.total("pending"))
    for uid in criteria:
        total, expired, ending = _split(ledger.of(uid, "approved"), yesterday, last)
        stale = _live(ledger.of(uid, "approved", True), yesterday)
        waiting = ledger.of(uid, "pending")
        if total - expired + stale:
            result.approved[uid] = total - expired + stale
        if waiting is not None and waiting.total():
            result.pending[uid] = waiting.total()
        if stale:
            result.stale[uid] = stale
        if total - expired - ending > 0:
            result.valid.add(uid)
        if ending + stale > 0:
            result.expiring.add(uid)
    sets = IndexSets()
    here = _ApprovedIn(sets, programme)
    if last is not None:
        everything = (
            ledger.of(PROGRAMME, "approved"),
            ledger.of(PROGRAMME, "approved", True),
        )
        result.expiring_count = sum(
            counts.between(today, last) for counts in everything if counts is not None
        )
        result.expiring_items = [
            _expiring_item(sets.record(rid))
            for rid in _soonest_ending(sets, here, today, last)
        ]
    result.stale_items = [
        _stale_item(sets.record(rid))
        for rid in _stale(sets, None)
        if here(rid) and (here.valid_until(rid) or today) >= today
    ]
    return result


def _soonest_ending(sets, here, today, last):
    """The first EXPIRING_SHOWN approved evidence items of the programme that
    end between ``today`` and ``last``, soonest first: the validity index read
    day by day from today, stopping as soon as there are enough."""
    index = sets.indexes.get("nr_valid_until")
    found = []
    if index is None:
        return found
    for _day, rids in index._index.items(min=today, max=last):
        rids = (rids,) if isinstance(rids, int) else rids
        found.extend(sorted((rid for rid in rids if here(rid)), key=here.path))
        if len(found) >= EXPIRING_SHOWN:
            break
    return found[:EXPIRING_SHOWN]


def _split(counts, yesterday, last):
    """(all, expired, ending before the date of reference) of fresh approved
    evidence of one criterion."""
    if counts is None:
        return 0, 0, 0
    expired = counts.until(yesterday)
    ending = counts.until(last) - expired if last else 0
    return counts.total(), expired, ending


def _live(counts, yesterday):
    return counts.total() - counts.until(yesterday) if counts is not None else 0


class _ApprovedIn:
    """Whether a catalog entry is approved evidence of ``programme``, from the
    indexes' own per-entry values (no record loaded)."""

    def __init__(self, sets, programme):
        self.prefix = "/".join(programme.getPhysicalPath()) + "/"
        self.paths = sets.catalog._catalog.paths
        self.states = sets.indexes["review_state"]._unindex
        self.types = sets.indexes["portal_type"]._unindex
        validity = sets.indexes.get("nr_valid_until")
        self.days = validity._unindex if validity is not None else {}

    def __call__(self, rid):
        return (
            self.types.get(rid) == EVIDENCE_TYPE
            and self.states.get(rid) == "approved"
            and self.paths.get(rid, "").startswith(self.prefix)
        )

    def valid_until(self, rid):
        return self.days.get(rid)

    def path(self, rid):
        return self.paths.get(rid, "")


def _visible_evidence(sets, programme):
    """The programme's evidence that the current user may see, as any catalog
    search would filter it."""
    user = api.user.get_current()
    roles_and_users = sets.catalog._listAllowedRolesAndUsers(user)
    evidence = sets.query("allowedRolesAndUsers", roles_and_users)
    evidence = sets.query("portal_type", EVIDENCE_TYPE, within=evidence)
    path = "/".join(programme.getPhysicalPath())
    return sets.query("path", {"query": path}, within=evidence)


def approved_evidence_paths(programme) -> list:
    """Paths of the programme's approved evidence that the current user may
    see (the audit pack's files), from the index sets: no record loaded."""
    processQueue()
    sets = IndexSets()
    approved = sets.query(
        "review_state", "approved", within=_visible_evidence(sets, programme)
    )
    paths = sets.catalog._catalog.paths
    return [paths[rid] for rid in approved]


def _stale(sets, live):
    """Approved, unexpired evidence whose intranet item changed (any reason);
    ``live`` None: every entry with a stale mark in the catalog."""
    index = sets.indexes.get("nr_stale")
    if index is None:
        return IISet()
    reasons = [key for key in index.uniqueValues() if key]
    if not reasons:
        return IISet()
    return sets.query("nr_stale", reasons, within=live)


def _supporting(sets, uid, evidence):
    """The programme's evidence that supports criterion ``uid`` (the keyword
    index's own entry; actions share the index, hence the intersection)."""
    found = sets.indexes["nr_criteria"]._index.get(uid)
    if found is None:
        return IISet()
    if isinstance(found, int):
        found = IISet((found,))
    return intersection(found, evidence)


def _count_criterion(result, uid, supporting, live, pending, whole, half, stale):
    approved = len(intersection(supporting, live))
    if approved:
        result.approved[uid] = approved
    waiting = len(intersection(supporting, pending))
    if waiting:
        result.pending[uid] = waiting
    changed = len(intersection(supporting, stale))
    if changed:
        result.stale[uid] = changed
    if intersection(supporting, whole):
        result.valid.add(uid)
    if intersection(supporting, half):
        result.expiring.add(uid)


def _expiring_item(brain):
    return {
        "title": brain.Title,
        "@id": brain.getURL(),
        "valid_until": brain.nr_valid_until,
    }


def _stale_item(brain):
    return {
        "title": brain.Title,
        "@id": brain.getURL(),
        "reason": brain.nr_stale,
        "since": brain.nr_stale_since,
    }
