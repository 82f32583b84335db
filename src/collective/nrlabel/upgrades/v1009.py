"""1008 → 1009: readiness counts from each programme's evidence ledger
(evidence_ledger.py), else from index sets (evidence_counts.py), which need
``nr_valid_until`` as an index, not only a catalog column.

The ``catalog`` import step adds the index; ``index_validity`` fills it for the
evidence only (reindexing the index for the whole catalog would read every
object of the intranet); ``start_ledgers`` gives every programme its ledger.
"""

from plone import api

import logging


logger = logging.getLogger("collective.nrlabel")


def index_validity(context) -> None:
    brains = api.content.find(portal_type="nr_evidence", unrestricted=True)
    for brain in brains:
        brain._unrestrictedGetObject().reindexObject(idxs=["nr_valid_until"])
    logger.info("Indexed the validity of %d evidence items", len(brains))


def start_ledgers(context) -> None:
    from collective.nrlabel.migration import rebuild_ledgers

    logger.info("Evidence ledgers of %d programmes", rebuild_ledgers())
