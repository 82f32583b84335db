"""Workflow steps that cannot be taken back, and what each one does in plain words.

"Start the audit" freezes evidence, "Close the audit", "Label granted" and "Label
refused" end a cycle, and giving up an action takes it off the plan: the person
who clicks cannot undo any of them. The confirmation page, the audit and action
pages, Plone's state menu (through content_status_modify) and any API reuse this
one table, so a step is either confirmed everywhere or nowhere.

Dates are given to ``date_format`` (ISO by default) so that views show them in the
user's format without this module knowing about requests.
"""

from collective.nrlabel import _
from collective.nrlabel.audit.lifecycle import audit_in_progress
from collective.nrlabel.audit.lifecycle import label_expiry
from collective.nrlabel.programme_tree import programme_of
from dataclasses import dataclass
from plone import api


def _iso(day):
    return day.isoformat() if day else ""


def _start_audit(audit, date_format):
    return [
        _(
            "consequence_start_audit_freeze",
            default="Evidence will be frozen: nobody can change or withdraw "
            "approved evidence until the audit ends.",
        ),
        _(
            "consequence_start_audit_access",
            default="Auditors get read-only access from ${start} to ${end}.",
            mapping={
                "start": date_format(audit.window_start),
                "end": date_format(audit.window_end),
            },
        )
        if audit.auditors
        else _(
            "consequence_start_audit_no_auditor",
            default="No auditor is listed on this audit: nobody gets auditor "
            "access until you add them.",
        ),
        _(
            "consequence_start_audit_final",
            default="The audit cannot go back to preparation.",
        ),
    ]


def _close_audit(audit, date_format):
    return [
        _(
            "consequence_close_audit_access",
            default="Auditor access ends now, even if the window runs until ${end}.",
            mapping={"end": date_format(audit.window_end)},
        ),
        _(
            "consequence_close_audit_freeze",
            default="The evidence freeze is lifted: approved evidence can be "
            "changed or withdrawn again.",
        ),
        _(
            "consequence_close_audit_final",
            default="The audit goes to the labelling committee and cannot be reopened.",
        ),
    ]


def _grant(audit, date_format):
    expiry = label_expiry(audit)
    first = (
        _(
            "consequence_grant_dates",
            default="The label is recorded as granted on ${granted}, valid "
            "until ${expiry}.",
            mapping={
                "granted": date_format(audit.granted_date),
                "expiry": date_format(expiry),
            },
        )
        if expiry
        else _(
            "consequence_grant_no_date",
            default="No grant date is recorded: the label's expiry cannot be "
            "computed. Fill in “Label granted on” on the audit's edit form first.",
        )
    )
    return [
        first,
        _(
            "consequence_decision_final",
            default="The committee's decision is final: it cannot be changed "
            "afterwards.",
        ),
    ]


def _refuse(audit, date_format):
    return [
        _(
            "consequence_refuse",
            default="The audit is recorded as not labelled.",
        ),
        _(
            "consequence_decision_final",
            default="The committee's decision is final: it cannot be changed "
            "afterwards.",
        ),
        _(
            "consequence_refuse_next",
            default="To apply again, plan a new audit.",
        ),
    ]


def _cancel_action(action, date_format):
    return [
        _(
            "consequence_cancel_action",
            default="The action is given up: it leaves the open actions and is "
            "no longer counted as overdue.",
        ),
        _(
            "consequence_cancel_action_resume",
            default="Only the NR programme's lead can resume it.",
        ),
    ]


@dataclass(frozen=True)
class Step:
    """An irreversible step: what it does, and what to say once it is done."""

    consequences: object  # (obj, date_format) -> list of messages
    done: object  # message


STEPS = {
    ("nr_audit", "start_audit"): Step(
        _start_audit,
        _("message_audit_started", default="Audit started: evidence is frozen."),
    ),
    ("nr_audit", "close_audit"): Step(
        _close_audit,
        _(
            "message_audit_closed",
            default="Audit closed: the labelling committee decides next.",
        ),
    ),
    ("nr_audit", "grant"): Step(
        _grant, _("message_label_granted", default="Label granted.")
    ),
    ("nr_audit", "refuse"): Step(
        _refuse, _("message_label_refused", default="Label refused.")
    ),
    ("nr_action", "cancel"): Step(
        _cancel_action, _("message_action_given_up", default="Action given up.")
    ),
}


def is_irreversible(obj, transition_id):
    """Whether taking ``transition_id`` on ``obj`` must be confirmed first."""
    return (getattr(obj, "portal_type", None), transition_id) in STEPS


def consequences(obj, transition_id, date_format=_iso):
    """What the step will do, in plain words (an empty list for other steps)."""
    step = STEPS.get((getattr(obj, "portal_type", None), transition_id))
    return step.consequences(obj, date_format) if step else []


def done_message(obj, transition_id):
    step = STEPS.get((getattr(obj, "portal_type", None), transition_id))
    return step.done if step else None


def refusal(obj, transition_id):
    """Why a business rule refuses the step now (None if none does). The workflow
    guard applies the same rule; this says it in words."""
    if obj.portal_type == "nr_audit" and transition_id == "start_audit":
        other = audit_in_progress(programme_of(obj), excluding=obj)
        if other is not None:
            return _(
                "refusal_audit_in_progress",
                default="Audit “${title}” is already in progress; close it first.",
                mapping={"title": other.Title},
            )
    return None


def workflow_transition(obj, transition_id):
    """The transition definition of ``obj``'s workflow, or None if there is none."""
    for workflow in api.portal.get_tool("portal_workflow").getWorkflowsFor(obj):
        transition = workflow.transitions.get(transition_id)
        if transition is not None:
            return workflow, transition
    return None


def possible_from_state(obj, transition_id):
    """Whether the step leaves ``obj``'s current state (whoever asks)."""
    found = workflow_transition(obj, transition_id)
    if found is None:
        return False
    workflow, _transition = found
    state = workflow.states.get(api.content.get_state(obj))
    return state is not None and transition_id in state.transitions


def may_take(obj, transition_id):
    """Whether the current user holds the permissions the step's guard names
    (the guard's expression — a business rule — is ``refusal``'s business)."""
    found = workflow_transition(obj, transition_id)
    if found is None:
        return False
    guard = found[1].guard
    permissions = guard.permissions if guard is not None else ()
    return all(api.user.has_permission(p, obj=obj) for p in permissions or ())
