"""When an auditor may read a programme: the audit is in progress and today is
inside its window."""

from collective.nrlabel import clock


IN_AUDIT = "in_audit"


def window_open(state, start, end, on=None):
    """Whether an audit in ``state`` with window [start, end] grants access ``on`` a day."""
    on = on or clock.today()
    return (
        state == IN_AUDIT
        and start is not None
        and end is not None
        and start <= on <= end
    )
