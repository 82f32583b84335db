"""NR Finding: the auditor's result on one criterion."""

from collective.nrlabel import _
from plone.app.z3cform.widgets.contentbrowser import ContentBrowserFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from zope import schema
from zope.interface import implementer
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


FINDING_TYPES = SimpleVocabulary(
    [
        SimpleTerm("strength", "strength", _("finding_strength", default="Strength")),
        SimpleTerm(
            "observation",
            "observation",
            _("finding_observation", default="Observation"),
        ),
        SimpleTerm(
            "minor_nc",
            "minor_nc",
            _("finding_minor_nc", default="Minor non-conformity"),
        ),
        SimpleTerm(
            "major_nc",
            "major_nc",
            _("finding_major_nc", default="Major non-conformity"),
        ),
    ]
)


class IFinding(model.Schema):
    directives.widget(
        "criterion",
        ContentBrowserFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={
            "selectableTypes": ["nr_criterion"],
            "maximumSelectionSize": 1,
        },
    )
    criterion = RelationChoice(
        title=_("label_finding_criterion", default="Criterion"),
        vocabulary="plone.app.vocabularies.Catalog",
        required=True,
    )
    finding_type = schema.Choice(
        title=_("label_finding_type", default="Type"),
        vocabulary=FINDING_TYPES,
        default="observation",
        required=True,
    )
    text = schema.Text(title=_("label_finding_text", default="Finding"), required=True)


@implementer(IFinding)
class Finding(Item):
    """A finding of an audit."""
