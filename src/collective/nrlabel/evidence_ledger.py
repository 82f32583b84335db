"""Running counts of each programme's approved and pending evidence per
criterion, kept up to date with the catalog, so that readiness costs the same
with 2,000 evidence items as with 100,000.

Counting from the catalog's index sets (``evidence_counts``) reads no record,
but intersects sets as large as the programme: linear in the number of evidence
items. The ledger holds, for each criterion, how many approved (fresh, stale) and
pending evidence items support it, and for approved ones how many end on each
day: readiness then reads a few counters per criterion and only the days before
the date of reference (expired or expiring), whatever the number of items.

How it stays exact:

- It is written by an index-queue processor (``LedgerProcessor``), beside the
  catalog's own: every index, reindex (whatever its ``idxs``) and unindex of an
  evidence item recomputes the item's *signature* (its criteria, state,
  validity, staleness: the values the catalog indexes) and moves its count
  from the old signature to the new. An item counts once, whatever happens.
- The counters are ``BTrees.Length`` (concurrent increments merge instead of
  conflicting) in BTrees keyed by criterion and by day (concurrent insertions of
  different keys merge): two reviewers approving evidence of the same criterion
  at the same time both commit.
- A programme created before the ledger existed has none, and readiness counts
  from the index sets until ``rebuild(programme)`` (upgrade step, import) gives
  it one.

Who sees what: the counts are the programme's, not the reader's. Readiness uses
them for a user who may see every approved and pending evidence item of the
programme (the workflow gives View in those states to their roles on the
programme: the lead, reviewers, editors, managers); for anyone else (an
auditor, a reader) it counts from the index sets filtered by what they may see.
"""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from collective.nrlabel.nr_content import INRContent
from persistent import Persistent
from plone import api
from plone.uuid.interfaces import IUUID
from Products.CMFCore.interfaces import IIndexQueueProcessor
from zope.annotation.interfaces import IAnnotations
from zope.interface import implementer


LEDGER_KEY = "collective.nrlabel.evidence_ledger"
EVIDENCE_TYPE = "nr_evidence"
COUNTED_STATES = ("approved", "pending")
# The key of the programme's own counts, beside its criteria's UIDs.
PROGRAMME = ""


class DayCounts(Persistent):
    """How many items, and how many end on each day (ISO date: ``Length``)."""

    def __init__(self):
        self.total = Length()
        self.days = OOBTree()

    def add(self, day, delta):
        self.total.change(delta)
        if day:
            counter = self.days.get(day)
            if counter is None:
                counter = self.days[day] = Length()
            counter.change(delta)

    def until(self, last_day):
        """How many end on or before ``last_day`` (ISO date)."""
        return sum(counter() for counter in self.days.values(max=last_day))

    def between(self, first_day, last_day):
        if last_day < first_day:
            return 0
        return sum(
            counter() for counter in self.days.values(min=first_day, max=last_day)
        )


class EvidenceLedger(Persistent):
    """One programme's counts (see the module's docstring)."""

    def __init__(self):
        self.signatures = OOBTree()  # evidence UID → signature
        # (criterion UID, or PROGRAMME for every item, state, stale) → DayCounts
        self.counts = OOBTree()
        self.states = OOBTree()  # state → Length (the programme's items)

    def update(self, uid, signature):
        """Move evidence ``uid`` from its recorded signature to ``signature``
        (None: it counts nowhere)."""
        old = self.signatures.get(uid)
        if old == signature:
            return
        if old is not None:
            self._count(old, -1)
        if signature is None:
            if old is not None:
                del self.signatures[uid]
            return
        self._count(signature, 1)
        self.signatures[uid] = signature

    def _count(self, signature, delta):
        criteria, state, day, stale = signature
        counter = self.states.get(state)
        if counter is None:
            counter = self.states[state] = Length()
        counter.change(delta)
        for criterion in (*criteria, PROGRAMME):
            key = (criterion, state, stale)
            counts = self.counts.get(key)
            if counts is None:
                counts = self.counts[key] = DayCounts()
            counts.add(day, delta)

    def of(self, criterion, state, stale=False):
        return self.counts.get((criterion, state, stale))

    def total(self, state):
        counter = self.states.get(state)
        return counter() if counter is not None else 0


def signature(evidence):
    """What the ledger counts of ``evidence``: (criteria UIDs, state, last day
    of validity, stale), the very values the catalog indexes; None when it is
    neither approved nor pending."""
    from collective.nrlabel.catalog import _iso
    from collective.nrlabel.catalog import _stale_if_approved
    from collective.nrlabel.evidence.rules import review_state
    from collective.nrlabel.evidence.rules import supported_criteria_uids

    state = review_state(evidence)
    if state not in COUNTED_STATES:
        return None
    criteria = tuple(sorted(set(supported_criteria_uids(evidence) or ())))
    day = _iso(getattr(evidence, "valid_until", None))
    stale = state == "approved" and _stale_if_approved(evidence) is not None
    return (criteria, state, day, stale)


def ledger_of(programme):
    """The programme's ledger, or None (created before the ledger existed)."""
    return IAnnotations(programme).get(LEDGER_KEY)


def rebuild(programme):
    """A new ledger from the programme's evidence (upgrade step, import)."""
    ledger = EvidenceLedger()
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        path="/".join(programme.getPhysicalPath()),
        portal_type=EVIDENCE_TYPE,
        review_state=COUNTED_STATES,
    )
    for brain in brains:
        evidence = brain._unrestrictedGetObject()
        ledger.update(evidence.UID(), signature(evidence))
    IAnnotations(programme)[LEDGER_KEY] = ledger
    return ledger


def _programme_of(obj):
    from collective.nrlabel.content.programme import IProgramme

    while obj is not None:
        if IProgramme.providedBy(obj):
            return obj
        obj = getattr(obj, "aq_parent", None)
    return None


@implementer(IIndexQueueProcessor)
class LedgerProcessor:
    """Keeps the ledgers in step with every (re)indexing of evidence, as the
    catalog's own queue processor does with the catalog."""

    def index(self, obj, attributes=None):
        self._update(obj, removed=False)

    def reindex(self, obj, attributes=None, update_metadata=1):
        self._update(obj, removed=False)

    def unindex(self, obj):
        self._update(obj, removed=True)

    def _update(self, obj, removed):
        if getattr(obj, "portal_type", None) != EVIDENCE_TYPE:
            return
        if not INRContent.providedBy(obj):
            return
        uid = IUUID(obj, None)
        if uid is None:  # not fully made yet: indexed again once it is
            return
        programme = _programme_of(obj)
        ledger = ledger_of(programme) if programme is not None else None
        if ledger is None:
            return
        ledger.update(uid, None if removed else signature(obj))

    def begin(self):
        pass

    def commit(self):
        pass

    def abort(self):
        pass
