"""The referential tree of a programme (or of one theme/principle), from the catalog.

One catalog query, no object is woken up: views of a 47-criterion programme stay
cheap however much evidence hangs below the criteria.
"""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from plone import api


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
    """The themes, principles and criteria below ``container``, in referential order."""
    root = "/".join(container.getPhysicalPath())
    brains = api.content.find(
        path={"query": root},
        portal_type=REFERENTIAL_TYPES,
        sort_on="getObjPositionInParent",
    )
    by_parent = defaultdict(list)
    for brain in brains:
        path = brain.getPath()
        if path == root:
            continue
        by_parent[path.rsplit("/", 1)[0]].append((path, brain))

    def build(parent_path):
        return [
            TreeNode(
                code=brain.nr_code,
                title=brain.Title,
                url=brain.getURL(),
                portal_type=brain.portal_type,
                children=build(path),
                path=path,
            )
            for path, brain in by_parent.get(parent_path, [])
        ]

    return build(root)


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
