"""The evidence permission matrix, driven over HTTP through plone.restapi.

For each role × evidence state × action (view, modify, delete, each transition)
the outcome is checked against ``permission_matrix.expected``.
"""

from nr_setup import build_programme
from nr_setup import evidence_in_state
from nr_setup import http
from pathlib import Path
from permission_matrix import ACTIONS
from permission_matrix import expected
from permission_matrix import markdown_tables
from permission_matrix import ROLES
from permission_matrix import STATES
from permission_matrix import TRANSITIONS_FROM
from plone import api

import pytest
import transaction


USER_OF_ROLE = {
    "Anonymous": None,
    "NR Reader": "reader",
    "NR Contributor": "contributor",
    "NR Editor": "editor",
    "NR Reviewer": "reviewer2",
    "NR Lead": "lead",
    "NR Auditor": "auditor",
    "Manager": "manager",
}
REFUSED = {401, 403}


@pytest.fixture
def evidence_by_purpose(functional_portal):
    """Fresh evidence for each (state, purpose): purposes change or remove items."""
    programme = build_programme(functional_portal)
    criterion = programme["1"]["1.1"]["1.1.1"]
    items = {}
    for state in STATES:
        for purpose in ("view", "delete") + TRANSITIONS_FROM[state]:
            items[state, purpose] = evidence_in_state(
                criterion, state, title=f"{state}-{purpose}"
            )
    transaction.commit()
    return {key: (obj.absolute_url(), obj.UID()) for key, obj in items.items()}


def state_of(uid):
    transaction.begin()
    return api.content.get_state(api.content.get(UID=uid))


@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, evidence_by_purpose, functional):
    user_id = USER_OF_ROLE[role]
    outcomes = {}
    for state in STATES:
        url, uid = evidence_by_purpose[state, "view"]
        outcomes[state, "view"] = http("GET", url, user_id).status_code
        outcomes[state, "modify"] = http(
            "PATCH", url, user_id, json={"description": f"by {role}"}
        ).status_code
        delete_url, delete_uid = evidence_by_purpose[state, "delete"]
        outcomes[state, "delete"] = http("DELETE", delete_url, user_id).status_code
        for action in ACTIONS[3:]:
            target_url, target_uid = evidence_by_purpose.get(
                (state, action), (url, uid)
            )
            response = http(
                "POST",
                f"{target_url}/@workflow/{action}",
                user_id,
                json={"comment": "ok"},
            )
            outcomes[state, action] = (response.status_code, state_of(target_uid))

    problems = []
    for (state, action), outcome in outcomes.items():
        want = expected(role, state, action)
        if action in ("view", "modify", "delete"):
            ok = outcome < 300 if want else outcome in REFUSED
        else:
            status, new_state = outcome
            if want is None:
                ok = status in REFUSED | {400} and new_state == state
            elif want:
                ok = status == 200 and new_state != state
            else:
                ok = status in REFUSED and new_state == state
        if role == "Anonymous" and not want and action in ("view", "modify", "delete"):
            ok = ok and outcome == 401
        if not ok:
            problems.append(
                f"{role} {action} on {state}: got {outcome}, expected {want}"
            )
    assert not problems, "\n".join(problems)


def test_docs_publish_the_same_matrix():
    docs = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
    assert markdown_tables() in docs.read_text("utf-8")
