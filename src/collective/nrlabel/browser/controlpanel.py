"""The Label NR control panel (@@nr-settings)."""

from collective.nrlabel import _
from collective.nrlabel.settings import INRLabelSettings
from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.z3cform import layout


class SettingsForm(RegistryEditForm):
    schema = INRLabelSettings
    schema_prefix = "collective.nrlabel"
    label = _("heading_settings", default="Label NR settings")


SettingsView = layout.wrap_form(SettingsForm, ControlPanelFormWrapper)
