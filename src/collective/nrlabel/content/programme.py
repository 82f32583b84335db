"""NR Programme: one organisation's Label NR effort, seeded from a referential."""

from collective.nrlabel import _
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from z3c.form.interfaces import IEditForm
from zope import schema
from zope.interface import implementer


DEFAULT_REFERENTIAL = "label-nr-2019"


class IProgramme(model.Schema):
    """Schema of an NR programme."""

    organisation = schema.TextLine(
        title=_("label_organisation", default="Organisation"),
        description=_(
            "help_organisation",
            default="The organisation that seeks the label, as it will appear on reports.",
        ),
        required=False,
    )

    directives.mode(IEditForm, referential="display")
    referential = schema.Choice(
        title=_("label_referential", default="Referential"),
        description=_(
            "help_referential",
            default="The themes, principles and criteria are created from this "
            "referential when the programme is added; it cannot be changed later.",
        ),
        vocabulary="collective.nrlabel.Referentials",
        default=DEFAULT_REFERENTIAL,
        required=True,
    )

    referential_version = schema.TextLine(
        title=_("label_referential_version", default="Referential version"),
        required=False,
        readonly=True,
    )

    community_entry_date = schema.Date(
        title=_("label_community_entry_date", default="Entry into the NR community"),
        description=_(
            "help_community_entry_date",
            default="Step 1 of the labelling process: the date the organisation joined.",
        ),
        required=False,
    )

    training_date = schema.Date(
        title=_("label_training_date", default="Training"),
        description=_(
            "help_training_date",
            default="Step 2 of the labelling process: when the team was trained.",
        ),
        required=False,
    )

    training_notes = schema.Text(
        title=_("label_training_notes", default="Training records"),
        description=_(
            "help_training_notes",
            default="Who was trained, by whom; attach certificates as evidence.",
        ),
        required=False,
    )


@implementer(IProgramme)
class Programme(Container):
    """An NR programme."""

    # Programmes are private to the people given a role on their own Sharing tab:
    # local roles given higher up (the site root shared with every logged-in user,
    # a parent folder) never reach them. A property with a no-op setter, so that
    # nobody, an NR lead included, can switch inheritance back on from Sharing.
    @property
    def __ac_local_roles_block__(self):
        return True

    @__ac_local_roles_block__.setter
    def __ac_local_roles_block__(self, value):
        pass

    referential_version = None
    training_date = None
    training_notes = None
