"""When an auditor may read a programme: the audit is in progress and today is
inside its window. ``today`` is the one clock every rule reads (tests move it)."""

from datetime import date


IN_AUDIT = "in_audit"


def today():
    """The date of reference for audit windows, freezes and reminders."""
    return date.today()


def window_open(state, start, end, on=None):
    """Whether an audit in ``state`` with window [start, end] grants access ``on`` a day."""
    on = on or today()
    return (
        state == IN_AUDIT
        and start is not None
        and end is not None
        and start <= on <= end
    )
