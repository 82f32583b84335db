"""Write the programme's activity log (activity.py) as things happen."""

from collective.nrlabel.activity import record
from collective.nrlabel.activity import SELF_ASSESSMENT
from collective.nrlabel.content.criterion import SELF_ASSESSMENT_FIELDS
from collective.nrlabel.migration import importing
from collective.nrlabel.programme_tree import programme_of
from plone.uuid.interfaces import IUUID


def record_transition(obj, event):
    """Evidence, audits and actions: every workflow step but the creation."""
    if event.transition is None or importing():
        return
    programme = programme_of(obj)
    if programme is None:
        return
    comment = (event.kwargs or {}).get("comment") or ""
    if not comment:
        history = obj.workflow_history.get(event.workflow.getId()) or ()
        comment = history[-1].get("comments", "") if history else ""
    record(
        programme,
        f"{obj.portal_type}:{event.transition.getId()}",
        IUUID(obj, None),
        obj.Title(),
        comment=comment,
    )


def record_self_assessment(criterion, event):
    """A criterion's self-assessment fields changed (grid or form)."""
    changed = [
        name
        for description in getattr(event, "descriptions", None) or ()
        for name in getattr(description, "attributes", ())
        if name in SELF_ASSESSMENT_FIELDS
    ]
    programme = programme_of(criterion)
    if not changed or programme is None or importing():
        return
    changes = tuple((name, _stored(getattr(criterion, name, None))) for name in changed)
    record(
        programme,
        f"nr_criterion:{SELF_ASSESSMENT}",
        IUUID(criterion, None),
        f"{criterion.code} {criterion.Title()}".strip(),
        changes=changes,
    )


def _stored(value):
    """A field's value as the log keeps it: text, a number, a flag or None."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
