"""The add-on's one clock: a date of reference reaches the workflow guards too.

``nrlabel send-reminders --date`` expires labels as of that day; the audit
workflow's ``expire`` guard takes no argument and reads the clock, so both must
agree or the transition is refused.
"""

from collective.nrlabel import clock
from collective.nrlabel.reminders import expire_labels
from datetime import date
from nr_setup import add_audit
from nr_setup import audit_transition
from plone import api
from Products.CMFCore.WorkflowCore import WorkflowException

import pytest


DAY_AFTER_EXPIRY = date(2028, 9, 2)


@pytest.fixture
def labelled(programme):
    audit = add_audit(
        programme, date(2025, 5, 1), date(2025, 5, 31), granted_date=date(2025, 9, 1)
    )
    audit_transition(audit, "start_audit", "close_audit", "grant")
    return audit


def test_reference_date_reaches_the_expire_guard(labelled):
    with clock.reference_date(DAY_AFTER_EXPIRY):
        assert clock.today() == DAY_AFTER_EXPIRY
        assert expire_labels(on=DAY_AFTER_EXPIRY) == 1
    assert api.content.get_state(labelled) == "expired"
    assert clock.today() == date.today()  # the block's date does not outlive it


def test_rules_alone_disagree_with_the_guard(labelled):
    """Why the command sets the clock: the rule says expired, the guard does not."""
    with pytest.raises(WorkflowException):
        expire_labels(on=DAY_AFTER_EXPIRY)
