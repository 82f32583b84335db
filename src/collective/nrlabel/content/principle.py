"""NR Principle: second level of a referential, an action principle (e.g. 1.2)."""

from collective.nrlabel.content.referential_item import IReferentialItem
from plone.dexterity.content import Container
from zope.interface import implementer


class IPrinciple(IReferentialItem):
    """Schema of an action principle."""


@implementer(IPrinciple)
class Principle(Container):
    """An action principle of a programme's referential."""
