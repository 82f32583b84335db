"""NR Criterion: the level evidence is attached to (e.g. 1.2.3), and self-assessed."""

from collective.nrlabel import _
from collective.nrlabel.content.referential_item import IReferentialItem
from OFS.event import ObjectWillBeAddedEvent
from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.event import notify
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant
from zope.lifecycleevent import ObjectAddedEvent


CRITERIA_VOCABULARY_VIEW = "@@nr-criteria-vocabulary"

# What the picker's results and preview show: no workflow state or dates, which
# mean nothing to someone choosing a criterion ("review_state: current", "created").
PICKER_ATTRIBUTES = [
    "UID",
    "Title",
    "Description",
    "portal_type",
    "path",
    "getURL",
    "getIcon",
    "is_folderish",
]


def criterion_picker(**options) -> dict:
    """The widget settings of every field that points to criteria (evidence's
    "also supports", a finding's criterion, an action's criteria): a content
    browser that offers criteria only. ``options`` add pattern options.

    Its searches go to ``@@nr-criteria-vocabulary`` (browser/evidence_forms.py),
    relative to the form's page, which finds criteria of the form's programme by
    code ("1.1.3") or title and titles them "1.1.3 — title"; the add-on's own
    forms replace the relative address with an absolute one.

    No "favourites" menu: Plone's ("Current Content", "Start Page") lead to the
    form's folder and the site's root, where there is no criterion to pick, and
    the pattern shows their titles untranslated.
    """
    return {
        "vocabulary": "plone.app.vocabularies.Catalog",
        "pattern_options": {
            "selectableTypes": ["nr_criterion"],
            "attributes": PICKER_ATTRIBUTES,
            "vocabularyUrl": CRITERIA_VOCABULARY_VIEW,
            "favorites": False,
            **options,
        },
    }


def criterion_label(code, title) -> str:
    """How a criterion is named wherever it is picked: "1.1.3 — title"."""
    return f"{code} — {title}" if code else title


JUSTIFICATION_MESSAGE = _(
    "error_justification_required",
    default="Say why the criterion does not apply: a justification is required.",
)


# The self-assessment: what the grid, the activity log and the form's fieldset
# share; the rest of a criterion is the referential's text.
SELF_ASSESSMENT_FIELDS = (
    "applicability",
    "justification",
    "maturity",
    "owner",
    "target_date",
    "notes",
    "needs_reconfirmation",
)


class JustificationMissing(Invalid):
    """A criterion set not applicable without a justification."""


class ICriterion(IReferentialItem):
    """Schema of a criterion."""

    guidance = schema.Text(
        title=_("label_guidance", default="Guidance"),
        description=_(
            "help_guidance",
            default="What evidence an auditor expects for this criterion.",
        ),
        required=False,
    )

    model.fieldset(
        "self_assessment",
        label=_("fieldset_self_assessment", default="Self-assessment"),
        fields=list(SELF_ASSESSMENT_FIELDS),
    )

    applicability = schema.Choice(
        title=_("label_applicability", default="Applicability"),
        vocabulary="collective.nrlabel.Applicability",
        default="applicable",
        required=True,
    )

    justification = schema.Text(
        title=_("label_justification", default="Why it does not apply"),
        description=_(
            "help_justification",
            default="Required when the criterion is not applicable; the auditor reads it.",
        ),
        required=False,
    )

    maturity = schema.Choice(
        title=_("label_maturity", default="Maturity"),
        description=_(
            "help_maturity",
            default="Where the organisation stands on this criterion today.",
        ),
        vocabulary="collective.nrlabel.Maturity",
        required=False,
    )

    # Only people with a role on the programme, never its auditors; a former
    # member who still owns the criterion stays listed (see vocabularies/people.py).
    owner = schema.Choice(
        title=_("label_criterion_owner", default="Owner"),
        description=_(
            "help_criterion_owner",
            default="Who gathers the evidence for this criterion.",
        ),
        vocabulary="collective.nrlabel.ProgrammePeople",
        required=False,
    )

    target_date = schema.Date(
        title=_("label_target_date", default="Target date"),
        required=False,
    )

    notes = schema.Text(
        title=_("label_notes", default="Notes"),
        required=False,
    )

    needs_reconfirmation = schema.Bool(
        title=_(
            "label_needs_reconfirmation", default="To be confirmed for the renewal"
        ),
        description=_(
            "help_needs_reconfirmation",
            default="Set when a renewal starts; uncheck once the self-assessment is "
            "confirmed.",
        ),
        default=False,
        required=False,
    )

    @invariant
    def justified_when_not_applicable(data):
        if (
            getattr(data, "applicability", None) == "not_applicable"
            and not (getattr(data, "justification", None) or "").strip()
        ):
            raise JustificationMissing(JUSTIFICATION_MESSAGE)


@implementer(ICriterion)
class Criterion(Container):
    """A criterion of a programme's referential."""

    applicability = "applicable"
    justification = None
    maturity = None
    owner = None
    target_date = None
    notes = None
    needs_reconfirmation = False

    # Editors add evidence to the same criterion at the same time: nothing that
    # every addition writes may be shared. Evidence has no order in its criterion
    # (every list sorts it by date or state), and plone.folder's default ordering
    # keeps one list of ids that every addition rewrites: a conflict each time
    # two editors add at once. The ids stay in the folder's BTree, whose
    # concurrent insertions merge.
    _ordering = "unordered"

    def _setObject(
        self, id, object, roles=None, user=None, set_owner=1, suppress_events=False
    ):
        """Add ``object`` with the usual events except ``ContainerModifiedEvent``.

        That event reindexes the criterion and sets its modification date
        (plone.dexterity's ``reindexOnModify``): one write of the criterion and
        of its catalog entry per evidence added, on which concurrent additions
        conflicted. Its modification date stays the date of its own changes.
        """
        if suppress_events:
            return super()._setObject(id, object, roles, user, set_owner, True)
        notify(ObjectWillBeAddedEvent(object, self, id))
        id = super()._setObject(id, object, roles, user, set_owner, True)
        notify(ObjectAddedEvent(self._getOb(id), self, id))
        return id
