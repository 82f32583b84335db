"""NR Programme: one organisation's Label NR effort, seeded from a referential."""

from collective.nrlabel import _
from collective.nrlabel.referential.registry import get_referential
from collective.nrlabel.referential.seeding import seed_programme
from plone import api
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from Products.CMFCore.indexing import processQueue
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


def programme_of(context):
    """The programme that holds ``context`` (or ``context`` itself), else None."""
    for item in getattr(context, "aq_chain", ()):
        if IProgramme.providedBy(item):
            return item
    return None


def add_action_plan(programme):
    """Every programme has one action plan, created with it."""
    from collective.nrlabel.content.action_plan import ACTION_PLAN_ID
    from plone.dexterity.utils import createContent

    if ACTION_PLAN_ID in programme.objectIds():
        return programme[ACTION_PLAN_ID]
    plan = createContent(
        "nr_action_plan",
        title=api.portal.translate(_("title_action_plan", default="Action plan")),
    )
    plan.id = ACTION_PLAN_ID
    programme._setObject(ACTION_PLAN_ID, plan)
    return programme[ACTION_PLAN_ID]


def seed_new_programme(programme, event):
    """Create the referential's tree in a newly added, still empty programme.

    A programme that arrives with content (a copy, an import) is left as it is.
    """
    if programme.objectIds():
        return
    referential = get_referential(programme.referential or DEFAULT_REFERENTIAL)
    language = api.portal.get_default_language()
    seed_programme(programme, referential, language)
    add_action_plan(programme)
    # Index the tree now: the programme is often renamed right after being added
    # (title to id), and the move must find its children in the catalog.
    processQueue()
