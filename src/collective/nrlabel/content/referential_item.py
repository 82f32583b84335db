"""What themes, principles and criteria share: a referential code."""

from collective.nrlabel import _
from plone.supermodel import model
from zope import schema


class IReferentialItem(model.Schema):
    """A node of a referential inside a programme (theme, principle or criterion)."""

    code = schema.TextLine(
        title=_("label_code", default="Code"),
        description=_(
            "help_code",
            default="The item's code in the referential, such as 1, 1.2 or 1.2.3.",
        ),
        required=True,
        max_length=40,
    )
