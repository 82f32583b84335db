"""The referential tree of a programme (or of one theme/principle), from the
catalog's index sets.

Only the themes and principles (folders, a few dozen) are woken, for their
order: views of a 47-criterion programme stay cheap however much evidence hangs
below the criteria.
"""

from collections import defaultdict
from collective.nrlabel.index_sets import IndexSets
from dataclasses import dataclass
from dataclasses import field


REFERENTIAL_TYPES = ("nr_theme", "nr_principle", "nr_criterion")


def programme_of(context):
    """The programme that holds ``context`` (or ``context`` itself), else None."""
    from collective.nrlabel.content.programme import IProgramme

    for item in getattr(context, "aq_chain", ()):
        if IProgramme.providedBy(item):
            return item
    return None


@dataclass
class TreeNode:
    code: str
    title: str
    url: str
    portal_type: str
    children: list = field(default_factory=list)
    path: str = ""


def referential_tree(container):
    """The themes, principles and criteria below ``container``, in referential
    order (each folder's own order). From the index sets: a catalog search
    below the programme would walk its evidence too (index_sets.py)."""
    root = "/".join(container.getPhysicalPath())
    by_parent = defaultdict(dict)
    for brain in IndexSets().records_of(container, REFERENTIAL_TYPES):
        path = brain.getPath()
        parent, item_id = path.rsplit("/", 1)
        by_parent[parent][item_id] = (path, brain)

    def build(parent_path):
        children = by_parent.get(parent_path)
        if not children:
            return []
        folder = container.unrestrictedTraverse(parent_path)
        order = {item_id: i for i, item_id in enumerate(folder.objectIds())}
        return [
            TreeNode(
                code=brain.nr_code,
                title=brain.Title,
                url=brain.getURL(),
                portal_type=brain.portal_type,
                children=build(path),
                path=path,
            )
            for item_id, (path, brain) in sorted(
                children.items(), key=lambda item: order.get(item[0], len(order))
            )
        ]

    return build(root)


def group_titles(programme) -> dict:
    """Title of each theme and principle of ``programme``, by code: a handful of
    catalog records (the referential tree is not built for a few titles)."""
    records = IndexSets().records_of(programme, ("nr_theme", "nr_principle"))
    return {record.nr_code: record.Title for record in records}


def count_by_type(nodes):
    """How many nodes of each portal type the tree holds."""
    counts = defaultdict(int)
    stack = list(nodes)
    while stack:
        node = stack.pop()
        counts[node.portal_type] += 1
        stack.extend(node.children)
    return counts


def criterion_by_code(programme, code):
    """The theme, principle or criterion of ``programme`` with this code (ids are codes)."""
    parts = code.split(".")
    item = programme
    for depth in range(1, len(parts) + 1):
        item = item[".".join(parts[:depth])]
    return item
