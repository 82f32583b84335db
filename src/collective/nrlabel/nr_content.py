"""What counts as the add-on's content, for the rules that keep an intranet's
add-ons (plone.app.iterate, plone.app.discussion) away from it.

The nine NR classes get the ``INRContent`` marker in ``coexistence.zcml``, so an
adapter or a view registered for it wins over the intranet's generic one for
every NR item, and for nothing else.
"""

from zope.interface import Interface


# The add-on's types, containers before what they hold (the order an import
# or a catalog query of the whole tree wants).
NR_TYPES = (
    "nr_programme",
    "nr_theme",
    "nr_principle",
    "nr_criterion",
    "nr_evidence",
    "nr_action_plan",
    "nr_action",
    "nr_audit",
    "nr_finding",
)


class INRContent(Interface):
    """Marker of every collective.nrlabel content item (programme, theme,
    principle, criterion, evidence, action plan, action, audit, finding)."""


def is_nr_content(obj) -> bool:
    """Whether ``obj`` is one of the add-on's items (by marker, or by portal
    type for an object whose class was replaced)."""
    if INRContent.providedBy(obj):
        return True
    return getattr(obj, "portal_type", None) in NR_TYPES
