"""1009 → 1010: conflicts never reach people (#15). Existing sites get the
random history ids (no shared counter on every new evidence item's first
version), each programme's activity log in shards (one per writing thread), and
criteria without plone.folder's order list (``hot_spots.migrate_hot_spots``:
idempotent, no reindex)."""

from collective.nrlabel.hot_spots import migrate_hot_spots
from plone import api

import logging


logger = logging.getLogger("collective.nrlabel")


def remove_hot_spots(context) -> None:
    done = migrate_hot_spots(api.portal.get())
    logger.info("Hot spots removed: %s", done)
