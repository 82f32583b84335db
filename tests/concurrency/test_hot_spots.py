"""Each hot spot, removed: two transactions do the hot operation at the same time
(both change, then both commit) and both commit. Where it helps to show the
hot spot, the same with the old structure: the second one conflicts."""

from collective.nrlabel import activity
from collective.nrlabel.audit.access import access_plugin
from collective.nrlabel.history_ids import restore_counter_history_ids
from collective.nrlabel.history_ids import use_random_history_ids
from concurrent_work import interleaved
from concurrent_work import site_in_own_connection
from datetime import date
from plone import api
from plone.restapi.services.content.utils import add
from plone.restapi.services.content.utils import create
from Products.CMFUid.interfaces import IUniqueIdGenerator
from ZODB.POSException import ConflictError
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility

import transaction


CRITERIA = ("1.1.1", "1.1.2")


def path_of(obj):
    return "/".join(obj.getPhysicalPath())


def evidence_adder(criterion_path, title):
    """Add evidence as plone.restapi's POST does (and Plone's add form): the
    name chosen from the title, then ``_setObject``."""

    def add_evidence(site):
        container = site.unrestrictedTraverse(criterion_path)
        evidence = create(container, "nr_evidence", title=title)
        evidence.kind = "policy"
        evidence.document_date = date(2026, 1, 10)
        evidence.link = "https://intranet.example.org/charte"
        add(container, evidence)

    return add_evidence


def seed_words(criterion, count=11):
    """Evidence with every word of the titles below. A word new to the catalog's
    lexicon takes the next word id (a counter of its own), which two
    transactions would both take; and ZCTextIndex keeps the documents of a word
    in a dict until it has more than ten (then in a BTree, whose concurrent
    insertions merge). A site in use is past both: the words of its titles are
    known and common."""
    with api.env.adopt_user(username="author"):
        for _index in range(count):
            api.content.create(
                container=criterion,
                type="nr_evidence",
                title="Charte politique numérique",
                kind="policy",
                document_date=date(2026, 1, 10),
                link="https://intranet.example.org/charte",
            )


def criteria(programme):
    return [programme["1"]["1.1"][code] for code in CRITERIA]


def history_id(evidence):
    return api.portal.get_tool("portal_historyidhandler").queryUid(evidence)


# -- history ids ------------------------------------------------------------------


def test_the_site_draws_history_ids(functional_portal):
    from collective.nrlabel.history_ids import RandomHistoryIds

    assert isinstance(getUtility(IUniqueIdGenerator), RandomHistoryIds)


def test_first_versions_of_two_evidence_both_commit(db, functional_programme):
    first, second = criteria(functional_programme)
    seed_words(first)
    transaction.commit()
    errors = interleaved(
        db,
        ("author", evidence_adder(path_of(first), "Charte numérique")),
        ("editor", evidence_adder(path_of(second), "Politique numérique")),
    )
    assert errors == [None, None], [repr(e) + str(e) for e in errors if e]
    transaction.begin()  # see what the two threads committed
    added = [first["charte-numerique"], second["politique-numerique"]]
    repository = api.portal.get_tool("portal_repository")
    assert all(len(repository.getHistoryMetadata(e)) == 1 for e in added)
    assert history_id(added[0]) != history_id(added[1])
    assert history_id(added[0]) >= 2**40


def test_with_cmfuid_counter_the_second_conflicts(
    db, functional_portal, functional_programme
):
    """The hot spot: both first versions increment portal_uidgenerator."""
    first, second = criteria(functional_programme)
    seed_words(first)
    restore_counter_history_ids(functional_portal)
    transaction.commit()
    try:
        errors = interleaved(
            db,
            ("author", evidence_adder(path_of(first), "Charte numérique")),
            ("editor", evidence_adder(path_of(second), "Politique numérique")),
        )
    finally:
        transaction.begin()
        use_random_history_ids(functional_portal)
        transaction.commit()
    assert errors[0] is None
    # On the counter, or on the history both registered under the same id.
    assert isinstance(errors[1], ConflictError)


def test_history_ids_go_back_to_the_counter_and_return(portal):
    from collective.nrlabel.history_ids import RandomHistoryIds

    restore_counter_history_ids(portal)
    assert getUtility(IUniqueIdGenerator) == portal.portal_uidgenerator
    restore_counter_history_ids(portal)  # idempotent
    use_random_history_ids(portal)
    use_random_history_ids(portal)
    assert isinstance(getUtility(IUniqueIdGenerator), RandomHistoryIds)


# -- the criterion ----------------------------------------------------------------


def test_two_evidence_added_to_one_criterion_both_commit(db, functional_programme):
    criterion = criteria(functional_programme)[0]
    seed_words(criterion)
    transaction.commit()
    modified = criterion.modified()
    errors = interleaved(
        db,
        ("author", evidence_adder(path_of(criterion), "Charte numérique")),
        ("editor", evidence_adder(path_of(criterion), "Politique numérique")),
    )
    assert errors == [None, None], [repr(e) + str(e) for e in errors if e]
    transaction.begin()
    assert {"charte-numerique", "politique-numerique"} <= set(criterion.objectIds())
    found = api.content.find(context=criterion, portal_type="nr_evidence")
    assert len(found) == len(criterion.objectIds()) == 13
    # Adding evidence is not a change of the criterion.
    assert criterion.modified() == modified


def test_an_ordered_criterion_conflicts(db, functional_programme):
    """The hot spot: plone.folder's default ordering (one list of ids)."""
    criterion = criteria(functional_programme)[0]
    seed_words(criterion)
    criterion._ordering = ""  # as an OrderedBTreeFolder is by default
    transaction.commit()
    errors = interleaved(
        db,
        ("author", evidence_adder(path_of(criterion), "Charte numérique")),
        ("editor", evidence_adder(path_of(criterion), "Politique numérique")),
    )
    assert errors[0] is None
    assert isinstance(errors[1], ConflictError)


def test_unordered_criterion_lists_its_evidence(functional_programme):
    criterion = criteria(functional_programme)[0]
    seed_words(criterion, count=1)
    assert criterion.getOrdering().__class__.__name__ == "UnorderedOrdering"
    assert list(criterion.objectIds()) == ["charte-politique-numerique"]
    assert [o.getId() for o in criterion.listFolderContents()] == [
        "charte-politique-numerique"
    ]


# -- the activity log -------------------------------------------------------------


def fill_first_bucket(tree):
    """29 entries, newest first: the next one splits the first bucket (30)."""
    for index in range(29):
        tree[(-index, "uid", "nr_evidence:submit")] = {
            "when": "2026-01-10T09:00:00+00:00",
            "actor": "author",
            "what": "nr_evidence:submit",
            "uid": "uid",
            "title": "Charte",
        }


def recorder(programme_path, uid):
    def record(site):
        activity.record(
            site.unrestrictedTraverse(programme_path),
            "nr_evidence:approve",
            uid,
            "Charte",
        )

    return record


def test_one_tree_log_conflicts_when_its_first_bucket_splits(db, functional_programme):
    """The hot spot: every entry goes to the first bucket of one tree."""
    from BTrees.Length import Length
    from BTrees.OOBTree import OOBTree
    from BTrees.OOBTree import OOTreeSet

    annotations = IAnnotations(functional_programme)
    tree = annotations[activity.ANNOTATION_KEY] = OOBTree()  # as before
    annotations[activity.COUNT_KEY] = Length()
    annotations[activity.ACTORS_KEY] = OOTreeSet(["reviewer"])
    fill_first_bucket(tree)
    transaction.commit()
    path = path_of(functional_programme)
    errors = interleaved(
        db, ("reviewer", recorder(path, "u1")), ("reviewer", recorder(path, "u2"))
    )
    assert errors[0] is None
    assert isinstance(errors[1], ConflictError)


def test_shard_log_keeps_the_entries(functional_programme):
    from BTrees.OOBTree import OOBTree

    annotations = IAnnotations(functional_programme)
    for index in range(3):
        activity.record(functional_programme, "nr_evidence:submit", f"u{index}", "E")
    entries = activity.activity(functional_programme).entries
    # As an older version kept it: one tree.
    merged = OOBTree(list(activity.items(functional_programme)))
    annotations[activity.ANNOTATION_KEY] = merged
    assert activity.activity(functional_programme).entries == entries
    assert activity.shard_log(functional_programme) is True
    assert activity.shard_log(functional_programme) is False
    shards = annotations[activity.ANNOTATION_KEY]
    assert len(shards) == activity.SHARDS and shards[0] is merged
    assert activity.activity(functional_programme).entries == entries
    activity.record(functional_programme, "nr_evidence:approve", "v", "E")
    page = activity.activity(functional_programme, size=100)
    assert page.total == 4
    assert [e.when for e in page.entries] == sorted(
        (e.when for e in page.entries), reverse=True
    )


def test_concurrent_writers_of_a_sharded_log_all_commit(db, functional_programme):
    """Four threads write at once, every first bucket about to split: each
    thread has a shard of its own."""
    activity.create_log(functional_programme)
    annotations = IAnnotations(functional_programme)
    for shard in annotations[activity.ANNOTATION_KEY]:
        fill_first_bucket(shard)
    annotations[activity.ACTORS_KEY].insert("reviewer")  # has reviewed before
    transaction.commit()
    path = path_of(functional_programme)
    errors = interleaved(
        db, *(("reviewer", recorder(path, f"u{index}")) for index in range(4))
    )
    assert errors == [None] * 4, [str(e) for e in errors if e]
    transaction.begin()
    shards = IAnnotations(functional_programme)[activity.ANNOTATION_KEY]
    assert sorted(len(shard) for shard in shards) == [29] * 12 + [30] * 4
    assert {e.uid for e in activity.activity(functional_programme).entries} >= {
        "u0",
        "u1",
        "u2",
        "u3",
    }


# -- the auditor access mapping ---------------------------------------------------


def test_recording_an_unchanged_audit_writes_nothing(functional_programme):
    plugin = access_plugin()
    plugin.record("audit-uid", "preparation", None, None, ("auditor",))
    transaction.commit()
    plugin.record("audit-uid", "preparation", None, None, ("auditor",))
    assert not plugin._audits._p_changed
    assert not plugin._by_user._p_changed
    assert plugin._audits["audit-uid"] == ("preparation", None, None, ("auditor",))
    plugin.record("audit-uid", "in_progress", None, None, ("auditor",))
    assert plugin._audits["audit-uid"][0] == "in_progress"
    transaction.abort()


def test_site_in_own_connection_sees_commits(db, functional_programme):
    with site_in_own_connection(db, "author") as site:
        assert site.unrestrictedTraverse(path_of(functional_programme))


# -- the upgrade of existing sites ------------------------------------------------


def test_migrate_hot_spots_of_an_older_site(portal, programme):
    from BTrees.OOBTree import OOBTree
    from collective.nrlabel.history_ids import RandomHistoryIds
    from collective.nrlabel.hot_spots import migrate_hot_spots
    from collective.nrlabel.hot_spots import ORDER_KEYS
    from persistent.list import PersistentList

    # As an older version left it.
    restore_counter_history_ids(portal)
    annotations = IAnnotations(programme)
    activity.record(programme, "nr_evidence:submit", "u1", "E")
    entries = activity.activity(programme).entries
    annotations[activity.ANNOTATION_KEY] = OOBTree(list(activity.items(programme)))
    criterion = programme["1"]["1.1"]["1.1.1"]
    IAnnotations(criterion)[ORDER_KEYS[0]] = PersistentList(["old"])
    IAnnotations(criterion)[ORDER_KEYS[1]] = OOBTree({"old": 0})

    assert migrate_hot_spots(portal) == {"logs_sharded": 1, "criteria_unordered": 1}
    assert isinstance(getUtility(IUniqueIdGenerator), RandomHistoryIds)
    assert len(annotations[activity.ANNOTATION_KEY]) == activity.SHARDS
    assert activity.activity(programme).entries == entries
    assert not set(ORDER_KEYS) & set(IAnnotations(criterion))
    assert migrate_hot_spots(portal) == {"logs_sharded": 0, "criteria_unordered": 0}
