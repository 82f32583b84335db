"""NR Theme: first level of a referential (e.g. 1. Stratégie et gouvernance)."""

from collective.nrlabel.content.referential_item import IReferentialItem
from plone.dexterity.content import Container
from zope.interface import implementer


class ITheme(IReferentialItem):
    """Schema of a theme."""


@implementer(ITheme)
class Theme(Container):
    """A theme of a programme's referential."""
