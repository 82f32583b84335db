"""Build a programme's tree of themes, principles and criteria from a referential.

The items are made here, not with ``api.content.create``: their ids are their codes
(…/1/1.2/1.2.3, so that addresses read like the referential), and the whole tree
comes with the programme whatever the user's permission to add single items.
"""

from __future__ import annotations

from collective.nrlabel.referential.model import CRITERION
from collective.nrlabel.referential.model import PRINCIPLE
from collective.nrlabel.referential.model import Referential
from collective.nrlabel.referential.model import THEME
from plone.api.types import Container
from plone.api.types import Content
from plone.dexterity.utils import createContent
from zExceptions import BadRequest


PORTAL_TYPES = {
    THEME: "nr_theme",
    PRINCIPLE: "nr_principle",
    CRITERION: "nr_criterion",
}


def content_id(container: Container, code: str) -> str:
    """The id of the item for ``code``: the code itself, as in …/1/1.2/1.2.3.

    Plone's name chooser would read "1.2.3" as a file name with an extension, so
    the id is set here; a code that Zope reserves (a method name) gets a prefix.
    """
    try:
        container._checkId(code)
    except BadRequest:
        return f"nr-{code}"
    return code


def seed_programme(
    programme: Content, referential: Referential, language: str | None
) -> int:
    """Create ``referential``'s items in ``programme``, texts in ``language``.

    Runs as part of adding the programme: whoever may add a programme gets its
    whole referential, whatever their permission to add single criteria.
    Returns the number of items created.
    """
    language = (language or "fr").split("-")[0]
    containers = {None: programme}
    for node in referential.nodes:
        container = containers[node.parent_code]
        item = createContent(
            PORTAL_TYPES[node.level],
            title=node.text("title", language),
            code=node.code,
        )
        if node.level == CRITERION:
            item.guidance = node.text("guidance", language) or None
        item.id = content_id(container, node.code)
        container._setObject(item.id, item)
        containers[node.code] = container._getOb(item.id)
    programme.referential = referential.id
    programme.referential_version = referential.version
    return len(referential.nodes)
