"""Irreversible steps over HTTP: a confirmation page first, the step on its POST.

Starting and closing an audit, granting or refusing the label and giving up an
action run from Plone's status form (the state menu) and from the add-on's pages.
A GET — even with the CSRF token — must never take them; only the confirmation's
POST does. Only one audit of a programme may be in progress. The test site speaks
French: messages are checked in French (and once in English).
"""

from collective.nrlabel.irreversible import consequences
from collective.nrlabel.irreversible import is_irreversible
from datetime import date
from nr_setup import add_audit
from nr_setup import audit_transition
from nr_setup import criterion_at
from nr_setup import relation
from nr_setup import session
from nr_setup import token_of
from plone import api

import html
import pytest
import transaction


TODAY = date(2026, 5, 4)


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


def text(response):
    return html.unescape(response.text)


def state_of(obj):
    transaction.begin()
    return api.content.get_state(obj)


def status_form(obj, transition_id, user_id="lead", method="get"):
    """Plone's status form as the state menu calls it: the token in the URL."""
    s = session(user_id)
    params = {"workflow_action": transition_id, "_authenticator": token_of(user_id)}
    url = f"{obj.absolute_url()}/content_status_modify"
    if method == "post":
        return s.post(url, data=params, timeout=60)
    return s.get(url, params=params, timeout=60)


def confirm(obj, transition_id, user_id="lead", token=True):
    data = {"transition": transition_id, "form.buttons.confirm": "1"}
    if token:
        data["_authenticator"] = token_of(user_id)
    return session(user_id).post(
        f"{obj.absolute_url()}/@@nr-confirm-transition",
        data=data,
        allow_redirects=False,
        timeout=60,
    )


def confirmation_page(obj, transition_id, user_id="lead", **kwargs):
    return session(user_id).get(
        f"{obj.absolute_url()}/@@nr-confirm-transition",
        params={"transition": transition_id},
        timeout=60,
        **kwargs,
    )


@pytest.fixture
def audit(functional_programme):
    audit = add_audit(functional_programme, date(2026, 5, 1), date(2026, 5, 15))
    transaction.commit()
    return audit


def at(audit, *transition_ids):
    audit_transition(audit, *transition_ids)
    transaction.commit()
    return audit


@pytest.fixture
def action(functional_programme):
    criterion = criterion_at(functional_programme, "1.1.1")
    with api.env.adopt_user(username="lead"):
        action = api.content.create(
            container=functional_programme["action-plan"],
            type="nr_action",
            title="Diffuser la charte",
            criteria=[relation(criterion)],
            responsible="editor",
            due_date=date(2026, 6, 30),
        )
    transaction.commit()
    return action


class TestTheTable:
    def test_which_steps_are_irreversible(self, audit, action):
        for transition_id in ("start_audit", "close_audit", "grant", "refuse"):
            assert is_irreversible(audit, transition_id)
        assert not is_irreversible(audit, "expire")
        assert is_irreversible(action, "cancel")
        assert not is_irreversible(action, "start")
        assert not is_irreversible(action, "complete")

    def test_start_audit_says_what_happens(self, audit):
        lines = [
            api.portal.translate(m, lang="en")
            for m in consequences(audit, "start_audit")
        ]
        assert lines[0].startswith("Evidence will be frozen: nobody can change")
        assert "read-only access from 2026-05-01 to 2026-05-15" in lines[1]


class TestStartAudit:
    def test_get_on_the_status_form_only_asks(self, audit):
        response = status_form(audit, "start_audit")
        assert response.status_code == 200
        assert "@@nr-confirm-transition" in response.url
        page = text(response)
        assert "Démarrer l'audit : Audit initial" in page
        assert "Les preuves seront gelées : personne ne pourra modifier" in page
        assert "accès en lecture seule du 01/05/2026 au 15/05/2026" in page
        assert 'name="_authenticator"' in page
        assert "Confirmer : Démarrer l'audit" in page
        assert f'href="{audit.absolute_url()}"' in page  # Cancel
        assert state_of(audit) == "preparation"

    def test_post_on_the_status_form_does_not_run_it_either(self, audit):
        response = status_form(audit, "start_audit", method="post")
        assert "@@nr-confirm-transition" in response.url
        assert state_of(audit) == "preparation"

    def test_audit_page_links_to_the_confirmation(self, audit):
        page = text(session("lead").get(audit.absolute_url(), timeout=60))
        assert (
            f"{audit.absolute_url()}/@@nr-confirm-transition?transition=start_audit"
            in page
        )
        assert "content_status_modify?workflow_action=start_audit" not in page

    def test_confirm_runs_it(self, audit):
        response = confirm(audit, "start_audit")
        assert response.status_code == 302
        assert response.headers["Location"] == audit.absolute_url()
        assert state_of(audit) == "in_audit"

    def test_confirm_needs_the_token(self, audit):
        response = confirm(audit, "start_audit", token=False)
        assert response.status_code == 403
        assert state_of(audit) == "preparation"

    @pytest.mark.parametrize("user_id", ["reader", "editor", "reviewer", "auditor"])
    def test_only_who_manages_audits(self, audit, user_id):
        for response in (
            confirmation_page(audit, "start_audit", user_id, allow_redirects=False),
            confirm(audit, "start_audit", user_id),
        ):
            assert response.status_code in (302, 401, 403, 404)
            if response.status_code == 302:
                assert "require_login" in response.headers["Location"]
            assert "Confirmer" not in text(response)
        assert state_of(audit) == "preparation"


class TestEndOfCycle:
    @pytest.mark.parametrize(
        "before, transition_id, after, said",
        [
            ((), "start_audit", "in_audit", "Les preuves seront gelées"),
            (("start_audit",), "close_audit", "committee", "Le gel des preuves est"),
            (
                ("start_audit", "close_audit"),
                "grant",
                "labelled",
                "La décision du comité est définitive",
            ),
            (
                ("start_audit", "close_audit"),
                "refuse",
                "not_labelled",
                "L'audit est enregistré comme non labellisé.",
            ),
        ],
    )
    def test_get_asks_post_runs(self, audit, before, transition_id, after, said):
        at(audit, *before)
        state = state_of(audit)
        response = status_form(audit, transition_id)
        assert response.status_code == 200
        assert said in text(response)
        assert "Cette étape est irréversible" in text(response)
        assert state_of(audit) == state
        assert confirm(audit, transition_id).status_code == 302
        assert state_of(audit) == after

    def test_grant_names_the_dates(self, audit):
        audit.granted_date = date(2026, 6, 10)
        at(audit, "start_audit", "close_audit")
        page = text(confirmation_page(audit, "grant"))
        assert "obtenu le 10/06/2026, valable jusqu'au 10/06/2029" in page

    def test_grant_without_a_date_says_so(self, audit):
        at(audit, "start_audit", "close_audit")
        page = text(confirmation_page(audit, "grant"))
        assert "Aucune date d'obtention n'est enregistrée" in page

    def test_step_not_offered_now_is_409(self, audit):
        response = confirmation_page(audit, "grant")
        assert response.status_code == 409
        assert "Cette étape n'est pas possible maintenant" in text(response)
        assert "Confirmer :" not in text(response)
        assert confirm(audit, "grant").status_code == 409
        assert state_of(audit) == "preparation"

    @pytest.mark.parametrize("value", ["delete_everything", ""])
    def test_unknown_step_is_400(self, audit, value):
        response = confirmation_page(audit, value)
        assert response.status_code == 400
        assert "Cette étape n'existe pas." in text(response)


class TestOneAuditInProgress:
    @pytest.fixture
    def second(self, functional_programme, audit):
        at(audit, "start_audit")
        second = add_audit(
            functional_programme,
            date(2026, 9, 1),
            date(2026, 9, 15),
            title="Audit de suivi",
            kind="follow_up",
        )
        transaction.commit()
        return second

    def test_confirmation_says_why_and_offers_no_button(self, second):
        response = status_form(second, "start_audit")
        assert response.status_code == 409
        page = text(response)
        assert (
            "L'audit « Audit initial » est déjà en cours ; clôturez-le d'abord." in page
        )
        assert "Confirmer :" not in page
        assert state_of(second) == "preparation"

    def test_said_in_english_too(self, second):
        api.user.get(userid="lead").setMemberProperties({"language": "en"})
        transaction.commit()
        page = text(confirmation_page(second, "start_audit"))
        assert "Audit “Audit initial” is already in progress; close it first." in page

    def test_direct_post_is_refused(self, second):
        response = confirm(second, "start_audit")
        assert response.status_code == 409
        assert "déjà en cours" in text(response)
        assert state_of(second) == "preparation"

    def test_the_workflow_refuses_it(self, second):
        transaction.begin()
        with api.env.adopt_user(username="lead"):
            assert "start_audit" not in [
                t["id"]
                for t in api.portal.get_tool("portal_workflow").getTransitionsFor(
                    second
                )
            ]
            with pytest.raises(api.exc.InvalidParameterError):
                api.content.transition(obj=second, transition="start_audit")
        assert api.content.get_state(second) == "preparation"

    def test_the_audit_page_offers_no_start_and_says_why(self, second):
        page = text(session("lead").get(second.absolute_url(), timeout=60))
        assert "transition=start_audit" not in page
        assert "L'audit « Audit initial » est déjà en cours" in page

    def test_once_closed_the_next_one_may_start(self, audit, second):
        at(audit, "close_audit")
        assert confirm(second, "start_audit").status_code == 302
        assert state_of(second) == "in_audit"


class TestCancelAction:
    def test_get_asks_post_runs(self, action):
        response = status_form(action, "cancel")
        assert response.status_code == 200
        page = text(response)
        assert "Abandonner : Diffuser la charte" in page
        assert "L'action est abandonnée" in page
        assert state_of(action) == "planned"
        assert confirm(action, "cancel").status_code == 302
        assert state_of(action) == "cancelled"

    def test_a_second_click_says_it_is_done_not_log_in(self, action):
        assert confirm(action, "cancel").status_code == 302
        again = confirm(action, "cancel")
        assert again.status_code == 409
        assert "Cette étape n'est pas possible maintenant" in text(again)
        assert state_of(action) == "cancelled"

    def test_reversible_steps_stay_one_click(self, action):
        response = status_form(action, "start")
        assert response.status_code == 200
        assert "@@nr-confirm-transition" not in response.url
        assert state_of(action) == "in_progress"

    def test_action_page_links_to_the_confirmation(self, action):
        page = text(session("lead").get(action.absolute_url(), timeout=60))
        assert "@@nr-confirm-transition?transition=cancel" in page
        assert "content_status_modify?workflow_action=start" in page
