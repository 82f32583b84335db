"""Intranet items used as evidence, seen from the intranet side: the "Use as Label
NR evidence" action and form (browser/use_as_evidence.py) and the viewlet that
lists the criteria an item supports.

Who may use an item: whoever may add evidence (the add-on's Add Evidence *and*
Plone's Add portal content, as the add form needs both) on a criterion. The
programmes are the ones the catalog shows the user; the permissions are checked
on the programme for the picker (criteria acquire them: nothing below a
programme maps them) and again on the chosen criterion when the form is posted.

Which criteria an item supports: the relation catalog gives the evidence that
points to the item (``to_id`` + ``from_attribute``, whatever the number of
evidence items in the site); the portal catalog then keeps only the evidence and
criteria the current user may see, so a colleague without a role on the
programme learns nothing, not even that the item is used.
"""

from collective.nrlabel.evidence.intranet import RELATION_ATTRIBUTE
from collective.nrlabel.evidence.rules import check_intranet_item
from collective.nrlabel.evidence.rules import IntranetItemRefused
from collective.nrlabel.permissions import AddEvidence
from collective.nrlabel.programme_tree import referential_tree
from dataclasses import dataclass
from dataclasses import field
from plone import api
from Products.CMFCore.permissions import AddPortalContent
from zExceptions import Unauthorized


PROGRAMME_TYPE = "nr_programme"
EVIDENCE_TYPE = "nr_evidence"
CRITERION_TYPE = "nr_criterion"


@dataclass(frozen=True)
class CriterionChoice:
    uid: str
    code: str
    title: str


@dataclass(frozen=True)
class ProgrammeChoice:
    """A programme where the user may add evidence, with its criteria in
    referential order."""

    title: str
    criteria: tuple


@dataclass
class Support:
    """A criterion an intranet item supports, with the evidence that says so
    (catalog brains), as the current user may see them."""

    criterion: object
    programme_title: str
    evidence: list = field(default_factory=list)


def may_be_evidence(item) -> bool:
    """Whether ``item`` is an intranet item that may be evidence: not the site,
    not add-on content, nothing inside a programme (``check_intranet_item``)."""
    try:
        return check_intranet_item(item)
    except IntranetItemRefused:
        return False


def may_add_evidence(container) -> bool:
    """Whether the current user may add evidence in ``container``."""
    return api.user.has_permission(
        AddEvidence, obj=container
    ) and api.user.has_permission(AddPortalContent, obj=container)


def programmes_open_to_evidence() -> list:
    """The programmes (objects) the current user sees and may add evidence in."""
    if api.user.is_anonymous():
        return []
    brains = api.content.find(portal_type=PROGRAMME_TYPE, sort_on="sortable_title")
    return [
        programme
        for programme in (brain.getObject() for brain in brains)
        if may_add_evidence(programme)
    ]


def _criteria(nodes):
    for node in nodes:
        if node.portal_type == CRITERION_TYPE:
            yield node
        yield from _criteria(node.children)


def criteria_choices() -> list[ProgrammeChoice]:
    """The picker of the form: each open programme and its criteria."""
    choices = []
    for programme in programmes_open_to_evidence():
        nodes = list(_criteria(referential_tree(programme)))
        uids = {
            brain.getPath(): brain.UID
            for brain in api.content.find(
                portal_type=CRITERION_TYPE,
                path="/".join(programme.getPhysicalPath()),
            )
        }
        criteria = tuple(
            CriterionChoice(uids[node.path], node.code, node.title)
            for node in nodes
            if node.path in uids
        )
        if criteria:
            choices.append(ProgrammeChoice(programme.Title(), criteria))
    return choices


def criterion_for(uid: str):
    """The criterion ``uid`` if the current user sees it and may add evidence in
    it, else None (unknown, hidden or closed to them: the same answer)."""
    brains = api.content.find(portal_type=CRITERION_TYPE, UID=uid) if uid else []
    if not brains:
        return None
    criterion = brains[0].getObject()
    return criterion if may_add_evidence(criterion) else None


def create_evidence(criterion, item, **fields):
    """Evidence in ``criterion`` pointing to ``item``, as the current user.

    ``fields``: title, kind, document_date, valid_until (checked by the caller:
    the view validates the form). Raises Unauthorized if the user may not add
    evidence there, IntranetItemRefused if ``item`` cannot be evidence.
    """
    from z3c.relationfield import RelationValue
    from zope.component import getUtility
    from zope.intid.interfaces import IIntIds

    if not may_add_evidence(criterion):
        raise Unauthorized(AddEvidence)
    check_intranet_item(item)
    return api.content.create(
        container=criterion,
        type=EVIDENCE_TYPE,
        intranet_item=RelationValue(getUtility(IIntIds).register(item)),
        **fields,
    )


def _evidence_uids(item) -> list[str]:
    """UIDs of every evidence item pointing to ``item`` (no permission check)."""
    from plone.uuid.interfaces import IUUID
    from zc.relation.interfaces import ICatalog
    from zope.component import queryUtility
    from zope.intid.interfaces import IIntIds

    intids, relations = queryUtility(IIntIds), queryUtility(ICatalog)
    to_id = intids.queryId(item) if intids is not None else None
    if relations is None or to_id is None:
        return []
    query = {"to_id": to_id, "from_attribute": RELATION_ATTRIBUTE}
    found = (
        intids.queryObject(r.from_id, None) for r in relations.findRelations(query)
    )
    return [IUUID(evidence) for evidence in found if evidence is not None]


def supported_criteria(item) -> list[Support]:
    """The criteria ``item`` is evidence for (each evidence's own criterion and
    the ones it also supports: the catalog's ``nr_criteria``), limited to what
    the current user may see."""
    uids = _evidence_uids(item)
    if not uids:
        return []
    wanted = {}
    for brain in api.content.find(
        portal_type=EVIDENCE_TYPE, UID=uids, sort_on="created"
    ):
        for uid in dict.fromkeys(brain.nr_criteria or ()):
            wanted.setdefault(uid, []).append(brain)
    if not wanted:
        return []
    programmes = {
        brain.getPath() + "/": brain.Title
        for brain in api.content.find(portal_type=PROGRAMME_TYPE)
    }
    supports = []
    for brain in api.content.find(portal_type=CRITERION_TYPE, UID=list(wanted)):
        title = next(
            (t for p, t in programmes.items() if brain.getPath().startswith(p)), ""
        )
        supports.append(Support(brain, title, wanted[brain.UID]))
    return sorted(supports, key=_support_order)


def _support_order(support):
    """By programme, then code in referential order ("1.2" before "1.10")."""
    code = support.criterion.nr_code or ""
    return (
        support.programme_title,
        [int(p) if p.isdigit() else 0 for p in code.split(".")],
        code,
    )
