"""``IndexSets.rids_of`` finds what ``api.content.find`` finds, for every
person: a programme's content of some types, scoped to the programme and
filtered by what the user may see, without walking the programme's evidence."""

from collective.nrlabel.index_sets import IndexSets
from datetime import date
from nr_setup import add_audit
from nr_setup import build_programme
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from nr_setup import USERS
from plone import api

import pytest


SITE_ROLES = ("Reader", "Editor", "Reviewer", "Contributor", "Manager")
TYPE_SETS = (
    ("nr_theme", "nr_principle", "nr_criterion"),
    "nr_evidence",
    "nr_audit",
)


@pytest.fixture
def two_programmes(portal):
    programme = build_programme(portal)
    criterion = programme["1"]["1.1"]["1.1.1"]
    for state in ("draft", "pending", "approved", "rejected"):
        evidence_in_state(criterion, state, valid_until=date(2031, 1, 1))
    add_audit(programme, date(2026, 12, 1), date(2026, 12, 15))
    # Another programme, where the same people work: never found.
    other = build_programme(portal)
    with api.env.adopt_roles(["Manager"]):
        for role in SITE_ROLES:
            user_id = f"site-{role.lower()}"
            api.user.create(
                username=user_id, email=f"{user_id}@example.org", password=PASSWORD
            )
            api.user.grant_roles(username=user_id, roles=[role])
    evidence_in_state(other["1"]["1.1"]["1.1.1"], "approved")
    return programme


def found_by_catalog(programme, portal_types):
    root = "/".join(programme.getPhysicalPath())
    return {
        brain.getPath()
        for brain in api.content.find(path=root, portal_type=portal_types)
        if brain.getPath() != root
    }


def found_by_sets(programme, portal_types):
    sets = IndexSets()
    return {sets.paths[rid] for rid in sets.rids_of(programme, portal_types)}


@pytest.mark.parametrize("portal_types", TYPE_SETS)
def test_same_as_the_catalog_for_everyone(two_programmes, portal_types):
    programme = two_programmes
    people = [*USERS, *(f"site-{r.lower()}" for r in SITE_ROLES)]
    seen = {}
    for user_id in people:
        with api.env.adopt_user(username=user_id):
            expected = found_by_catalog(programme, portal_types)
            assert found_by_sets(programme, portal_types) == expected, user_id
            seen[user_id] = expected
    # Not trivially equal: some find things, others less or nothing.
    assert seen["lead"]
    assert len({frozenset(paths) for paths in seen.values()}) > 1 or (
        portal_types != "nr_evidence"
    )
    prefix = "/".join(programme.getPhysicalPath()) + "/"
    assert all(p.startswith(prefix) for paths in seen.values() for p in paths)


def test_a_query_narrows_and_unrestricted_sees_all(two_programmes):
    programme = two_programmes
    sets = IndexSets()
    with api.env.adopt_user(username="reader"):
        approved = sets.rids_of(programme, "nr_evidence", review_state="approved")
        every = sets.rids_of(programme, "nr_evidence", unrestricted=True)
    assert len(approved) == 1
    assert len(every) == 4
