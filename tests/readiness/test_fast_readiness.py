"""The fast readiness equals the reference reading of every record
(reference_readiness.py) on randomised programmes: states, validity dates
around today and the date of reference, evidence supporting several criteria,
criteria that do not apply, stale intranet evidence; seen by the lead and a
reviewer (from the programme's evidence ledger, evidence_ledger.py) and by a
reader and an auditor (from index sets, evidence_counts.py)."""

from collective.nrlabel.evidence.intranet import mark_stale
from collective.nrlabel.evidence_counts import _sees_all_counted
from collective.nrlabel.evidence_counts import tally
from collective.nrlabel.evidence_ledger import ledger_of
from collective.nrlabel.evidence_ledger import rebuild
from collective.nrlabel.scoring import assessments
from datetime import date
from datetime import timedelta
from nr_setup import assess
from nr_setup import build_programme
from nr_setup import evidence_in_state
from nr_setup import relation
from plone import api
from reference_readiness import reference_tally

import pytest
import random


TODAY = date(2026, 6, 15)
STATES = ("draft", "pending", "approved", "approved", "approved", "rejected")


def build_random(portal, seed):
    rng = random.Random(seed)
    programme = build_programme(portal)
    criteria = [item.uid for item in assessments(programme)]
    objects = {uid: api.content.get(UID=uid) for uid in rng.sample(criteria, 12)}
    for code_obj in rng.sample(list(objects.values()), 2):
        assess(programme, code_obj.code, applicable=False, justification="Hors champ")
    uids = list(objects)
    for number in range(36):
        home = objects[rng.choice(uids)]
        others = [objects[u] for u in rng.sample(uids, rng.choice((0, 0, 1, 2)))]
        others = [o for o in others if o is not home]
        until = rng.choice((None, None, -30, -1, 0, 1, 10, 40, 200))
        evidence = evidence_in_state(
            home,
            rng.choice(STATES),
            title=f"Preuve {number}",
            valid_until=None if until is None else TODAY + timedelta(days=until),
            document_date=date(2026, 1, 1),
            supported_criteria=[relation(o) for o in others],
        )
        if api.content.get_state(evidence) == "approved" and rng.random() < 0.2:
            with api.env.adopt_roles(["Manager"]):
                mark_stale(evidence, rng.choice(("edited", "moved", "deleted")))
    return programme, criteria


def as_comparable(result):
    return (
        sorted(result.valid),
        sorted(result.expiring),
        result.pending,
        result.approved,
        result.expiring_items,
        result.expiring_count,
        result.pending_reviews,
        result.stale,
        sorted(result.stale_items, key=lambda e: e["@id"]),
    )


# Who reads the ledger (sees every approved and pending item) and who does not.
LEDGER_USERS = (
    ("lead", True),
    ("reader", False),
    ("auditor", False),
    ("reviewer", True),
)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("reference_days", [0, 30])
@pytest.mark.parametrize("shown", [50, 2])
def test_fast_counts_equal_the_reference(
    portal, seed, reference_days, shown, monkeypatch
):
    """``shown``: how many expiring items are listed (all are counted); 2 makes
    the soonest-first cut happen on this small data."""
    from collective.nrlabel import evidence_counts

    import reference_readiness

    monkeypatch.setattr(evidence_counts, "EXPIRING_SHOWN", shown)
    monkeypatch.setattr(reference_readiness, "EXPIRING_SHOWN", shown)
    programme, criteria = build_random(portal, seed)
    today = TODAY.isoformat()
    reference = (TODAY + timedelta(days=reference_days)).isoformat()
    for user_id, from_ledger in LEDGER_USERS:
        with api.env.adopt_user(username=user_id):
            assert _sees_all_counted(programme) is from_ledger, user_id
            fast = tally(programme, criteria, today, reference)
            slow = reference_tally(programme, today, reference)
        differences = {
            uid: (fast.approved.get(uid), slow.approved.get(uid))
            for uid in set(fast.approved) | set(slow.approved)
            if fast.approved.get(uid) != slow.approved.get(uid)
        }
        assert as_comparable(fast) == as_comparable(slow), (user_id, differences)
    # The data is varied enough to mean something.
    with api.env.adopt_user(username="lead"):
        slow = reference_tally(programme, today, reference)
    assert slow.valid and slow.pending and slow.approved
    if reference_days:
        assert slow.expiring_count > len(slow.expiring_items) or shown == 50


def signatures(programme):
    return dict(ledger_of(programme).signatures.items())


def counts(ledger):
    return {
        key: (value.total(), {n: c() for n, c in value.tree.items() if c()})
        for key, value in ledger.counts.items()
        if value.total()
    }


@pytest.mark.parametrize("seed", [6, 7])
def test_the_ledger_follows_every_change(portal, seed):
    """Transitions both ways, new validity dates, other criteria supported,
    stale marks, re-approval and deletion: after each, the ledger is what a
    rebuild from the catalog gives, and readiness equals the reference."""
    from collective.nrlabel.evidence.intranet import is_stale
    from nr_setup import transition

    rng = random.Random(seed)
    programme, criteria = build_random(portal, seed)
    today, reference = TODAY.isoformat(), (TODAY + timedelta(days=30)).isoformat()
    evidence = [
        b.getObject()
        for b in api.content.find(context=programme, portal_type="nr_evidence")
    ]
    homes = [e.aq_parent for e in evidence]
    moves = {
        "pending": (("reviewer", "approve"), ("reviewer", "reject")),
        "approved": (("lead", "reopen"),),
        "draft": (("author", "submit"),),
        "rejected": (("author", "revise"),),
    }
    for step in range(40):
        item = rng.choice(evidence)
        change = rng.choice(("transition", "validity", "supports", "stale", "delete"))
        state = api.content.get_state(item)
        if change == "transition" or (change == "stale" and state != "approved"):
            user_id, transition_id = rng.choice(moves[state])
            transition(item, user_id, transition_id, comment="Vu")
        elif change == "validity":
            item.valid_until = TODAY + timedelta(days=rng.choice((-5, 3, 90)))
            item.reindexObject(idxs=["nr_valid_until"])
        elif change == "supports":
            item.supported_criteria = [relation(rng.choice(homes))]
            item.reindexObject()
        elif change == "stale" and not is_stale(item):
            with api.env.adopt_roles(["Manager"]):
                mark_stale(item, "edited")
        elif change == "stale":
            transition(item, "reviewer", "reapprove")
        else:
            evidence.remove(item)
            with api.env.adopt_roles(["Manager"]):
                api.content.delete(obj=item, check_linkintegrity=False)
        with api.env.adopt_user(username="lead"):
            fast = tally(programme, criteria, today, reference)
            slow = reference_tally(programme, today, reference)
        assert as_comparable(fast) == as_comparable(slow), (step, change)
    kept = signatures(programme)
    kept_counts = counts(ledger_of(programme))
    rebuild(programme)
    assert kept == signatures(programme)
    assert kept_counts == counts(ledger_of(programme))
    assert any(total for total, _days in kept_counts.values())


@pytest.mark.parametrize("seed", [4, 5])
def test_overdue_count_equals_the_rule(portal, seed):
    """``overdue_count`` (the catalog's count) equals ``is_overdue`` applied to
    every action of the plan, for due dates around the day and every state."""
    from collective.nrlabel.action_plan import is_overdue
    from collective.nrlabel.action_plan import overdue_actions
    from collective.nrlabel.action_plan import overdue_count
    from collective.nrlabel.action_plan import plan_action

    rng = random.Random(seed)
    programme = build_programme(portal)
    criteria = [api.content.get(UID=i.uid) for i in assessments(programme)[:5]]
    paths = ((), ("start",), ("cancel",), ("start", "complete"))
    with api.env.adopt_roles(["Manager"]):
        for number in range(30):
            days = rng.choice((None, -40, -1, 0, 1, 30))
            action = plan_action(
                rng.choice(criteria),
                f"Action {number}",
                due_date=None if days is None else TODAY + timedelta(days=days),
            )
            for transition_id in rng.choice(paths):
                api.content.transition(obj=action, transition=transition_id)
    everything = api.content.find(
        portal_type="nr_action", path="/".join(programme.getPhysicalPath())
    )
    expected = [
        b.getPath()
        for b in everything
        if is_overdue(b.nr_due_date, b.review_state, TODAY)
    ]
    assert expected  # the data is varied enough
    assert overdue_count(programme, TODAY) == len(expected)
    assert sorted(b.getPath() for b in overdue_actions(programme, TODAY)) == sorted(
        expected
    )
