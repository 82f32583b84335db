"""NR Criterion: the level evidence is attached to (e.g. 1.2.3)."""

from collective.nrlabel import _
from collective.nrlabel.content.referential_item import IReferentialItem
from plone.dexterity.content import Container
from zope import schema
from zope.interface import implementer


class ICriterion(IReferentialItem):
    """Schema of a criterion."""

    guidance = schema.Text(
        title=_("label_guidance", default="Guidance"),
        description=_(
            "help_guidance",
            default="What evidence an auditor expects for this criterion.",
        ),
        required=False,
    )


@implementer(ICriterion)
class Criterion(Container):
    """A criterion of a programme's referential."""
