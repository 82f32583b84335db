"""collective.nrlabel: the Label Numérique Responsable inside a Plone intranet."""

from zope.i18nmessageid import MessageFactory


PACKAGE_NAME = "collective.nrlabel"

_ = MessageFactory(PACKAGE_NAME)


def _apply_patches():
    from collective.nrlabel import text_index
    from collective.nrlabel import zeo_oids

    text_index.apply()
    zeo_oids.apply()


_apply_patches()
