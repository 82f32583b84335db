"""The ledger's day counts (a Fenwick tree of counters) answer what counting
every item would, for any day and range, as items come and go."""

from collective.nrlabel.evidence_ledger import DayCounts
from datetime import date
from datetime import timedelta

import random


FIRST, LAST = date(1900, 1, 1), date(2258, 11, 11)


def iso(day):
    return day.isoformat()


def test_day_counts_equal_counting_every_item():
    rng = random.Random(16)
    counts, items = DayCounts(), []
    start = date(2024, 1, 1)
    days = [start + timedelta(days=rng.randint(-400, 1500)) for _ in range(60)]
    days += [FIRST, date(1970, 1, 1), LAST]
    # Beyond the tree's days: counted as ending on its first day, or never.
    outside = [date(1850, 5, 1), date(2300, 1, 1)]
    for step in range(2000):
        if items and rng.random() < 0.3:
            day = items.pop(rng.randrange(len(items)))
            counts.add(day and iso(day), -1)
        else:
            day = rng.choice(days + outside + [None])
            items.append(day)
            counts.add(day and iso(day), 1)
        if step % 50:
            continue
        assert counts.total() == len(items)
        for _ in range(20):
            first, last = sorted(rng.sample(days, 2))
            dated = [max(d, FIRST) for d in items if d and d <= LAST]
            assert counts.until(iso(last)) == sum(d <= last for d in dated)
            assert counts.between(iso(first), iso(last)) == sum(
                first <= d <= last for d in dated
            )
            assert counts.on(iso(first)) == dated.count(first)
        assert counts.between("2025-01-02", "2025-01-01") == 0


class CountingTree:
    """The tree of a DayCounts, counting the counters looked up."""

    def __init__(self, tree):
        self.tree, self.looked_up = tree, 0

    def get(self, node, default=None):
        self.looked_up += 1
        return self.tree.get(node, default)


def test_a_count_reads_seventeen_counters_at_most_however_many_days():
    counts = DayCounts()
    first = date(2020, 1, 1)
    for offset in range(3000):
        counts.add(iso(first + timedelta(days=offset)), 1)
    before = {node: counter() for node, counter in counts.tree.items()}
    counts.add("2026-11-30", 1)
    changed = [n for n, c in counts.tree.items() if c() != before.get(n, 0)]
    assert 0 < len(changed) <= 17
    counts.tree = CountingTree(counts.tree)
    # 3,000 days from 2020-01-01 to 2028-03-18, and 2026-11-30 once more.
    assert counts.until("2028-03-18") == 3001
    assert counts.until("2028-03-17") == 3000
    assert counts.tree.looked_up <= 34  # the two counts above
    counts.tree.looked_up = 0
    # Two counts of 17 at most, whatever the width of the range.
    assert counts.between("2021-01-01", "2021-01-31") == 31
    assert counts.tree.looked_up <= 34
