"""What themes, principles and criteria share: a referential code, and text that
belongs to the referential rather than to the programme."""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from collective.nrlabel import _
from collective.nrlabel.permissions import EditReferentialText
from plone import api
from plone.supermodel import model
from z3c.form.datamanager import AttributeField
from z3c.form.interfaces import IDataManager
from zope import schema
from zope.component import adapter
from zope.interface import implementer
from zope.schema.interfaces import IText


# The referential's own words: the title and description (plone.basic), the code
# and, on criteria, the guidance. A programme's self-assessment never changes them.
REFERENTIAL_TEXT_FIELDS = frozenset({"title", "description", "code", "guidance"})


class IReferentialItem(model.Schema):
    """A node of a referential inside a programme (theme, principle or criterion)."""

    code = schema.TextLine(
        title=_("label_code", default="Code"),
        description=_(
            "help_code",
            default="The item's code in the referential, such as 1, 1.2 or 1.2.3.",
        ),
        required=True,
        max_length=40,
    )


def being_created(item) -> bool:
    """True while ``item`` is being made (an add form, a REST POST): it is not in
    its container yet, and whoever may add it writes its text."""
    parent = aq_parent(aq_inner(item))
    if parent is None:
        return True
    item_id = item.getId()
    if not item_id:
        return True
    return aq_base(parent._getOb(item_id, None)) is not aq_base(item)


def may_edit_referential_text(item) -> bool:
    """Whether the current user may change ``item``'s referential text.

    An NR lead edits criteria (their self-assessment) but not what the
    referential says: only holders of "Edit referential text" (site
    administrators) do, so that "Self-assess" can never change a title by
    accident. Adding an item (its text typed for the first time) is not editing.
    """
    if being_created(item):
        return True
    return bool(api.user.has_permission(EditReferentialText, obj=item))


@implementer(IDataManager)
@adapter(IReferentialItem, IText)
class ReferentialTextDataManager(AttributeField):
    """Forms and the REST API read write access from the data manager: edit
    forms show a field it refuses in display mode (read-only) and never apply a
    value posted for it; plone.restapi skips it on PATCH. This covers the title
    and description of the ``plone.basic`` behaviour too, which a
    ``write_permission`` directive on this schema cannot reach, and leaves add
    forms alone (they ignore the context, and a new item has no text to keep),
    where a ``write_permission`` directive would drop the code from the lead's
    add form of a criterion."""

    def canWrite(self):
        if self.field.__name__ in REFERENTIAL_TEXT_FIELDS and (
            not may_edit_referential_text(self.context)
        ):
            return False
        return super().canWrite()
