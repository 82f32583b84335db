"""The straightforward reading of readiness's evidence counts, kept here as the
reference the fast path (``evidence_counts.tally``, index sets) must equal: every
approved and pending evidence record of the programme, read one by one."""

from collective.nrlabel.evidence_counts import EvidenceTally
from collective.nrlabel.evidence_counts import EXPIRING_SHOWN
from plone import api


def reference_tally(programme, today: str, reference: str) -> EvidenceTally:
    brains = api.content.find(
        portal_type="nr_evidence",
        review_state=("approved", "pending"),
        path="/".join(programme.getPhysicalPath()),
    )
    tally = EvidenceTally()
    for brain in brains:
        criteria = brain.nr_criteria or ()
        if brain.review_state == "pending":
            tally.pending_reviews += 1
            for uid in criteria:
                tally.pending[uid] = tally.pending.get(uid, 0) + 1
            continue
        until = brain.nr_valid_until
        if until and until < today:
            continue
        for uid in criteria:
            tally.approved[uid] = tally.approved.get(uid, 0) + 1
        stale = _count_stale(tally, brain, criteria)
        if until and until < reference:
            tally.expiring.update(criteria)
            tally.expiring_items.append(
                {"title": brain.Title, "@id": brain.getURL(), "valid_until": until}
            )
        elif not stale:
            tally.valid.update(criteria)
    # All counted, the soonest listed.
    tally.expiring_count = len(tally.expiring_items)
    tally.expiring_items.sort(key=lambda e: (e["valid_until"], e["@id"]))
    del tally.expiring_items[EXPIRING_SHOWN:]
    return tally


def _count_stale(tally, brain, criteria) -> bool:
    reason = getattr(brain, "nr_stale", None)
    if not reason or not isinstance(reason, str):
        return False
    tally.expiring.update(criteria)
    for uid in criteria:
        tally.stale[uid] = tally.stale.get(uid, 0) + 1
    tally.stale_items.append(
        {
            "title": brain.Title,
            "@id": brain.getURL(),
            "reason": reason,
            "since": brain.nr_stale_since,
        }
    )
    return True
