"""Bad input and lost races over HTTP: a clear answer, never a 500, nothing stored.

The test site speaks French, as make start's does: messages are checked in French.
Written in terms of the user ids of nr_setup.USERS, not of role names.
"""

from datetime import date
from nr_setup import evidence_in_state
from nr_setup import session
from nr_setup import token_of
from nr_setup import transition
from plone import api

import html
import pytest
import transaction


def text(response):
    return html.unescape(response.text)


def count(portal_type):
    transaction.begin()
    return len(api.content.find(portal_type=portal_type, unrestricted=True))


def post_form(url, user_id, client=None, **form):
    """Post a form as ``user_id``, with its CSRF token, through ``client`` if given
    (a session that then reads the status message), else a new session."""
    form.setdefault("_authenticator", token_of(user_id))
    return (client or session(user_id)).post(
        url, data=form, allow_redirects=False, timeout=60
    )


class TestPlanAction:
    def plan(self, criterion, user_id="lead", **form):
        url = f"{criterion.absolute_url()}/@@nr-plan-action"
        return post_form(url, user_id, **form)

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
    def test_bad_input_is_400_and_creates_nothing(
        self, functional_criterion, form, message
    ):
        before = count("nr_action")
        response = self.plan(functional_criterion, **form)
        assert response.status_code == 400
        assert message in text(response)
        assert count("nr_action") == before

    def test_good_input_plans_the_action(self, functional_criterion):
        before = count("nr_action")
        response = self.plan(
            functional_criterion,
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

    def test_reader_may_not(self, functional_criterion):
        before = count("nr_action")
        response = self.plan(
            functional_criterion, user_id="reader", title="Diffuser la charte"
        )
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "login" in response.headers["Location"]
        assert count("nr_action") == before

    def test_the_rest_api_refuses_the_same_values(self, functional_criterion):
        """Both paths apply the nr_action schema: what one refuses, so does the other."""
        functional_programme = functional_criterion.aq_parent.aq_parent.aq_parent
        plan = [
            o
            for o in functional_programme.objectValues()
            if o.portal_type == "nr_action_plan"
        ]
        plan = plan[0]
        rest = session("lead")
        rest.headers["Accept"] = "application/json"
        for field, value in (("priority", "bogus"), ("title", "x" * 300_000)):
            body = {"@type": "nr_action", "title": "Diffuser la charte"}
            body[field] = value
            body["criteria"] = [functional_criterion.UID()]
            assert rest.post(plan.absolute_url(), json=body).status_code == 400
            form = {"title": "Diffuser la charte", field: value}
            assert self.plan(functional_criterion, **form).status_code == 400
        assert count("nr_action") == 0


class TestContentStatusModify:
    """Plone's classic state menu on evidence."""

    def modify(self, evidence, user_id, client=None, **form):
        url = f"{evidence.absolute_url()}/content_status_modify"
        return post_form(url, user_id, client, **form)

    @pytest.mark.parametrize(
        "user_id, workflow_action, sent_to, said",
        [
            (
                "reviewer",
                "reject",
                "/@@nr-transition?transition=reject",  # the reason form
                "un motif est obligatoire",
            ),
            (
                "author",
                "approve",
                "/politique-nr",  # back to the evidence
                "un autre relecteur doit la relire",
            ),
        ],
        ids=["rejection_without_reason", "self_approval"],
    )
    def test_refusal_is_said_not_500(
        self, functional_criterion, user_id, workflow_action, sent_to, said
    ):
        evidence = evidence_in_state(functional_criterion, "pending")
        transaction.commit()
        s = session(user_id)
        response = self.modify(evidence, user_id, s, workflow_action=workflow_action)
        assert response.status_code in (302, 303)
        location = response.headers["Location"]
        assert sent_to in location
        page = s.get(location, timeout=60)
        assert page.status_code == 200
        assert said in text(page)
        transaction.begin()
        assert api.content.get_state(evidence) == "pending"

    def test_rejection_with_reason_goes_through(self, functional_criterion):
        evidence = evidence_in_state(functional_criterion, "pending")
        transaction.commit()
        response = self.modify(
            evidence, "reviewer", workflow_action="reject", comment="Non signée"
        )
        assert response.status_code in (302, 303)
        transaction.begin()
        assert api.content.get_state(evidence) == "rejected"


class TestMacros:
    @pytest.mark.parametrize("user_id", [None, "reader", "manager"])
    def test_macros_are_not_a_page(self, functional_programme, user_id):
        for context in (api.portal.get(), functional_programme):
            response = session(user_id).get(
                f"{context.absolute_url()}/@@nr-macros", allow_redirects=False
            )
            if user_id is None and response.status_code == 302:
                # Where anonymous may not look, the login page (not a 500).
                assert "login" in response.headers["Location"]
            else:
                assert response.status_code == 404

    def test_pages_still_use_the_macros(self, functional_criterion):
        evidence_in_state(functional_criterion, "approved", title="Charte signée")
        transaction.commit()
        response = session("reader").get(functional_criterion.absolute_url())
        assert response.status_code == 200
        assert "nr-history" in response.text  # the history macro
        response = session("reader").get(functional_criterion.aq_parent.absolute_url())
        assert response.status_code == 200
        assert "nr-tree" in response.text  # the tree macro


class TestLostReviewRace:
    """A reviewer who loses a race or follows a stale link is told what happened."""

    def open_transition(self, evidence, user_id, transition_id, method="get"):
        s = session(user_id)
        url = f"{evidence.absolute_url()}/@@nr-transition"
        if method == "get":
            response = s.get(
                url,
                params={"transition": transition_id},
                allow_redirects=False,
                timeout=60,
            )
        else:
            response = s.post(
                url,
                data={
                    "transition": transition_id,
                    "comment": "Non signée",
                    "form.buttons.confirm": "1",
                    "_authenticator": token_of(user_id),
                },
                allow_redirects=False,
                timeout=60,
            )
        return s, response

    def follow(self, s, response):
        assert response.status_code == 303, (response.status_code, response.text[:500])
        queue = s.get(response.headers["Location"], timeout=60)
        assert queue.status_code == 200
        return queue

    def back_to_the_queue(self, s, response, programme):
        """The text of the review queue the refused reviewer was sent back to."""
        assert response.headers["Location"] == (
            f"{programme.absolute_url()}/@@nr-review-queue"
        )
        return text(self.follow(s, response))

    def test_already_approved_by_someone_else(
        self, functional_programme, functional_criterion
    ):
        evidence = evidence_in_state(functional_criterion, "pending")
        transition(evidence, "reviewer2", "approve")
        transaction.commit()
        s, response = self.open_transition(evidence, "reviewer", "approve")
        page = self.back_to_the_queue(s, response, functional_programme)
        assert "Déjà approuvée par Reviewer2 le " in page
        assert str(date.today().year) in page.split("Déjà approuvée par", 1)[1][:80]

    def test_lost_race_on_confirm(self, functional_programme, functional_criterion):
        evidence = evidence_in_state(functional_criterion, "pending")
        transaction.commit()
        # The reviewer opens the form; meanwhile reviewer2 rejects.
        s, form = self.open_transition(evidence, "reviewer", "approve")
        assert form.status_code == 200
        transition(evidence, "reviewer2", "reject", comment="Illisible")
        transaction.commit()
        s, response = self.open_transition(evidence, "reviewer", "approve", "post")
        page = text(self.follow(s, response))
        assert "Déjà rejetée par Reviewer2 le " in page
        transaction.begin()
        assert api.content.get_state(evidence) == "rejected"
        history = evidence.workflow_history["nr_evidence_workflow"]
        assert [e["action"] for e in history][-1] == "reject"
        assert len([e for e in history if e["action"] == "reject"]) == 1

    def test_evidence_back_in_draft(self, functional_programme, functional_criterion):
        # Reviewers do not see drafts: the link still says what happened.
        evidence = evidence_in_state(functional_criterion, "rejected")
        transition(evidence, "author", "revise")
        transaction.commit()
        s, response = self.open_transition(evidence, "reviewer", "reject")
        page = self.back_to_the_queue(s, response, functional_programme)
        assert "cette preuve est maintenant à l'état Brouillon" in page

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_genuine_refusals_stay_403(self, functional_criterion, method):
        evidence = evidence_in_state(functional_criterion, "pending")
        transaction.commit()
        # Segregation of duties: the author submitted it.
        _s, response = self.open_transition(evidence, "author", "approve", method)
        assert response.status_code == 403
        assert "un autre relecteur doit la relire" in text(response)
        # No right to review.
        _s, response = self.open_transition(evidence, "contributor", "approve", method)
        assert response.status_code == 403
        transaction.begin()
        assert api.content.get_state(evidence) == "pending"

    def test_strangers_are_not_told(self, functional_criterion):
        evidence = evidence_in_state(functional_criterion, "draft")
        transaction.commit()
        _s, response = self.open_transition(evidence, None, "approve")
        assert response.status_code == 302
        assert "login" in response.headers["Location"]
        _s, response = self.open_transition(evidence, "reader", "approve")
        assert response.status_code in (302, 403)
        assert "Brouillon" not in text(response)

    def test_unknown_transition_is_400(self, functional_criterion):
        evidence = evidence_in_state(functional_criterion, "pending")
        transaction.commit()
        _s, response = self.open_transition(evidence, "reviewer", "publish")
        assert response.status_code == 400
