"""Audit forms, actions on the criterion page, the action form and page, and the
action plan's overdue filter, over HTTP.

Planning an audit asks for planning fields only; its outcome (score, level,
committee and grant dates) is asked at the committee step. An action is owned by
someone of the programme (never an auditor) and shows their name and a full date.
The test site speaks French.
"""

from datetime import date
from nr_setup import add_audit
from nr_setup import add_finding
from nr_setup import audit_transition
from nr_setup import criterion_at
from nr_setup import relation
from nr_setup import session
from nr_setup import token_of
from plone import api

import html
import pytest
import re
import transaction


TODAY = date(2026, 5, 4)
OUTCOME = ("score_obtained", "level_obtained", "committee_date", "granted_date")
PLANNING = ("kind", "audit_body", "window_start", "window_end", "auditors")


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


def text(response):
    return html.unescape(response.text)


def get(url, user_id="lead", **kwargs):
    return session(user_id).get(url, timeout=60, **kwargs)


def post(url, user_id="lead", **form):
    form.setdefault("_authenticator", token_of(user_id))
    return session(user_id).post(url, data=form, allow_redirects=False, timeout=60)


def widgets(page):
    return set(re.findall(r'name="form\.widgets\.([\w.]+?)(?::list)?"', page))


def add_action(programme, title, code="1.1.1", **fields):
    with api.env.adopt_user(username="lead"):
        return api.content.create(
            container=programme["action-plan"],
            type="nr_action",
            title=title,
            criteria=[relation(criterion_at(programme, code))],
            **fields,
        )


class TestAuditForms:
    def test_add_form_asks_for_planning_only(self, functional_programme):
        response = get(f"{functional_programme.absolute_url()}/++add++nr_audit")
        assert response.status_code == 200
        names = widgets(text(response))
        assert set(PLANNING) <= names
        assert not names & set(OUTCOME)

    def test_add_form_creates_the_audit(self, functional_programme):
        response = post(
            f"{functional_programme.absolute_url()}/++add++nr_audit",
            **{
                "form.widgets.IBasic.title": "Audit initial SGS",
                "form.widgets.kind:list": "initial",
                "form.widgets.audit_body": "SGS",
                "form.widgets.window_start": "2026-06-01",
                "form.widgets.window_end": "2026-06-15",
                "form.widgets.auditors": "auditor",
                "form.buttons.save": "Enregistrer",
            },
        )
        assert response.status_code == 302, text(response)[:3000]
        transaction.begin()
        [brain] = api.content.find(portal_type="nr_audit", unrestricted=True)
        audit = brain._unrestrictedGetObject()
        assert audit.window_start == date(2026, 6, 1)
        assert audit.auditors == ["auditor"]
        assert audit.score_obtained is None

    def test_add_form_keeps_validation(self, functional_programme):
        response = post(
            f"{functional_programme.absolute_url()}/++add++nr_audit",
            **{
                "form.widgets.IBasic.title": "Audit initial SGS",
                "form.widgets.kind:list": "initial",
                "form.widgets.window_start": "2026-06-15",
                "form.widgets.window_end": "2026-06-01",
                "form.buttons.save": "Enregistrer",
            },
        )
        assert response.status_code == 200
        assert "La période d'audit doit se terminer" in text(response)
        transaction.begin()
        assert not api.content.find(portal_type="nr_audit", unrestricted=True)

    @pytest.mark.parametrize(
        "transitions, shown",
        [
            ((), False),
            (("start_audit",), False),
            (("start_audit", "close_audit"), True),
            (("start_audit", "close_audit", "grant"), True),
            (("start_audit", "close_audit", "refuse"), True),
        ],
        ids=["preparation", "in_audit", "committee", "labelled", "not_labelled"],
    )
    def test_edit_form_shows_the_outcome_at_the_committee(
        self, functional_programme, transitions, shown
    ):
        audit = add_audit(functional_programme, date(2026, 5, 1), date(2026, 5, 15))
        audit_transition(audit, *transitions)
        transaction.commit()
        names = widgets(text(get(f"{audit.absolute_url()}/edit")))
        assert set(PLANNING) <= names
        assert (set(OUTCOME) <= names) is shown
        assert bool(names & set(OUTCOME)) is shown

    def test_outcome_is_validated_and_saved(self, functional_programme):
        audit = add_audit(functional_programme, date(2026, 5, 1), date(2026, 5, 15))
        audit_transition(audit, "start_audit", "close_audit")
        transaction.commit()
        form = {
            "form.widgets.IBasic.title": "Audit initial",
            "form.widgets.kind:list": "initial",
            "form.widgets.audit_body": "SGS",
            "form.widgets.window_start": "2026-05-01",
            "form.widgets.window_end": "2026-05-15",
            "form.widgets.auditors": "auditor",
            "form.widgets.score_obtained": "1200",
            "form.widgets.level_obtained": "2",
            "form.widgets.committee_date": "2026-06-10",
            "form.widgets.granted_date": "2026-06-10",
            "form.buttons.save": "Enregistrer",
        }
        response = post(f"{audit.absolute_url()}/edit", **form)
        assert response.status_code == 200  # the form again, with the error
        transaction.begin()
        assert audit.score_obtained is None
        form["form.widgets.score_obtained"] = "640"
        assert post(f"{audit.absolute_url()}/edit", **form).status_code == 302
        transaction.begin()
        assert audit.score_obtained == 640
        assert audit.granted_date == date(2026, 6, 10)
        page = text(get(audit.absolute_url()))
        assert "640" in page
        assert "10/06/2026" in page


@pytest.fixture
def actions(functional_programme):
    """An overdue action on 1.1.1, one due later, one without a due date."""
    late = add_action(
        functional_programme,
        "Faire signer la charte",
        responsible="editor",
        due_date=date(2026, 3, 31),
        priority="high",
    )
    later = add_action(
        functional_programme,
        "Former les équipes",
        responsible="contributor",
        due_date=date(2026, 9, 30),
    )
    undated = add_action(functional_programme, "Réfléchir", code="1.1.2")
    transaction.commit()
    return late, later, undated


class TestCriterionPage:
    def test_lists_its_actions(self, functional_programme, actions):
        late, later, undated = actions
        url = criterion_at(functional_programme, "1.1.1").absolute_url()
        page = text(get(url, "reader"))
        section = page[page.index("nr-criterion-actions") :]
        section = section[: section.index("</section>")]
        assert f'href="{late.absolute_url()}"' in section
        assert "Faire signer la charte" in section
        assert "Editor" in section  # the owner's full name
        assert "31/03/2026" in section
        assert "en retard" in section
        assert "Prévue" in section
        assert "Contributor" in section
        assert "30/09/2026" in section
        assert "Réfléchir" not in section  # another criterion's
        assert section.index("Faire signer") < section.index("Former les équipes")

    def test_without_actions(self, functional_criterion):
        transaction.commit()
        page = text(get(functional_criterion.absolute_url(), "reader"))
        assert "Aucune action n'est planifiée sur ce critère." in page

    def test_self_assess_opens_the_grid_at_its_row(self, functional_programme):
        criterion = criterion_at(functional_programme, "1.1.3")
        page = text(get(criterion.absolute_url()))
        href = (
            f"{functional_programme.absolute_url()}/@@nr-self-assessment"
            "#criterion-1-1-3"
        )
        assert f'href="{href}"' in page
        assert "edit#fieldset-self_assessment" not in page


class TestActionPlan:
    def test_lists_every_action(self, functional_programme, actions):
        page = text(get(functional_programme["action-plan"].absolute_url()))
        for title in ("Faire signer la charte", "Former les équipes", "Réfléchir"):
            assert title in page
        assert "?show=overdue" in page

    def test_overdue_only(self, functional_programme, actions):
        plan = functional_programme["action-plan"]
        response = get(plan.absolute_url(), params={"show": "overdue"})
        assert response.status_code == 200
        page = text(response)
        assert "Actions en retard" in page
        assert "Faire signer la charte" in page
        assert "Former les équipes" not in page
        assert "Réfléchir" not in page
        assert f'href="{plan.absolute_url()}"' in page  # back to all actions
        assert "Afficher toutes les actions" in page

    def test_nothing_overdue(self, functional_programme):
        transaction.commit()
        plan = functional_programme["action-plan"]
        page = text(get(plan.absolute_url(), params={"show": "overdue"}))
        assert "Aucune action n'est en retard." in page

    def test_unknown_filter_is_400(self, functional_programme, actions):
        plan = functional_programme["action-plan"]
        response = get(plan.absolute_url(), params={"show": "<script>"})
        assert response.status_code == 400
        page = text(response)
        assert "Cette liste ne peut pas être filtrée ainsi" in page
        assert "<script>" not in response.text


class TestActionPage:
    def test_owner_name_and_full_date(self, actions):
        late = actions[0]
        page = text(get(late.absolute_url(), "reader"))
        assert "Editor" in page
        assert "31/03/2026" in page
        assert "en retard" in page
        assert "1.1.1" in page
        assert "Haute" in page

    def test_add_form_offers_owner_and_priority(self, functional_programme):
        page = text(
            get(
                f"{functional_programme['action-plan'].absolute_url()}/++add++nr_action"
            )
        )
        names = widgets(page)
        assert {"responsible", "priority", "due_date", "criteria"} <= names
        select = page[page.index('name="form.widgets.responsible') :]
        select = select[: select.index("</select>")]
        options = set(re.findall(r'value="([^"]+)"', select))
        assert {"editor", "lead", "reviewer", "contributor"} <= options
        assert "auditor" not in options
        assert "manager" not in options

    def test_edit_form_offers_the_owner(self, actions):
        late = actions[0]
        page = text(get(f"{late.absolute_url()}/edit"))
        select = page[page.index('name="form.widgets.responsible') :]
        select = select[: select.index("</select>")]
        [option] = re.findall(r'<option[^>]*value="editor"[^>]*>', select)
        assert "selected" in option
        assert 'value="auditor"' not in select

    def test_action_from_a_finding_opens_its_edit_form(self, functional_programme):
        audit = add_audit(functional_programme, date(2026, 5, 1), date(2026, 5, 15))
        finding = add_finding(
            audit,
            criterion_at(functional_programme, "1.1.1"),
            "Charte non signée",
            "La charte n'est pas signée par la direction.",
        )
        transaction.commit()
        response = post(f"{finding.absolute_url()}/@@nr-create-action")
        assert response.status_code == 302
        edit = get(response.headers["Location"])
        assert edit.status_code == 200
        assert "form.widgets.responsible" in edit.text
