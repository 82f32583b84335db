"""The programme's activity log: written as things happen, read one page at a time,
filtered by what, who and when, shown to the lead and no one outside."""

from collective.nrlabel.activity import activity
from collective.nrlabel.activity import ActivityFilter
from collective.nrlabel.activity import backfill
from collective.nrlabel.activity import record
from collective.nrlabel.content.criterion import ICriterion
from datetime import date
from datetime import datetime
from datetime import timezone
from nr_setup import add_audit
from nr_setup import audit_transition
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import session
from plone import api
from zope.annotation.interfaces import IAnnotations
from zope.event import notify
from zope.lifecycleevent import Attributes
from zope.lifecycleevent import ObjectModifiedEvent

import pytest
import transaction


def whats(programme, **filters):
    return [e.what for e in activity(programme, ActivityFilter(**filters)).entries]


def test_review_steps_are_logged_newest_first_with_actor_and_reason(programme):
    criterion = criterion_at(programme, "1.1.1")
    approved = evidence_in_state(criterion, "approved", title="Charte")
    evidence_in_state(criterion, "rejected", title="Vieux rapport")
    page = activity(programme)
    assert [e.what for e in page.entries] == [
        "nr_evidence:reject",
        "nr_evidence:submit",
        "nr_evidence:approve",
        "nr_evidence:submit",
    ]
    rejected, approval = page.entries[0], page.entries[2]
    assert (rejected.actor, rejected.title, rejected.comment) == (
        "reviewer",
        "Vieux rapport",
        "Insuffisant",
    )
    assert (approval.actor, approval.uid) == ("reviewer", approved.UID())
    assert page.entries[1].actor == "author"


def test_filters_by_group_person_and_day(programme):
    criterion = criterion_at(programme, "1.1.1")
    evidence_in_state(criterion, "approved")
    evidence_in_state(criterion, "rejected")
    assert whats(programme, group="approved") == ["nr_evidence:approve"]
    assert whats(programme, group="rejected") == ["nr_evidence:reject"]
    assert set(whats(programme, actor="author")) == {"nr_evidence:submit"}
    old = datetime(2025, 3, 4, 10, 0, tzinfo=timezone.utc)
    record(programme, "nr_audit:start_audit", "x", "Audit 2025", actor="lead", when=old)
    assert whats(programme, since=date(2025, 3, 4), until=date(2025, 3, 4)) == [
        "nr_audit:start_audit"
    ]
    assert "nr_audit:start_audit" not in whats(programme, since=date(2025, 3, 5))
    assert whats(programme, until=date(2025, 3, 3)) == []


def test_self_assessment_changes_are_logged_with_their_values(programme):
    criterion = criterion_at(programme, "1.1.2")
    with api.env.adopt_user(username="lead"):
        criterion.maturity = 2
        criterion.owner = "editor"
        notify(
            ObjectModifiedEvent(criterion, Attributes(ICriterion, "maturity", "owner"))
        )
        # A change to the referential text is not a self-assessment.
        notify(ObjectModifiedEvent(criterion, Attributes(ICriterion, "title")))
    entries = activity(programme, ActivityFilter(group="self_assessment")).entries
    assert len(entries) == 1
    assert entries[0].actor == "lead"
    assert dict(entries[0].changes) == {"maturity": 2, "owner": "editor"}
    assert entries[0].title.startswith("1.1.2 ")


def test_audit_and_action_steps_are_logged(programme):
    audit = add_audit(programme, date(2026, 1, 1), date(2026, 12, 31))
    audit_transition(audit, "start_audit", "close_audit")
    assert whats(programme, group="audit") == [
        "nr_audit:close_audit",
        "nr_audit:start_audit",
    ]


def test_paging_counts_everything_and_returns_one_page(programme):
    for index in range(120):
        record(programme, "nr_evidence:submit", f"u{index}", f"E{index}", actor="a")
    page = activity(programme, start=100, size=50)
    assert page.total == 120
    assert len(page.entries) == 20
    assert page.entries[-1].title == "E0"


def test_backfill_reads_the_workflow_histories_once(programme):
    criterion = criterion_at(programme, "1.1.1")
    evidence_in_state(criterion, "approved")
    del IAnnotations(programme)["collective.nrlabel.activity"]
    assert activity(programme).total == 0
    assert backfill(programme) == 2
    assert whats(programme) == ["nr_evidence:approve", "nr_evidence:submit"]
    assert backfill(programme) == 0  # a filled log is left alone
    assert activity(programme).total == 2


# -- over HTTP ---------------------------------------------------------------------


@pytest.fixture
def logged(functional_programme):
    criterion = criterion_at(functional_programme, "1.1.1")
    evidence_in_state(criterion, "rejected", title="<script>alert(1)</script>")
    evidence_in_state(criterion, "approved", title="Charte numérique")
    transaction.commit()
    return functional_programme


def test_the_lead_reads_the_log_in_french(logged):
    response = session("lead").get(f"{logged.absolute_url()}/@@nr-activity")
    assert response.status_code == 200
    page = response.text
    assert "Journal d'activité" in page
    assert "a approuvé la preuve" in page
    assert "a refusé la preuve" in page
    assert "Charte numérique" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Insuffisant" in page


def test_the_filter_narrows_the_page(logged):
    url = f"{logged.absolute_url()}/@@nr-activity?what=approved"
    page = session("lead").get(url).text
    assert "a approuvé la preuve" in page
    assert "a refusé la preuve" not in page
    assert "Entrées 1 à 1 sur 1" in page


@pytest.mark.parametrize(
    "query",
    ["what=everything", "since=2026-13-45", "until=yesterday", "what=%3Cscript%3E"],
)
def test_a_filter_the_page_does_not_offer_is_a_400(logged, query):
    response = session("lead").get(f"{logged.absolute_url()}/@@nr-activity?{query}")
    assert response.status_code == 400
    assert "Ce filtre n'est pas proposé par la page" in response.text
    assert "<script>" not in response.text.split("nr-activity-page", 1)[1]


@pytest.mark.parametrize("user", ["editor", "auditor", "site_reader", "site_editor"])
def test_people_without_the_dashboard_do_not_see_the_log(logged, user):
    if user.startswith("site_"):
        api.user.create(
            username=user, email=f"{user}@example.org", password="secret-password-1"
        )
        role = "Reader" if user == "site_reader" else "Editor"
        api.user.grant_roles(username=user, roles=[role])
        transaction.commit()
        http = session()
        http.auth = (user, "secret-password-1")
    else:
        http = session(user)
    response = http.get(f"{logged.absolute_url()}/@@nr-activity", allow_redirects=False)
    assert response.status_code in (302, 401, 403)
    assert "Charte numérique" not in response.text


@pytest.mark.parametrize(
    "query", ["what=audit&what=audit", "who=nobody", "who=%3Cscript%3E"]
)
def test_repeated_or_unknown_filters_are_a_400_too(logged, query):
    response = session("lead").get(f"{logged.absolute_url()}/@@nr-activity?{query}")
    assert response.status_code == 400
    assert "Ce filtre n'est pas proposé par la page" in response.text


def test_a_page_far_past_the_end_is_an_empty_page(logged):
    url = f"{logged.absolute_url()}/@@nr-activity?b_start={10**30}"
    response = session("lead").get(url)
    assert response.status_code == 200
    assert "Aucune entrée ne correspond." in response.text
