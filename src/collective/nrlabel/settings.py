"""The add-on's settings, kept in the Plone registry and edited in a control panel."""

from collective.nrlabel import _
from plone import api
from zope import schema
from zope.interface import Interface


PREFIX = "collective.nrlabel"


class INRLabelSettings(Interface):
    """Settings of collective.nrlabel (registry prefix ``collective.nrlabel``)."""

    max_upload_mb = schema.Int(
        title=_("label_max_upload_mb", default="Maximum size of an evidence file (MB)"),
        description=_(
            "help_max_upload_mb",
            default="Larger files are refused with a message. Your web server may "
            "have its own limit.",
        ),
        default=50,
        min=1,
        max=2048,
        required=True,
    )


def get_setting(name):
    """A setting's value, or its default when the registry has no record yet."""
    value = api.portal.get_registry_record(f"{PREFIX}.{name}", default=None)
    if value is None:
        value = INRLabelSettings[name].default
    return value
