"""NR Action: something the organisation commits to do on one or more criteria."""

from collective.nrlabel import _
from collective.nrlabel.content.criterion import criterion_picker
from plone.app.z3cform.widgets.contentbrowser import ContentBrowserFieldWidget
from plone.app.z3cform.widgets.datetime import DateFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.interface import implementer


class IAction(model.Schema):
    """Schema of an action."""

    directives.widget(
        "criteria",
        ContentBrowserFieldWidget,
        **criterion_picker(),
    )
    criteria = RelationList(
        title=_("label_action_criteria", default="Criteria"),
        description=_(
            "help_action_criteria",
            default="The criteria this action improves (one at least).",
        ),
        value_type=RelationChoice(vocabulary="plone.app.vocabularies.Catalog"),
        min_length=1,
        required=True,
    )

    # People with a role on the programme, never auditors: a short list, offered
    # as a select (the whole site's users would offer strangers and auditors).
    responsible = schema.Choice(
        title=_("label_action_owner", default="Owner"),
        description=_(
            "help_action_owner",
            default="Who carries out the action: someone with a role on the programme.",
        ),
        vocabulary="collective.nrlabel.ProgrammePeople",
        required=False,
    )

    # Plone's short and medium French formats have two-digit years.
    directives.widget("due_date", DateFieldWidget, _formater_length="long")
    due_date = schema.Date(
        title=_("label_due_date", default="Due date"), required=False
    )

    priority = schema.Choice(
        title=_("label_priority", default="Priority"),
        vocabulary="collective.nrlabel.ActionPriorities",
        default="normal",
        required=True,
    )

    progress = schema.Int(
        title=_("label_progress", default="Progress (%)"),
        min=0,
        max=100,
        default=0,
        required=True,
    )

    origin = schema.Choice(
        title=_("label_origin", default="Origin"),
        vocabulary="collective.nrlabel.ActionOrigins",
        default="self_assessment",
        required=True,
    )

    directives.omitted("finding_uid")
    finding_uid = schema.ASCIILine(required=False)


@implementer(IAction)
class Action(Item):
    """An action of the action plan."""

    finding_uid = None
