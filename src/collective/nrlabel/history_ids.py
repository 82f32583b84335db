"""History ids drawn at random, so that saving a first version writes nothing shared.

CMFEditions gives every versioned object a history id from the site's
``IUniqueIdGenerator`` utility, CMFUid's ``portal_uidgenerator``: one counter,
an attribute of one persistent tool, incremented by every first version. Evidence
is versioned from its creation (plone.versioning), so every two editors adding
evidence at the same time wrote the same object and one of them conflicted: it
was most of the conflicts under load (35 of 52 retries in bench/contention.py),
and after an outage one client could lose every race for half a minute.

A counter cannot be merged by conflict resolution (both transactions would
hand out the same id), so the add-on registers this generator in its place: an
id drawn from 2**40 to 2**62, checked against the histories already stored. It
writes nothing. CMFEditions keeps its histories in an OOBTree "to allow history
ids of any type" (ZVCStorageTool.ShadowStorage), and CMFUid's ``convert`` is
``int()``; the counter's ids (below 2**40) and random ones never meet.

``use_random_history_ids`` is called at install and by the upgrade step of
existing sites; ``restore_counter_history_ids`` at uninstall (the class must not
stay in the site's registry once the add-on is gone).
"""

from plone import api
from Products.CMFUid.interfaces import IUniqueIdGenerator
from zope.interface import implementer

import secrets


LOWEST = 2**40
SPAN = 2**62 - LOWEST


@implementer(IUniqueIdGenerator)
class RandomHistoryIds:
    """The ``IUniqueIdGenerator`` of sites with the add-on (no state: nothing to
    write, nothing to conflict on)."""

    def __call__(self):
        storage = api.portal.get_tool("portal_historiesstorage")
        while True:
            uid = LOWEST + secrets.randbelow(SPAN)
            if not storage.isRegistered(uid):
                return uid

    def convert(self, uid):
        return int(uid)


def use_random_history_ids(site):
    """Register ``RandomHistoryIds`` as ``site``'s generator (idempotent)."""
    manager = site.getSiteManager()
    if not isinstance(manager.queryUtility(IUniqueIdGenerator), RandomHistoryIds):
        manager.registerUtility(RandomHistoryIds(), IUniqueIdGenerator)
        _forget_cache(manager)


def restore_counter_history_ids(site):
    """Give the generator back to CMFUid's ``portal_uidgenerator``."""
    manager = site.getSiteManager()
    if isinstance(manager.queryUtility(IUniqueIdGenerator), RandomHistoryIds):
        manager.registerUtility(site.portal_uidgenerator, IUniqueIdGenerator)
        _forget_cache(manager)


def _forget_cache(manager):
    """zope.interface counts registered utilities in a cache that a tool's
    registration (five.localsitemanager wraps it, unhashable) leaves unable to
    unregister it again in the same connection: rebuilt from the registrations."""
    manager._v_utility_registrations_cache = None
