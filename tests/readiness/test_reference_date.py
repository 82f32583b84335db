"""The date evidence must be valid through is the end of the audit in progress,
even when the next audit is already planned (found by walking the demo)."""

from collective.nrlabel.readiness import readiness
from datetime import date
from nr_setup import add_audit
from nr_setup import audit_transition


def test_planning_the_next_audit_keeps_the_running_audits_date(programme, clock):
    clock(date(2026, 12, 1))
    running = add_audit(
        programme, date(2026, 11, 20), date(2026, 12, 29), title="Audit 2026"
    )
    audit_transition(running, "start_audit")
    add_audit(programme, date(2027, 1, 10), date(2027, 1, 20), title="Suivi 2027")
    result = readiness(programme)
    assert result.reference_date == "2026-12-29"
    assert result.next_audit["title"] == "Audit 2026"


def test_without_a_running_audit_the_planned_one_counts(programme, clock):
    clock(date(2026, 12, 1))
    add_audit(programme, date(2027, 1, 10), date(2027, 1, 20), title="Suivi 2027")
    assert readiness(programme).reference_date == "2027-01-20"
