"""1010 → 1011: each programme's evidence ledger is rebuilt with its days as a
Fenwick tree. Until then a ledger of the older layout is ignored (readiness
counts from the index sets), never read as if it were the new one."""

from datetime import date
from datetime import timedelta
from nr_setup import build_programme
from nr_setup import evidence_in_state
from plone import api


PROFILE = "collective.nrlabel:default"


def test_upgrade_rebuilds_ledgers_of_the_older_layout(portal, setup_tool):
    from collective.nrlabel import clock
    from collective.nrlabel.evidence_ledger import EvidenceLedger
    from collective.nrlabel.evidence_ledger import LEDGER_KEY
    from collective.nrlabel.evidence_ledger import ledger_of
    from collective.nrlabel.readiness import readiness
    from zope.annotation.interfaces import IAnnotations

    programme = build_programme(portal)
    criterion = programme["1"]["1.1"]["1.1.1"]
    soon = clock.today() + timedelta(days=10)
    evidence_in_state(criterion, "approved", valid_until=soon)
    evidence_in_state(criterion, "approved", valid_until=date(2030, 1, 1))
    evidence_in_state(programme["1"]["1.1"]["1.1.2"], "pending")
    with api.env.adopt_user(username="lead"):
        before = readiness(programme).as_dict()
    old = EvidenceLedger()
    old.layout = 1  # as pickled by 1009: a counter per day
    IAnnotations(programme)[LEDGER_KEY] = old
    assert ledger_of(programme) is None
    with api.env.adopt_user(username="lead"):
        assert readiness(programme).as_dict() == before
    setup_tool.setLastVersionForProfile(PROFILE, "1010")

    setup_tool.upgradeProfile(PROFILE, dest="1011")

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("1011",)
    ledger = ledger_of(programme)
    assert ledger is not None and ledger is not old
    approved = ledger.of(criterion.UID(), "approved")
    assert approved.total() == 2
    assert approved.on(soon.isoformat()) == 1
    assert approved.until("2029-12-31") == 1
    assert approved.until("2030-01-01") == 2
    assert ledger.total("pending") == 1
    with api.env.adopt_user(username="lead"):
        assert readiness(programme).as_dict() == before
