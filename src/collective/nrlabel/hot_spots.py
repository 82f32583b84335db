"""Existing sites lose the conflict hot spots of older versions (#15), for the
upgrade step: random history ids, the activity log in shards, criteria without
their order list. New sites and programmes get all three at creation."""

from collective.nrlabel import activity
from collective.nrlabel.history_ids import use_random_history_ids
from plone import api
from zope.annotation.interfaces import IAnnotations


# plone.folder's DefaultOrdering keeps a criterion's order here; criteria are
# unordered now (content/criterion.py) and nothing reads them any more.
ORDER_KEYS = ("plone.folder.ordered.order", "plone.folder.ordered.pos")


def migrate_hot_spots(site) -> dict:
    """Idempotent; returns what it changed, counted."""
    use_random_history_ids(site)
    done = {"logs_sharded": 0, "criteria_unordered": 0}
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="nr_programme"):
        if activity.shard_log(brain._unrestrictedGetObject()):
            done["logs_sharded"] += 1
    for brain in catalog.unrestrictedSearchResults(portal_type="nr_criterion"):
        annotations = IAnnotations(brain._unrestrictedGetObject())
        found = [key for key in ORDER_KEYS if key in annotations]
        for key in found:
            del annotations[key]
        done["criteria_unordered"] += bool(found)
    return done
