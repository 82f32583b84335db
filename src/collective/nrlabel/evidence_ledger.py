"""Running counts of each programme's approved and pending evidence per
criterion, kept up to date with the catalog, so that readiness costs the same
with 2,000 evidence items as with 100,000.

Counting from the catalog's index sets (``evidence_counts``) reads no record,
but intersects sets as large as the programme: linear in the number of evidence
items. The ledger holds, for each criterion, how many approved (fresh, stale) and
pending evidence items support it, and for approved ones how many end on or
before any day (``DayCounts``, a Fenwick tree of counters): readiness then reads
at most a few dozen counters per criterion, whatever the number of items.

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
- A programme created before the ledger existed has none (or one of an older
  layout, ``LAYOUT``), and readiness counts from the index sets until
  ``rebuild(programme)`` (upgrade step, import) gives it one.

Who sees what: the counts are the programme's, not the reader's. Readiness uses
them for a user who may see every approved and pending evidence item of the
programme (the workflow gives View in those states to their roles on the
programme: the lead, reviewers, editors, managers); for anyone else (an
auditor, a reader) it counts from the index sets filtered by what they may see.
"""

from BTrees.IOBTree import IOBTree
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from collective.nrlabel.nr_content import INRContent
from datetime import date
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
# 1: a counter per day (1009); 2: the days as a Fenwick tree (1011).
LAYOUT = 2


# Days are numbered from 1900-01-01 (1) to 2258-11-11 (2 ** 17): the positions
# of a Fenwick tree. Counts are exact for any day in between. An item ending
# earlier counts as ending on 1900-01-01; one ending later never ends (it is
# in the total only): no audit will be that far.
_DAY_ZERO = date(1899, 12, 31).toordinal()
LAST_DAY = 2**17


def day_number(iso_day: str) -> int:
    """The position of ``iso_day`` (ISO date) in the counts: 0 before the first
    day, LAST_DAY + 1 after the last."""
    number = date.fromisoformat(iso_day[:10]).toordinal() - _DAY_ZERO
    return min(max(number, 0), LAST_DAY + 1)


class DayCounts(Persistent):
    """How many items, and how many end on or before any day.

    The days are a Fenwick tree (binary indexed tree) of ``Length`` counters:
    node ``n`` counts the items that end in the ``n & -n`` days up to day ``n``.
    Counting the items that end on or before a day reads at most 17 counters,
    and adding one changes at most 17, whether the items end on 3 days or on
    3,000. (With a counter per day, readiness summed every expired and expiring
    day, more of them as the evidence grew.)
    """

    def __init__(self):
        self.total = Length()
        self.tree = IOBTree()  # node → Length

    def add(self, day, delta):
        self.total.change(delta)
        if not day:
            return
        node = max(day_number(day), 1)
        while node <= LAST_DAY:  # after the last day: never ends
            counter = self.tree.get(node)
            if counter is None:
                counter = self.tree[node] = Length()
            counter.change(delta)
            node += node & -node

    def _up_to(self, node):
        node, count = min(node, LAST_DAY), 0
        while node > 0:
            counter = self.tree.get(node)
            if counter is not None:
                count += counter()
            node &= node - 1
        return count

    def until(self, last_day):
        """How many end on or before ``last_day`` (ISO date)."""
        return self._up_to(day_number(last_day))

    def between(self, first_day, last_day):
        """How many end from ``first_day`` to ``last_day`` (ISO dates), both
        included."""
        if last_day < first_day:
            return 0
        return self._up_to(day_number(last_day)) - self._up_to(
            day_number(first_day) - 1
        )

    def on(self, day):
        """How many end on ``day`` (ISO date)."""
        return self.between(day, day)


class EvidenceLedger(Persistent):
    """One programme's counts (see the module's docstring)."""

    layout = 1  # a ledger pickled before the attribute existed

    def __init__(self):
        self.layout = LAYOUT
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
    """The programme's ledger, or None (created before the ledger existed, or
    of an older layout: counted from the index sets until the upgrade step
    rebuilds it)."""
    ledger = IAnnotations(programme).get(LEDGER_KEY)
    return ledger if ledger is not None and ledger.layout == LAYOUT else None


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
