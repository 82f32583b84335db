"""Every content type's default view over HTTP, as each person who may see it (200,
with the title) and as people who may not (403 or the login page, never 500).

Written in terms of the user ids of nr_setup.USERS, not of role names.
"""

from collective.nrlabel.action_plan import plan_action
from datetime import date
from datetime import timedelta
from nr_setup import add_audit
from nr_setup import add_finding
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from nr_setup import token_of
from plone import api

import html
import pytest
import requests
import transaction


EVERYONE = (
    "author",
    "reader",
    "contributor",
    "editor",
    "reviewer",
    "reviewer2",
    "lead",
    "auditor",
    "manager",
)
# Who sees evidence in each state (the author created and submitted it).
WRITERS = ("author", "contributor", "editor", "lead", "manager")
SEE_EVIDENCE = {
    "draft": WRITERS,
    "pending": WRITERS + ("reviewer", "reviewer2"),
    "approved": EVERYONE,
    "rejected": WRITERS + ("reviewer", "reviewer2"),
}
OUTSIDER = "outsider"  # signed in, no role on the programme
ANONYMOUS = None


def get(url, user_id):
    auth = (user_id, PASSWORD) if user_id else None
    return requests.get(url, auth=auth, allow_redirects=False, timeout=60)


def page_text(response):
    return html.unescape(response.text)


def check_sees(obj, users):
    """Problems, if any, for each of ``users`` opening ``obj``'s default view."""
    title = obj.Title()
    problems = []
    for user_id in users:
        response = get(obj.absolute_url(), user_id)
        if response.status_code != 200:
            problems.append(f"{user_id}: {response.status_code}")
        elif title not in page_text(response):
            problems.append(f"{user_id}: 200 without the title {title!r}")
    return problems


def refused(response):
    """403, or the login page (where Plone sends whoever lacks the right)."""
    status = response.status_code
    return status == 403 or (
        status in (302, 303) and "login" in response.headers.get("Location", "")
    )


def check_refused(obj, users):
    """Problems, if any, for each of ``users`` (None: anonymous) being refused."""
    problems = []
    for user_id in users:
        response = get(obj.absolute_url(), user_id)
        if not refused(response):
            problems.append(f"{user_id or 'anonymous'}: {response.status_code}")
        elif obj.Title() in page_text(response):
            problems.append(f"{user_id or 'anonymous'}: the page shows the title")
    return problems


@pytest.fixture(autouse=True)
def outsider(functional_portal):
    """A colleague signed in without a role on the programme."""
    if api.user.get(userid=OUTSIDER) is None:
        api.user.create(
            username=OUTSIDER, email="outsider@example.org", password=PASSWORD
        )
    transaction.commit()


@pytest.fixture
def audit(functional_programme):
    today = date.today()
    audit = add_audit(
        functional_programme, today - timedelta(days=1), today + timedelta(days=10)
    )
    transaction.commit()
    return audit


@pytest.fixture
def finding(functional_programme, audit):
    finding = add_finding(
        audit,
        criterion_at(functional_programme, "1.1.1"),
        "Charte non diffusée",
        "La charte numérique responsable n'est pas diffusée aux agents.",
    )
    transaction.commit()
    return finding


def referential_items(functional_programme):
    theme = functional_programme["1"]
    principle = theme["1.1"]
    return {
        "nr_programme": functional_programme,
        "nr_theme": theme,
        "nr_principle": principle,
        "nr_criterion": principle["1.1.1"],
    }


class TestDefaultViews:
    @pytest.mark.parametrize(
        "portal_type", ["nr_programme", "nr_theme", "nr_principle", "nr_criterion"]
    )
    def test_referential(self, functional_programme, portal_type):
        obj = referential_items(functional_programme)[portal_type]
        assert obj.portal_type == portal_type
        assert check_sees(obj, EVERYONE) == []
        assert check_refused(obj, (ANONYMOUS, OUTSIDER)) == []

    def test_action_plan(self, functional_programme):
        plan = [
            o
            for o in functional_programme.objectValues()
            if o.portal_type == "nr_action_plan"
        ]
        assert len(plan) == 1
        assert check_sees(plan[0], EVERYONE) == []
        assert check_refused(plan[0], (ANONYMOUS, OUTSIDER)) == []

    def test_action(self, functional_programme):
        with api.env.adopt_user(username="lead"):
            action = plan_action(
                criterion_at(functional_programme, "1.1.1"),
                "Diffuser la charte",
                due_date=date(2026, 12, 31),
            )
        transaction.commit()
        assert check_sees(action, EVERYONE) == []
        assert check_refused(action, (ANONYMOUS, OUTSIDER)) == []

    def test_audit(self, audit):
        assert check_sees(audit, EVERYONE) == []
        assert check_refused(audit, (ANONYMOUS, OUTSIDER)) == []

    def test_finding(self, finding):
        # The finding page used to fail for everyone (LocationError, 500).
        assert check_sees(finding, EVERYONE) == []
        assert check_refused(finding, (ANONYMOUS, OUTSIDER)) == []
        text = page_text(get(finding.absolute_url(), "reader"))
        assert "1.1.1" in text
        assert "La charte numérique responsable n'est pas diffusée" in text

    @pytest.mark.parametrize("state", ["draft", "pending", "approved", "rejected"])
    def test_evidence(self, functional_programme, state):
        evidence = evidence_in_state(
            criterion_at(functional_programme, "1.1.1"), state, title=f"Preuve {state}"
        )
        transaction.commit()
        allowed = SEE_EVIDENCE[state]
        assert check_sees(evidence, allowed) == []
        refused = [u for u in EVERYONE if u not in allowed] + [ANONYMOUS, OUTSIDER]
        assert check_refused(evidence, refused) == []


def action_count():
    transaction.begin()
    return len(api.content.find(portal_type="nr_action", unrestricted=True))


def create_action(finding, user_id):
    """Press the finding page's "create an action" button as ``user_id``."""
    return requests.post(
        f"{finding.absolute_url()}/@@nr-create-action",
        data={"_authenticator": token_of(user_id)},
        auth=(user_id, PASSWORD),
        allow_redirects=False,
        timeout=60,
    )


class TestCreateActionFromFinding:
    def test_lead_creates_an_action_over_http(self, finding):
        page = get(finding.absolute_url(), "lead")
        assert page.status_code == 200
        assert "@@nr-create-action" in page.text
        before = action_count()
        response = create_action(finding, "lead")
        assert response.status_code in (302, 303), response.text[:500]
        assert response.headers["Location"].endswith("/edit")
        assert action_count() == before + 1
        action = api.content.find(portal_type="nr_action", unrestricted=True)[0]
        action = action._unrestrictedGetObject()
        assert action.origin == "audit_finding"
        assert action.finding_uid == finding.UID()
        # The finding page now lists the action.
        page = get(finding.absolute_url(), "lead")
        assert page.status_code == 200
        assert action.Title() in page_text(page)

    def test_reader_cannot(self, finding):
        page = get(finding.absolute_url(), "reader")
        assert page.status_code == 200
        assert "@@nr-create-action" not in page.text
        before = action_count()
        response = create_action(finding, "reader")
        assert refused(response), (response.status_code, response.headers)
        assert action_count() == before
