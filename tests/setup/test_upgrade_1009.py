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
