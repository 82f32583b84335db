"""1000 → 1001: evidence (type, workflow, roles, catalog, settings, versioning).

The import steps are declared in ``configure.zcml``; this module does what no
import step does.
"""

from plone import api


NEW_INDEXES = ("nr_criteria", "nr_submitted")


def reindex_new_indexes(context) -> None:
    """Fill the indexes the catalog step added (adding an index indexes nothing)."""
    catalog = api.portal.get_tool("portal_catalog")
    catalog.manage_reindexIndex(ids=list(NEW_INDEXES))
