"""1010 → 1011: readiness reads as many counters with 100,000 evidence items as
with 2,000 (#16). Each programme's evidence ledger is rebuilt with its days as a
Fenwick tree (``evidence_ledger.DayCounts``); until then readiness counts from
the index sets, since ``ledger_of`` ignores a ledger of the older layout."""

from collective.nrlabel.migration import rebuild_ledgers

import logging


logger = logging.getLogger("collective.nrlabel")


def rebuild_day_counts(context) -> None:
    logger.info("Evidence ledgers rebuilt for %d programmes", rebuild_ledgers())
