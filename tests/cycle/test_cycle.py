"""The labelling cycle: findings and actions, the audit freeze, renewal, steps."""

from collective.nrlabel.action_plan import create_action_from_finding
from collective.nrlabel.action_plan import overdue_actions
from collective.nrlabel.audit.freeze import frozen_by_audit
from collective.nrlabel.audit.lifecycle import label_expiry
from collective.nrlabel.audit.renewal import evidence_carried_over
from collective.nrlabel.audit.renewal import evidence_expired_for
from collective.nrlabel.audit.renewal import RenewalError
from collective.nrlabel.audit.renewal import start_renewal
from collective.nrlabel.labelling_steps import labelling_steps
from collective.nrlabel.reminders import expire_labels
from datetime import date
from nr_setup import add_audit
from nr_setup import add_evidence
from nr_setup import add_finding
from nr_setup import assess
from nr_setup import audit_transition
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import relation
from nr_setup import transition
from plone import api
from Products.CMFCore.WorkflowCore import WorkflowException
from zExceptions import Forbidden
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import pytest


TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


class TestActions:
    def test_action_from_finding(self, programme):
        audit = add_audit(programme, date(2026, 6, 1), date(2026, 6, 30))
        criterion = criterion_at(programme, "3.3.3")
        finding = add_finding(
            audit,
            criterion,
            "Pas de certificats DEEE",
            "Les certificats de traitement des DEEE ne sont pas archivés.",
        )
        with api.env.adopt_user(username="lead"):
            action = create_action_from_finding(finding)
        assert action.aq_parent.portal_type == "nr_action_plan"
        assert action.origin == "audit_finding"
        assert action.priority == "high"
        assert [r.to_object for r in action.criteria] == [criterion]
        assert api.content.get_state(action) == "planned"
        found = api.content.find(portal_type="nr_action", nr_criteria=criterion.UID())
        assert [b.UID for b in found] == [action.UID()]
        assert action.UID() == api.content.find(nr_finding=finding.UID())[0].UID

    def test_overdue_actions(self, programme):
        plan = programme["action-plan"]
        criterion = criterion_at(programme, "1.2.1")

        def action(title, due_date):
            return api.content.create(
                container=plan,
                type="nr_action",
                title=title,
                criteria=[relation(criterion)],
                due_date=due_date,
            )

        with api.env.adopt_user(username="lead"):
            late = action("En retard", date(2026, 5, 1))
            action("À temps", date(2026, 7, 1))
            done = action("Finie en retard", date(2026, 5, 1))
            api.content.transition(obj=done, transition="start")
            api.content.transition(obj=done, transition="complete")
        assert [b.UID for b in overdue_actions(programme)] == [late.UID()]


class TestFreeze:
    @pytest.fixture
    def audit(self, programme):
        audit = add_audit(programme, date(2026, 6, 1), date(2026, 6, 30))
        audit_transition(audit, "start_audit")
        return audit

    def test_approved_evidence_is_frozen_during_the_audit(self, programme, audit):
        criterion = criterion_at(programme, "1.1.1")
        approved = evidence_in_state(criterion, "approved")
        draft = evidence_in_state(criterion, "draft")
        assert frozen_by_audit(approved)
        assert not frozen_by_audit(draft)

        with pytest.raises(WorkflowException):
            transition(approved, "lead", "reopen")
        with pytest.raises(Forbidden, match="audit is in progress"):
            notify(ObjectModifiedEvent(approved))
        with (
            api.env.adopt_roles(["Manager"]),
            pytest.raises(Forbidden, match="audit is in progress"),
        ):
            api.content.delete(obj=approved, check_linkintegrity=False)
        assert "politique-nr" in criterion.objectIds()

        # New evidence can still be added and reviewed.
        fresh = add_evidence(criterion, title="Nouvelle preuve")
        transition(fresh, "author", "submit")
        transition(fresh, "reviewer", "approve")
        assert api.content.get_state(fresh) == "approved"

    def test_freeze_ends_with_the_audit(self, programme, audit):
        approved = evidence_in_state(criterion_at(programme, "1.1.1"), "approved")
        audit_transition(audit, "close_audit")
        assert not frozen_by_audit(approved)
        transition(approved, "lead", "reopen")
        assert api.content.get_state(approved) == "draft"


class TestRenewal:
    @pytest.fixture
    def labelled(self, programme):
        audit = add_audit(
            programme,
            date(2023, 5, 1),
            date(2023, 5, 31),
            granted_date=date(2023, 9, 1),
        )
        audit_transition(audit, "start_audit", "close_audit", "grant")
        return audit

    def test_expiry_is_derived(self, labelled):
        assert label_expiry(labelled) == date(2026, 9, 1)
        api.portal.set_registry_record("collective.nrlabel.validity_years", 2)
        assert label_expiry(labelled) == date(2025, 9, 1)

    def test_start_renewal(self, programme, labelled):
        criterion = criterion_at(programme, "1.1.1")
        assess(programme, "1.1.1", 2)
        still_valid = evidence_in_state(
            criterion, "approved", title="Valide", valid_until=date(2027, 12, 31)
        )
        evidence_in_state(
            criterion, "approved", title="Expirera", valid_until=date(2026, 7, 15)
        )
        with api.env.adopt_user(username="lead"):
            renewal = start_renewal(labelled)
        assert renewal.kind == "renewal"
        assert renewal.previous_audit_uid == labelled.UID()
        assert (renewal.window_start, renewal.window_end) == (
            date(2026, 7, 3),
            date(2026, 8, 2),
        )
        assert api.content.get_state(renewal) == "preparation"
        assert criterion.maturity == 2  # kept…
        assert criterion.needs_reconfirmation is True  # …but to be confirmed
        carried = {
            b.Title for b in evidence_carried_over(programme, renewal.window_end)
        }
        expired = {b.Title for b in evidence_expired_for(programme, renewal.window_end)}
        assert still_valid.Title() in carried
        assert expired == {"Expirera"}

    def test_renewal_needs_a_label(self, programme):
        audit = add_audit(programme, date(2026, 6, 1), date(2026, 6, 30))
        with pytest.raises(RenewalError):
            start_renewal(audit)

    def test_labels_expire_by_date(self, programme, labelled, clock):
        assert expire_labels() == 0
        clock(date(2026, 9, 2))
        assert expire_labels() == 1
        assert api.content.get_state(labelled) == "expired"


class TestSteps:
    def test_steps_follow_the_programme(self, programme):
        steps = labelling_steps(programme)
        assert [s.status for s in steps] == [
            "current",
            "todo",
            "todo",
            "todo",
            "todo",
            "todo",
        ]
        programme.community_entry_date = date(2026, 1, 15)
        programme.training_date = date(2026, 2, 1)
        assess(programme, "1.1.1", 1)
        steps = labelling_steps(programme)
        assert [s.status for s in steps[:3]] == ["done", "done", "current"]
        assert steps[2].detail.mapping == {"done": 1, "total": 47}
        audit = add_audit(
            programme,
            date(2026, 5, 1),
            date(2026, 5, 31),
            granted_date=date(2026, 6, 1),
        )
        audit_transition(audit, "start_audit")
        assert labelling_steps(programme)[3].status == "current"
        audit_transition(audit, "close_audit", "grant")
        steps = labelling_steps(programme)
        assert [s.status for s in steps[3:]] == ["done", "done", "current"]
        assert steps[5].detail.mapping == {"date": "2029-06-01"}
