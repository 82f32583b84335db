"""Time-boxed auditor access over HTTP, with a controllable clock.

The auditor is listed on the audit only (no role of their own on the programme).
"""

from datetime import date
from nr_setup import add_audit
from nr_setup import audit_transition
from nr_setup import build_programme
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from plone import api
from urllib.parse import urlparse

import pytest
import requests
import transaction


REFUSED = {401, 403}
WINDOW = (date(2026, 6, 1), date(2026, 6, 30))


@pytest.fixture
def site(functional_portal):
    programme = build_programme(functional_portal)
    api.user.create(
        username="ext-auditor", email="audit@sgs.example", password=PASSWORD
    )
    criterion = criterion_at(programme, "1.1.1")
    evidence = {
        state: evidence_in_state(criterion, state, title=state)
        for state in ("draft", "pending", "approved", "rejected")
    }
    audit = add_audit(programme, *WINDOW, auditors=["ext-auditor"])
    audit_transition(audit, "start_audit")
    transaction.commit()
    return {
        "programme": programme.absolute_url(),
        "criterion": criterion.absolute_url(),
        "evidence": {state: obj.absolute_url() for state, obj in evidence.items()},
        "audit": audit,
        "portal": functional_portal.absolute_url(),
    }


def get(url, **params):
    return requests.get(
        url,
        params=params,
        auth=("ext-auditor", PASSWORD),
        headers={"Accept": "application/json"},
        timeout=30,
    )


def search(site):
    path = urlparse(site["programme"]).path
    response = get(
        f"{site['portal']}/@search",
        path=path,
        b_size=500,
        metadata_fields="review_state",
    )
    assert response.status_code == 200
    return response.json()


def assert_no_access(site):
    assert get(site["programme"]).status_code in REFUSED
    assert get(site["criterion"]).status_code in REFUSED
    for url in site["evidence"].values():
        assert get(url).status_code in REFUSED
    assert search(site)["items_total"] == 0


def test_before_the_window(site, clock):
    clock(date(2026, 5, 31))
    assert_no_access(site)


def test_during_the_window(site, clock):
    clock(date(2026, 6, 15))
    assert get(site["programme"]).status_code == 200
    assert get(site["criterion"]).status_code == 200
    statuses = {state: get(url).status_code for state, url in site["evidence"].items()}
    assert statuses["approved"] == 200
    assert {statuses[s] for s in ("draft", "pending", "rejected")} <= REFUSED

    found = search(site)["items"]
    assert len(found) > 47
    evidence = [item for item in found if item["@type"] == "nr_evidence"]
    assert [item["review_state"] for item in evidence] == ["approved"]

    # Reads only: no write anywhere.
    auth = ("ext-auditor", PASSWORD)
    headers = {"Accept": "application/json"}
    assert (
        requests.patch(
            site["criterion"], json={"notes": "x"}, auth=auth, headers=headers
        ).status_code
        in REFUSED
    )
    assert (
        requests.patch(
            site["evidence"]["approved"],
            json={"title": "x"},
            auth=auth,
            headers=headers,
        ).status_code
        in REFUSED
    )
    assert (
        requests.post(
            site["criterion"],
            auth=auth,
            headers=headers,
            json={
                "@type": "nr_evidence",
                "title": "x",
                "link": "https://x.org",
                "document_date": "2026-01-01",
            },
        ).status_code
        in REFUSED
    )
    assert (
        requests.post(
            f"{site['evidence']['approved']}/@workflow/reopen",
            auth=auth,
            headers=headers,
        ).status_code
        in REFUSED
    )
    assert (
        requests.delete(
            site["evidence"]["approved"], auth=auth, headers=headers
        ).status_code
        in REFUSED
    )


def test_last_day_then_after_the_window(site, clock):
    clock(WINDOW[1])
    assert get(site["programme"]).status_code == 200
    clock(date(2026, 7, 1))
    assert_no_access(site)


def test_after_the_audit_is_closed(site, clock):
    clock(date(2026, 6, 15))
    assert get(site["programme"]).status_code == 200
    audit_transition(site["audit"], "close_audit")
    transaction.commit()
    assert_no_access(site)


def test_downloads_are_logged_for_the_lead(site, clock, functional_app):
    clock(date(2026, 6, 15))
    download = requests.get(
        f"{site['evidence']['approved']}/@@download/file",
        auth=("ext-auditor", PASSWORD),
        timeout=30,
    )
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    log = requests.get(
        f"{site['programme']}/@@nr-auditor-downloads",
        auth=("lead", PASSWORD),
        timeout=30,
    )
    assert log.status_code == 200
    assert "Ext-auditor" in log.text or "ext-auditor" in log.text
    assert "politique.pdf" in log.text
    refused = requests.get(
        f"{site['programme']}/@@nr-auditor-downloads",
        auth=("ext-auditor", PASSWORD),
        timeout=30,
    )
    assert (
        refused.status_code in REFUSED
        or "require_login" in refused.url
        or "insufficient" in refused.url
    )
