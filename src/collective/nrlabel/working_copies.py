"""No working copies (plone.app.iterate) of the add-on's content.

A check-in replaces the baseline with the working copy's content while the
baseline keeps its workflow state: approved evidence would change and stay
"approved" with its original approver, and a check-out would bypass the audit
freeze. Approved evidence must never change without a new review, and the
add-on's own revision path (reopen, revise, resubmit) already does what a working
copy does, through review. So no NR item (programme, theme, principle, criterion,
evidence, action plan, action, audit, finding) may be checked out or checked in,
whoever asks (an NR editor, a Site Administrator, a Manager): the action is not
offered (``browser/working_copies.py``), the form and the REST API answer 403,
and the subscribers below refuse a check-out or check-in whatever code asks for
it. Cancelling a working copy made before this rule stays possible.
"""

from collective.nrlabel import _
from collective.nrlabel.nr_content import is_nr_content
from plone import api
from plone.app.iterate.dexterity import ITERATE_RELATION_NAME
from plone.app.iterate.interfaces import CheckinException
from plone.app.iterate.interfaces import CheckoutException
from zc.relation.interfaces import ICatalog
from zExceptions import Forbidden
from zope.component import queryUtility

import logging


logger = logging.getLogger("collective.nrlabel")

REFUSAL = _(
    "error_no_working_copy",
    default="Working copies are not used for the label's content: approved "
    "evidence changes only through a new review. Nothing was checked out; to "
    "change this item, reopen or revise it.",
)
CHECKIN_REFUSAL = _(
    "error_no_checkin",
    default="A working copy of the label's content cannot be checked in: it would "
    "change the item without a new review. Nothing was changed; cancel the "
    "check-out and revise the item instead.",
)


class CheckoutRefused(CheckoutException, Forbidden):
    """A check-out of NR content: refused, answered 403."""


class CheckinRefused(CheckinException, Forbidden):
    """A check-in onto NR content: refused, answered 403."""


def refusal_message(checkin=False) -> str:
    """The refusal in the user's language."""
    return api.portal.translate(CHECKIN_REFUSAL if checkin else REFUSAL)


def refuse_checkout(obj, event) -> None:
    """``IBeforeCheckoutEvent``: plone.app.iterate's policy notifies it before it
    copies anything, so raising here leaves the site unchanged."""
    if is_nr_content(obj):
        raise CheckoutRefused(refusal_message())


def refuse_checkin(obj, event) -> None:
    """``ICheckinEvent`` (``obj`` is the working copy): notified before the
    baseline is replaced."""
    if is_nr_content(obj) or is_nr_content(getattr(event, "baseline", None)):
        raise CheckinRefused(refusal_message(checkin=True))


def nr_working_copies() -> list:
    """Paths of the working copies of NR content that exist already (made before
    this rule): they can no longer be checked in, only cancelled. Read from the
    relation catalog, where plone.app.iterate records each check-out."""
    relations = queryUtility(ICatalog)
    if relations is None:
        return []
    paths = []
    for relation in relations.findRelations({"from_attribute": ITERATE_RELATION_NAME}):
        baseline, copy = relation.from_object, relation.to_object
        if copy is not None and (is_nr_content(baseline) or is_nr_content(copy)):
            paths.append("/".join(copy.getPhysicalPath()))
    return sorted(paths)


def report_nr_working_copies(context=None) -> int:
    """Upgrade helper: log the NR working copies left by plone.app.iterate."""
    paths = nr_working_copies()
    for path in paths:
        logger.warning(
            "Working copy of NR content, can no longer be checked in (cancel it): %s",
            path,
        )
    return len(paths)
