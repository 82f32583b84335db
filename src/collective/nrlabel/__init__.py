"""collective.nrlabel: the Label Numérique Responsable inside a Plone intranet."""

from zope.i18nmessageid import MessageFactory


PACKAGE_NAME = "collective.nrlabel"

_ = MessageFactory(PACKAGE_NAME)
