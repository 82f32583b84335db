"""1009 → 1010: the upgrade step removes the hot spots of an existing site
(``hot_spots.migrate_hot_spots``, tested in detail in tests/concurrency)."""

from collective.nrlabel import activity
from collective.nrlabel.history_ids import RandomHistoryIds
from collective.nrlabel.history_ids import restore_counter_history_ids
from collective.nrlabel.hot_spots import ORDER_KEYS
from nr_setup import build_programme
from persistent.list import PersistentList
from Products.CMFUid.interfaces import IUniqueIdGenerator
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility


PROFILE = "collective.nrlabel:default"


def test_upgrade_removes_the_hot_spots(portal, setup_tool):
    from BTrees.OOBTree import OOBTree

    programme = build_programme(portal)
    restore_counter_history_ids(portal)
    activity.record(programme, "nr_evidence:submit", "u1", "E")
    entries = activity.activity(programme).entries
    IAnnotations(programme)[activity.ANNOTATION_KEY] = OOBTree(
        list(activity.items(programme))
    )
    criterion = programme["1"]["1.1"]["1.1.1"]
    IAnnotations(criterion)[ORDER_KEYS[0]] = PersistentList(["old"])
    setup_tool.setLastVersionForProfile(PROFILE, "1009")

    setup_tool.upgradeProfile(PROFILE, dest="1010")

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("1010",)
    assert isinstance(getUtility(IUniqueIdGenerator), RandomHistoryIds)
    assert len(IAnnotations(programme)[activity.ANNOTATION_KEY]) == activity.SHARDS
    assert activity.activity(programme).entries == entries
    assert not set(ORDER_KEYS) & set(IAnnotations(criterion))
