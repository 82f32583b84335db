"""The six steps of the labelling process, and where a programme stands on each."""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.audit.lifecycle import audits
from collective.nrlabel.audit.lifecycle import label_expiry
from collective.nrlabel.audit.lifecycle import latest_labelled
from collective.nrlabel.scoring import assessments
from dataclasses import dataclass


DONE, CURRENT, TODO = "done", "current", "todo"


@dataclass(frozen=True)
class Step:
    number: int
    title: object
    status: str
    detail: object = ""


def labelling_steps(programme, items=None, on=None):
    """Steps 1–6 with a status and a short detail (dates, progress)."""
    on = on or clock.today()
    items = assessments(programme) if items is None else items
    applicable = [i for i in items if i.applicable]
    assessed = [
        i for i in applicable if i.maturity is not None and not i.needs_reconfirmation
    ]
    audit_states = [b.review_state for b in audits(programme)]
    labelled = latest_labelled(programme)
    expiry = label_expiry(labelled) if labelled else None

    entry = programme.community_entry_date
    trained = getattr(programme, "training_date", None)
    progress = round(100 * len(assessed) / len(applicable)) if applicable else 0
    in_audit = "in_audit" in audit_states or "committee" in audit_states

    steps = [
        Step(
            1,
            _("step_1", default="Entry into the NR community"),
            DONE if entry else CURRENT,
            entry.isoformat() if entry else "",
        ),
        Step(
            2,
            _("step_2", default="Training"),
            DONE if trained else (CURRENT if entry else TODO),
            trained.isoformat() if trained else "",
        ),
        Step(
            3,
            _("step_3", default="Self-assessment and preparation"),
            DONE
            if audit_states and progress == 100
            else CURRENT
            if trained or entry
            else TODO,
            _(
                "step_progress",
                default="${done}/${total} criteria assessed",
                mapping={"done": len(assessed), "total": len(applicable)},
            ),
        ),
        Step(
            4,
            _("step_4", default="Labelling audit by an independent body"),
            DONE
            if labelled or "not_labelled" in audit_states
            else CURRENT
            if in_audit
            else TODO,
        ),
        Step(
            5,
            _("step_5", default="Award of the Label NR"),
            DONE if labelled and expiry and expiry >= on else TODO,
            labelled.granted_date.isoformat() if labelled else "",
        ),
        Step(
            6,
            _("step_6", default="Follow-up and renewal"),
            CURRENT if labelled else TODO,
            _(
                "step_renewal_due",
                default="renewal due by ${date}",
                mapping={"date": expiry.isoformat()},
            )
            if expiry
            else "",
        ),
    ]
    return steps
