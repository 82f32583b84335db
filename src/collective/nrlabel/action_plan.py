"""The action plan: actions from findings, and which actions are overdue."""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.content.action_plan import ACTION_PLAN_ID
from collective.nrlabel.index_sets import IndexSets
from collective.nrlabel.multilingual import programme_language
from collective.nrlabel.programme_tree import programme_of
from collective.nrlabel.relations import related_object
from datetime import timedelta
from plone import api
from plone.dexterity.utils import createContent
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds


OPEN_STATES = ("planned", "in_progress")
PRIORITY_OF_FINDING = {"major_nc": "high", "minor_nc": "high", "observation": "normal"}


def add_action_plan(programme):
    """Every programme has one action plan, created with it."""
    if ACTION_PLAN_ID in programme.objectIds():
        return programme[ACTION_PLAN_ID]
    plan = createContent(
        "nr_action_plan",
        # In the programme's language (its section's under plone.app.multilingual,
        # else the site's): a command or an import has no browser language.
        title=api.portal.translate(
            _("title_action_plan", default="Action plan"),
            lang=programme_language(programme),
        ),
    )
    plan.id = ACTION_PLAN_ID
    programme._setObject(ACTION_PLAN_ID, plan)
    return programme[ACTION_PLAN_ID]


def action_plan(programme):
    plan = programme.get(ACTION_PLAN_ID)
    return plan if plan is not None else add_action_plan(programme)


def create_action_from_finding(finding):
    """A planned action on the finding's criterion, with origin "audit finding"."""
    programme = programme_of(finding)
    criterion = related_object(finding.criterion)
    intids = getUtility(IIntIds)
    text = (finding.text or "").strip()
    action = api.content.create(
        container=action_plan(programme),
        type="nr_action",
        title=(finding.Title() or text[:80]),
        description=text,
        criteria=[RelationValue(intids.getId(criterion))] if criterion else [],
        origin="audit_finding",
        priority=PRIORITY_OF_FINDING.get(finding.finding_type, "normal"),
        finding_uid=finding.UID(),
    )
    return action


def plan_action(criterion, title, **fields):
    """A planned action on ``criterion`` (origin: self-assessment)."""
    intids = getUtility(IIntIds)
    return api.content.create(
        container=action_plan(programme_of(criterion)),
        type="nr_action",
        title=title,
        criteria=[RelationValue(intids.getId(criterion))],
        origin=fields.pop("origin", "self_assessment"),
        **fields,
    )


def actions_from(finding):
    return api.content.find(portal_type="nr_action", nr_finding=finding.UID())


def by_due_date(brains):
    """Actions soonest due first, those without a due date last. (The catalog's
    sort_on would drop them: it skips records missing from the sort index.)"""
    return sorted(brains, key=lambda b: (not b.nr_due_date, b.nr_due_date or ""))


def actions_of_criterion(criterion):
    """Catalog records of the actions on ``criterion`` that the current user may
    see, soonest due first."""
    return by_due_date(
        api.content.find(portal_type="nr_action", nr_criteria=criterion.UID())
    )


def plan_actions(context):
    """Catalog records of the actions below ``context`` (an action plan), soonest
    due first."""
    return by_due_date(api.content.find(context=context, portal_type="nr_action"))


def is_overdue(due_date_iso, state, on=None):
    """Whether an action (its catalog due date and state) is overdue ``on`` a day:
    still open and due before it. The one rule behind every "overdue"."""
    return bool(
        due_date_iso
        and state in OPEN_STATES
        and due_date_iso < (on or clock.today()).isoformat()
    )


def _overdue_query(on=None) -> dict:
    """The catalog query of ``is_overdue``: open, due before the day (ISO dates
    compare as strings; ``max`` is inclusive, hence the day before)."""
    day = on or clock.today()
    return {
        "review_state": OPEN_STATES,
        "nr_due_date": {
            "query": (day - timedelta(days=1)).isoformat(),
            "range": "max",
        },
    }


def overdue_actions(context, on=None):
    """Open actions below ``context`` whose due date has passed, soonest due
    first. The index sets give only those (the plan may hold thousands of open
    actions, the programme 100,000 evidence items); ``is_overdue`` stays the
    rule each one is checked against."""
    sets = IndexSets()
    due = sets.values("nr_due_date")
    brains = sets.records_of(
        context,
        "nr_action",
        sort=lambda rid: (due.get(rid) or "", sets.paths.get(rid, "")),
        **_overdue_query(on),
    )
    return [b for b in brains if is_overdue(b.nr_due_date, b.review_state, on)]


def overdue_count(context, on=None) -> int:
    """How many actions below ``context`` are overdue: the size of a set of
    record ids, no record read (readiness's figure)."""
    return len(IndexSets().rids_of(context, "nr_action", **_overdue_query(on)))
