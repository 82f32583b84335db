"""1008 → 1009: readiness counts from index sets (evidence_counts.py), which
need ``nr_valid_until`` as an index, not only a catalog column.

The ``catalog`` import step adds the index; this fills it for the evidence only
(reindexing the index for the whole catalog would read every object of the
intranet).
"""

from plone import api

import logging


logger = logging.getLogger("collective.nrlabel")


def index_validity(context) -> None:
    brains = api.content.find(portal_type="nr_evidence", unrestricted=True)
    for brain in brains:
        brain._unrestrictedGetObject().reindexObject(idxs=["nr_valid_until"])
    logger.info("Indexed the validity of %d evidence items", len(brains))
