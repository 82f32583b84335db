"""1008 → 1009: existing evidence gets its validity indexed, so that readiness
counts from index sets see it."""

from datetime import date
from nr_setup import build_programme
from nr_setup import evidence_in_state
from plone import api


PROFILE = "collective.nrlabel:default"


def test_upgrade_indexes_the_validity_of_existing_evidence(portal, setup_tool):
    programme = build_programme(portal)
    evidence_in_state(
        programme["1"]["1.1"]["1.1.1"], "approved", valid_until=date(2030, 1, 1)
    )
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delIndex("nr_valid_until")
    setup_tool.setLastVersionForProfile(PROFILE, "1008")

    setup_tool.upgradeProfile(PROFILE, dest="1009")

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("1009",)
    found = catalog.unrestrictedSearchResults(
        nr_valid_until={"query": "2029-12-31", "range": "min"}
    )
    assert len(found) == 1


def test_upgrade_gives_existing_programmes_their_ledger(portal, setup_tool):
    """A programme from before 1009 has no ledger (readiness counts from the
    index sets); the upgrade builds it from its evidence, and readiness then
    reads it with the same result."""
    from collective.nrlabel.evidence_ledger import LEDGER_KEY
    from collective.nrlabel.evidence_ledger import ledger_of
    from collective.nrlabel.readiness import readiness
    from zope.annotation.interfaces import IAnnotations

    programme = build_programme(portal)
    criterion = programme["1"]["1.1"]["1.1.1"]
    evidence_in_state(criterion, "approved", valid_until=date(2030, 1, 1))
    evidence_in_state(criterion, "pending")
    evidence_in_state(criterion, "draft")
    del IAnnotations(programme)[LEDGER_KEY]
    with api.env.adopt_user(username="lead"):
        before = readiness(programme).as_dict()
    setup_tool.setLastVersionForProfile(PROFILE, "1008")

    setup_tool.upgradeProfile(PROFILE, dest="1009")

    ledger = ledger_of(programme)
    assert ledger.total("approved") == 1
    assert ledger.total("pending") == 1
    assert ledger.of(criterion.UID(), "approved").on("2030-01-01") == 1
    with api.env.adopt_user(username="lead"):
        assert readiness(programme).as_dict() == before
