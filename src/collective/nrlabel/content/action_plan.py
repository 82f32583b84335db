"""NR Action plan: the one folder of a programme's actions."""

from plone.dexterity.content import Container
from plone.supermodel import model
from zope.interface import implementer


ACTION_PLAN_ID = "action-plan"


class IActionPlan(model.Schema):
    """Schema of the action plan (title and description only)."""


@implementer(IActionPlan)
class ActionPlan(Container):
    """The action plan of a programme."""
