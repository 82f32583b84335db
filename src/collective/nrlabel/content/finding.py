"""NR Finding: the auditor's result on one criterion."""

from collective.nrlabel import _
from collective.nrlabel.content.criterion import criterion_picker
from plone.app.z3cform.widgets.contentbrowser import ContentBrowserFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from zope import schema
from zope.interface import implementer


class IFinding(model.Schema):
    directives.widget(
        "criterion",
        ContentBrowserFieldWidget,
        **criterion_picker(maximumSelectionSize=1),
    )
    criterion = RelationChoice(
        title=_("label_finding_criterion", default="Criterion"),
        vocabulary="plone.app.vocabularies.Catalog",
        required=True,
    )
    finding_type = schema.Choice(
        title=_("label_finding_type", default="Type"),
        vocabulary="collective.nrlabel.FindingTypes",
        default="observation",
        required=True,
    )
    text = schema.Text(title=_("label_finding_text", default="Finding"), required=True)


@implementer(IFinding)
class Finding(Item):
    """A finding of an audit."""
