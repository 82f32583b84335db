"""NR Audit: one labelling cycle (initial, renewal, follow-up) and its audit window."""

from AccessControl import ClassSecurityInfo
from AccessControl.class_init import InitializeClass
from collective.nrlabel import _
from plone.app.z3cform.widgets.select import AjaxSelectFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant


WINDOW_MESSAGE = _(
    "error_audit_window", default="The audit window must end on or after its start."
)


# Filled in at the committee step, never while planning (browser/cycle.py's forms).
OUTCOME_FIELDS = ("score_obtained", "level_obtained", "committee_date", "granted_date")


class WindowError(Invalid):
    """An audit window that ends before it starts."""


class IAudit(model.Schema):
    """Schema of an audit."""

    kind = schema.Choice(
        title=_("label_audit_kind", default="Kind"),
        vocabulary="collective.nrlabel.AuditKinds",
        default="initial",
        required=True,
    )
    audit_body = schema.TextLine(
        title=_("label_audit_body", default="Audit body"),
        description=_("help_audit_body", default="For example SGS or Bureau Veritas."),
        required=False,
    )
    window_start = schema.Date(
        title=_("label_window_start", default="Audit window: first day"), required=True
    )
    window_end = schema.Date(
        title=_("label_window_end", default="Audit window: last day"),
        description=_(
            "help_window_end",
            default="Auditors can read the programme from the first to the last day, "
            "while the audit is in progress, and never after.",
        ),
        required=True,
    )
    directives.widget(
        "auditors", AjaxSelectFieldWidget, vocabulary="plone.app.vocabularies.Users"
    )
    auditors = schema.List(
        title=_("label_auditors", default="Auditors"),
        value_type=schema.Choice(vocabulary="plone.app.vocabularies.Users"),
        default=[],
        required=False,
    )
    score_obtained = schema.Int(
        title=_("label_score_obtained", default="Score obtained (out of 1000)"),
        min=0,
        max=1000,
        required=False,
    )
    level_obtained = schema.Int(
        title=_("label_level_obtained", default="Level obtained"), min=0, required=False
    )
    committee_date = schema.Date(
        title=_("label_committee_date", default="Labelling committee decision"),
        required=False,
    )
    granted_date = schema.Date(
        title=_("label_granted_date", default="Label granted on"), required=False
    )
    directives.omitted("previous_audit_uid")
    previous_audit_uid = schema.ASCIILine(required=False)

    @invariant
    def window_in_order(data):
        start = getattr(data, "window_start", None)
        end = getattr(data, "window_end", None)
        if start and end and end < start:
            raise WindowError(WINDOW_MESSAGE)


@implementer(IAudit)
class Audit(Container):
    """An audit of the programme."""

    previous_audit_uid = None
    security = ClassSecurityInfo()

    @security.public
    def nr_has_expired(self):
        """Workflow guard of expire: the label's validity has ended."""
        from collective.nrlabel.audit.lifecycle import has_expired

        return has_expired(self)

    @security.public
    def nr_may_start(self):
        """Workflow guard of start_audit: no other audit of the programme is in
        progress."""
        from collective.nrlabel.audit.lifecycle import may_start_audit

        return may_start_audit(self)


InitializeClass(Audit)
