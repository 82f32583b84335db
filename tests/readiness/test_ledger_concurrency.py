"""The evidence ledger under concurrent reviews: two transactions that count
evidence of the same criterion at the same time (two reviewers approving, on
two ZODB connections) both commit, and the counts hold both."""

from collective.nrlabel.evidence_ledger import ledger_of
from nr_setup import build_programme

import pytest
import transaction


CRITERION = "criterion-uid"


def signature(day, state="approved"):
    return ((CRITERION,), state, day, False)


@pytest.fixture
def programme_path(functional_portal):
    programme = build_programme(functional_portal)
    # The criterion already has approved evidence (its counters exist).
    ledger_of(programme).update("evidence-0", signature("2026-07-01"))
    transaction.commit()
    return programme.getPhysicalPath()


def ledgers(db, path, count):
    """``count`` views of the same ledger, each on its own connection."""
    opened = []
    for _ in range(count):
        manager = transaction.TransactionManager()
        connection = db.open(transaction_manager=manager)
        programme = connection.root()["Application"].unrestrictedTraverse(path)
        opened.append((manager, connection, ledger_of(programme)))
    return opened


def test_two_approvals_at_once_both_commit(functional_portal, programme_path):
    from ZODB.POSException import ConflictError

    db = functional_portal._p_jar.db()
    views = ledgers(db, programme_path, 3)
    try:
        (first, _, one), (second, _, two), (third, _, three) = views
        one.update("evidence-1", signature("2026-07-01"))  # the same day: a counter
        two.update("evidence-2", signature("2026-09-30"))  # a new day: a new key
        three.update("evidence-0", signature("2026-07-01", "pending"))  # reopened
        first.commit()
        second.commit()
        third.commit()
    except ConflictError as error:  # what a 500 or a retry would have been
        pytest.fail(f"concurrent counts conflicted: {error}")
    finally:
        for manager, connection, _ledger in views:
            manager.abort()
            connection.close()
    (manager, connection, ledger), *_ = ledgers(db, programme_path, 1)
    try:
        approved = ledger.of(CRITERION, "approved")
        assert approved.total() == 2
        assert approved.on("2026-07-01") == 1
        assert approved.on("2026-09-30") == 1
        assert approved.until("2026-09-29") == 1
        assert ledger.of(CRITERION, "pending").total() == 1
        assert ledger.total("approved") == 2
        assert ledger.total("pending") == 1
        assert sorted(ledger.signatures.keys()) == [
            "evidence-0",
            "evidence-1",
            "evidence-2",
        ]
    finally:
        manager.abort()
        connection.close()
