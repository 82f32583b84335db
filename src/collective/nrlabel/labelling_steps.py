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


@dataclass(frozen=True)
class _Facts:
    """What the steps are decided from, read once."""

    on: object
    entry: object
    trained: object
    assessed: int
    applicable: int
    audit_states: tuple
    labelled: object
    expiry: object

    @property
    def progress(self):
        return round(100 * self.assessed / self.applicable) if self.applicable else 0


def labelling_steps(programme, items=None, on=None) -> list[Step]:
    """Steps 1–6 with a status and a short detail (dates, progress)."""
    items = assessments(programme) if items is None else items
    applicable = [i for i in items if i.applicable]
    labelled = latest_labelled(programme)
    facts = _Facts(
        on=on or clock.today(),
        entry=programme.community_entry_date,
        trained=getattr(programme, "training_date", None),
        assessed=sum(
            1
            for i in applicable
            if i.maturity is not None and not i.needs_reconfirmation
        ),
        applicable=len(applicable),
        audit_states=tuple(b.review_state for b in audits(programme)),
        labelled=labelled,
        expiry=label_expiry(labelled) if labelled else None,
    )
    return _preparation_steps(facts) + _label_steps(facts)


def _preparation_steps(facts) -> list[Step]:
    """1 community, 2 training, 3 self-assessment."""
    entry, trained = facts.entry, facts.trained
    return [
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
            if facts.audit_states and facts.progress == 100
            else CURRENT
            if trained or entry
            else TODO,
            _(
                "step_progress",
                default="${done}/${total} criteria assessed",
                mapping={"done": facts.assessed, "total": facts.applicable},
            ),
        ),
    ]


def _label_steps(facts) -> list[Step]:
    """4 audit, 5 award, 6 follow-up and renewal."""
    labelled, expiry, states = facts.labelled, facts.expiry, facts.audit_states
    in_audit = "in_audit" in states or "committee" in states
    return [
        Step(
            4,
            _("step_4", default="Labelling audit by an independent body"),
            DONE
            if labelled or "not_labelled" in states
            else CURRENT
            if in_audit
            else TODO,
        ),
        Step(
            5,
            _("step_5", default="Award of the Label NR"),
            DONE if labelled and expiry and expiry >= facts.on else TODO,
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
