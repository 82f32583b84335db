"""Bad input and lost races over HTTP: a clear answer, never a 500, nothing stored.

The test site speaks French, as make start's does: messages are checked in French.
Written in terms of the user ids of nr_setup.USERS, not of role names.
"""

from datetime import date
from nr_setup import build_programme
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from plone import api

import html
import pytest
import requests
import transaction


def session(user_id=None):
    s = requests.Session()
    if user_id:
        s.auth = (user_id, PASSWORD)
    return s


def token_of(user_id):
    """The CSRF token plone.protect expects from ``user_id``."""
    from plone.protect.authenticator import createToken

    with api.env.adopt_user(username=user_id):
        return createToken()


def text(response):
    return html.unescape(response.text)


def count(portal_type):
    transaction.begin()
    return len(api.content.find(portal_type=portal_type, unrestricted=True))


@pytest.fixture
def programme(functional_portal):
    programme = build_programme(functional_portal)
    transaction.commit()
    return programme


@pytest.fixture
def criterion(programme):
    return programme["1"]["1.1"]["1.1.1"]


class TestPlanAction:
    def plan(self, criterion, user_id="lead", **form):
        form.setdefault("_authenticator", token_of(user_id))
        return session(user_id).post(
            f"{criterion.absolute_url()}/@@nr-plan-action",
            data=form,
            allow_redirects=False,
            timeout=60,
        )

    @pytest.mark.parametrize(
        "form, message",
        [
            (
                {"title": "Diffuser la charte", "due_date": "2026-13-45"},
                "Échéance : « 2026-13-45 » n'est pas une date",
            ),
            (
                {"title": "Diffuser la charte", "due_date": "tomorrow"},
                "Échéance : « tomorrow » n'est pas une date",
            ),
            (
                {"title": "Diffuser la charte", "priority": "bogus"},
                "Priorité : « bogus » n'est pas une valeur acceptée",
            ),
            (
                {"title": "x" * 300_000},
                "Titre : 1024 caractères au maximum (vous en avez saisi 300000).",
            ),
            ({"title": "   "}, "Donnez un titre à l'action."),
            ({}, "Donnez un titre à l'action."),
        ],
        ids=[
            "impossible date",
            "word date",
            "bogus priority",
            "long title",
            "blank",
            "no title",
        ],
    )
    def test_bad_input_is_400_and_creates_nothing(self, criterion, form, message):
        before = count("nr_action")
        response = self.plan(criterion, **form)
        assert response.status_code == 400
        assert message in text(response)
        assert count("nr_action") == before

    def test_good_input_plans_the_action(self, criterion):
        before = count("nr_action")
        response = self.plan(
            criterion,
            title="Diffuser la charte",
            due_date="2026-12-31",
            priority="high",
        )
        assert response.status_code == 302, text(response)[:2000]
        assert count("nr_action") == before + 1
        action = api.content.find(portal_type="nr_action", unrestricted=True)[0]
        action = action._unrestrictedGetObject()
        assert action.due_date == date(2026, 12, 31)
        assert action.priority == "high"
        assert action.Title() == "Diffuser la charte"

    def test_reader_may_not(self, criterion):
        before = count("nr_action")
        response = self.plan(criterion, user_id="reader", title="Diffuser la charte")
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "login" in response.headers["Location"]
        assert count("nr_action") == before

    def test_the_rest_api_refuses_the_same_values(self, criterion):
        """Both paths apply the nr_action schema: what one refuses, so does the other."""
        programme = criterion.aq_parent.aq_parent.aq_parent
        plan = [
            o for o in programme.objectValues() if o.portal_type == "nr_action_plan"
        ]
        plan = plan[0]
        rest = session("lead")
        rest.headers["Accept"] = "application/json"
        for field, value in (("priority", "bogus"), ("title", "x" * 300_000)):
            body = {"@type": "nr_action", "title": "Diffuser la charte"}
            body[field] = value
            body["criteria"] = [criterion.UID()]
            assert rest.post(plan.absolute_url(), json=body).status_code == 400
            form = {"title": "Diffuser la charte", field: value}
            assert self.plan(criterion, **form).status_code == 400
        assert count("nr_action") == 0


class TestMacros:
    @pytest.mark.parametrize("user_id", [None, "reader", "manager"])
    def test_macros_are_not_a_page(self, programme, user_id):
        for context in (api.portal.get(), programme):
            response = session(user_id).get(
                f"{context.absolute_url()}/@@nr-macros", allow_redirects=False
            )
            if user_id is None and response.status_code == 302:
                # Where anonymous may not look, the login page (not a 500).
                assert "login" in response.headers["Location"]
            else:
                assert response.status_code == 404

    def test_pages_still_use_the_macros(self, criterion):
        evidence_in_state(criterion, "approved", title="Charte signée")
        transaction.commit()
        response = session("reader").get(criterion.absolute_url())
        assert response.status_code == 200
        assert "nr-history" in response.text  # the history macro
        response = session("reader").get(criterion.aq_parent.absolute_url())
        assert response.status_code == 200
        assert "nr-tree" in response.text  # the tree macro
