"""Build a programme's tree of themes, principles and criteria from a referential."""

from collective.nrlabel.referential.model import CRITERION
from collective.nrlabel.referential.model import PRINCIPLE
from collective.nrlabel.referential.model import THEME
from plone.dexterity.utils import createContentInContainer


PORTAL_TYPES = {
    THEME: "nr_theme",
    PRINCIPLE: "nr_principle",
    CRITERION: "nr_criterion",
}


def content_id(code):
    """The id of the item for ``code``: the code itself, as in …/1/1.2/1.2.3."""
    return code


def seed_programme(programme, referential, language):
    """Create ``referential``'s items in ``programme``, texts in ``language``.

    Runs as part of adding the programme: whoever may add a programme gets its
    whole referential, whatever their permission to add single criteria.
    Returns the number of items created.
    """
    language = (language or "fr").split("-")[0]
    containers = {None: programme}
    for node in referential.nodes:
        item = createContentInContainer(
            containers[node.parent_code],
            PORTAL_TYPES[node.level],
            checkConstraints=False,
            id=content_id(node.code),
            title=node.text("title", language),
            code=node.code,
        )
        if node.level == CRITERION:
            item.guidance = node.text("guidance", language) or None
        containers[node.code] = item
    programme.referential = referential.id
    programme.referential_version = referential.version
    return len(referential.nodes)
