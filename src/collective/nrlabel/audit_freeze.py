"""The audit freeze: approved evidence cannot change while its programme is audited."""


def frozen_by_audit(evidence):
    """Whether ``evidence`` is approved and an audit of its programme is in progress.

    Programmes have no audits until the labelling cycle is installed; nothing is
    frozen before then.
    """
    return False
