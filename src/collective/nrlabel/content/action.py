"""NR Action: something the organisation commits to do on one or more criteria."""

from collective.nrlabel import _
from plone.app.z3cform.widgets.contentbrowser import ContentBrowserFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.interface import implementer
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


PRIORITIES = SimpleVocabulary(
    [
        SimpleTerm("high", "high", _("priority_high", default="High")),
        SimpleTerm("normal", "normal", _("priority_normal", default="Normal")),
        SimpleTerm("low", "low", _("priority_low", default="Low")),
    ]
)

ORIGINS = SimpleVocabulary(
    [
        SimpleTerm(
            "self_assessment",
            "self_assessment",
            _("origin_self_assessment", default="Self-assessment"),
        ),
        SimpleTerm(
            "internal_review",
            "internal_review",
            _("origin_internal_review", default="Internal review"),
        ),
        SimpleTerm(
            "audit_finding",
            "audit_finding",
            _("origin_audit_finding", default="Audit finding"),
        ),
    ]
)


class IAction(model.Schema):
    """Schema of an action."""

    directives.widget(
        "criteria",
        ContentBrowserFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["nr_criterion"]},
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

    directives.widget(
        "responsible",
        vocabulary="plone.app.vocabularies.Users",
        pattern_options={"maximumSelectionSize": 1},
    )
    responsible = schema.Choice(
        title=_("label_responsible", default="Responsible"),
        vocabulary="plone.app.vocabularies.Users",
        required=False,
    )

    due_date = schema.Date(
        title=_("label_due_date", default="Due date"), required=False
    )

    priority = schema.Choice(
        title=_("label_priority", default="Priority"),
        vocabulary=PRIORITIES,
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
        vocabulary=ORIGINS,
        default="self_assessment",
        required=True,
    )

    directives.omitted("finding_uid")
    finding_uid = schema.ASCIILine(required=False)


@implementer(IAction)
class Action(Item):
    """An action of the action plan."""

    finding_uid = None
