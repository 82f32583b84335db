"""Install and uninstall hooks."""

from plone import api
from plone.base.interfaces import INonInstallable
from zope.interface import implementer


PROGRAMME_TYPES = ("nr_programme",)


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Hide the uninstall profile from the add-ons control panel."""
        return ["collective.nrlabel:uninstall"]

    def getNonInstallableProducts(self):
        return []


def post_install(context):
    """Add the PAS plugin behind time-boxed auditor access."""
    from collective.nrlabel.audit.access import install_plugin

    install_plugin(api.portal.get())


def uninstall(context):
    """Refuse to leave programmes whose types are about to disappear.

    Raising aborts the transaction, so the site is left as it was.
    """
    count = len(api.content.find(portal_type=PROGRAMME_TYPES, unrestricted=True))
    if count:
        raise ValueError(
            f"collective.nrlabel cannot be uninstalled while the site holds {count} "
            "NR programme(s): delete or export them first."
        )
    from collective.nrlabel.audit.access import uninstall_plugin

    uninstall_plugin(api.portal.get())
