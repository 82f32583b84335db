"""NR Evidence: a file, a link, a note or an intranet item that shows a criterion
is met.

``intranet_item`` is a relation to an existing item of the intranet (any type,
outside every programme); what was approved of it is pinned at approval and
watched afterwards (``evidence/intranet.py``, ``subscribers/intranet.py``).
"""

from AccessControl import ClassSecurityInfo
from AccessControl import getSecurityManager
from AccessControl.class_init import InitializeClass
from collective.nrlabel import _
from collective.nrlabel.audit.freeze import frozen_by_audit
from collective.nrlabel.content.criterion import criterion_picker
from collective.nrlabel.evidence.rules import check_intranet_item
from collective.nrlabel.evidence.rules import check_link
from collective.nrlabel.evidence.rules import check_upload
from collective.nrlabel.evidence.rules import may_reapprove
from collective.nrlabel.evidence.rules import may_review_in_state
from plone.app.textfield import RichText
from plone.app.z3cform.widgets.contentbrowser import ContentBrowserFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant


CONTENT_MESSAGE = _(
    "error_evidence_content_intranet",
    default="Give exactly one of a file, a link, a note or an intranet item.",
)

CONTENT_FIELDS = ("file", "link", "note", "intranet_item")


def given_content(data) -> list[str]:
    """Which of file, link, note and intranet item ``data`` gives (an empty note
    does not count)."""
    return [
        name
        for name in CONTENT_FIELDS
        if getattr(data, name, None) not in (None, "")
        and not (name == "note" and not getattr(data.note, "raw", "").strip())
    ]


class EvidenceContentError(Invalid):
    """Not exactly one of a file, a link, a note and an intranet item."""


DATES_MESSAGE = _(
    "error_evidence_dates",
    default="The valid-until date must be after the document date.",
)


class EvidenceDatesError(Invalid):
    """Valid until a date before the document date."""


class IEvidence(model.Schema):
    """Schema of a piece of evidence."""

    # File, link and note come first, on the main tab: they are what the evidence
    # is, and the one error an editor makes most (none of them) must be seen next
    # to them (browser/evidence_forms.py attaches it to the file field).

    file = NamedBlobFile(
        title=_("label_evidence_file", default="File"),
        description=_(
            "help_evidence_file_intranet",
            default="A document (policy, report, record…). Give a file, a link, a "
            "note or an intranet item, only one.",
        ),
        required=False,
        constraint=check_upload,
    )

    link = schema.URI(
        title=_("label_evidence_link", default="Link"),
        description=_(
            "help_evidence_link",
            default="The address (http://, https:// or mailto:) of a page or "
            "document kept elsewhere.",
        ),
        required=False,
        constraint=check_link,
    )

    note = RichText(
        title=_("label_evidence_note", default="Note"),
        description=_(
            "help_evidence_note",
            default="A written statement, when there is no document.",
        ),
        required=False,
        # One format: editors are not asked to choose between text/html and
        # text/x-web-textile.
        default_mime_type="text/html",
        output_mime_type="text/x-html-safe",
        allowed_mime_types=("text/html",),
    )

    # Any item of the intranet the editor can view (the catalog vocabulary is
    # searched with their rights), never one inside a programme. The add-on's
    # forms give it a content browser that starts at the site root
    # (browser/evidence_forms.py); REST takes a UID, a path or a URL.
    directives.widget("intranet_item", ContentBrowserFieldWidget)
    intranet_item = RelationChoice(
        title=_("label_evidence_intranet_item", default="Intranet item"),
        description=_(
            "help_evidence_intranet_item",
            default="A page, file or other item already on the intranet. The "
            "version approved is recorded, and any later change is flagged.",
        ),
        vocabulary="plone.app.vocabularies.Catalog",
        required=False,
        constraint=check_intranet_item,
    )

    kind = schema.Choice(
        title=_("label_evidence_kind", default="Kind"),
        vocabulary="collective.nrlabel.EvidenceKinds",
        default="record",
        required=True,
    )

    document_date = schema.Date(
        title=_("label_document_date", default="Document date"),
        description=_(
            "help_document_date",
            default="The date the evidence is as of (signature, publication, record).",
        ),
        required=True,
    )

    valid_until = schema.Date(
        title=_("label_valid_until", default="Valid until"),
        description=_(
            "help_valid_until",
            default="Leave empty if it does not expire. Expired evidence no longer "
            "covers its criteria.",
        ),
        required=False,
    )

    directives.widget(
        "supported_criteria",
        ContentBrowserFieldWidget,
        **criterion_picker(basePath=""),
    )
    supported_criteria = RelationList(
        title=_("label_supported_criteria", default="Also supports"),
        description=_(
            "help_supported_criteria",
            default="Other criteria of the programme this evidence also supports; "
            "it is listed on them too.",
        ),
        value_type=RelationChoice(vocabulary="plone.app.vocabularies.Catalog"),
        default=[],
        required=False,
    )

    @invariant
    def exactly_one_content(data):
        if len(given_content(data)) != 1:
            raise EvidenceContentError(CONTENT_MESSAGE)

    @invariant
    def valid_after_document(data):
        start = getattr(data, "document_date", None)
        end = getattr(data, "valid_until", None)
        if start and end and end <= start:
            raise EvidenceDatesError(DATES_MESSAGE)


@implementer(IEvidence)
class Evidence(Item):
    """A piece of evidence attached to a criterion."""

    security = ClassSecurityInfo()

    @security.public
    def nr_may_review(self):
        """Workflow guard of approve and reject (segregation of duties; approved
        evidence is rejected only when its intranet item changed, never during
        an audit)."""
        return may_review_in_state(self, getSecurityManager().getUser())

    @security.public
    def nr_may_reapprove(self):
        """Workflow guard of reapprove: approved intranet evidence whose item
        changed since approval, outside an audit, by another reviewer."""
        return may_reapprove(self, getSecurityManager().getUser())

    @security.public
    def nr_may_change(self):
        """Workflow guard of reopen: approved evidence is frozen during an audit."""
        return not frozen_by_audit(self)


InitializeClass(Evidence)
