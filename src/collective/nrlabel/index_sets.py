"""Sets of catalog record ids straight from the catalog's indexes, for the
counts and short lists that readiness and the dashboard read on every page.

A catalog search scoped to a programme (``path=…``) and filtered by what the
user may see (``allowedRolesAndUsers``) intersects sets as large as the whole
programme: with 100,000 evidence items, each search for the programme's 47
criteria or its few audits walked 100,000 record ids. ``IndexSets.records_of``
starts from the small set instead (the criteria, actions or audits of the
site, by ``portal_type``), narrows it with the other indexes, and checks the
path and the user's access entry by entry, from the indexes' own per-entry
values: what it costs depends on how many criteria, actions or audits there
are, not on how much evidence.

It answers what ``api.content.find`` would: the same access rule as Plone's
catalog (``allowedRolesAndUsers`` and, for users who may not see inactive
content, ``effectiveRange``).
"""

from AccessControl import getSecurityManager
from BTrees.IIBTree import IISet
from BTrees.IIBTree import intersection
from DateTime import DateTime
from plone import api
from Products.CMFCore.indexing import processQueue
from Products.CMFCore.permissions import AccessInactivePortalContent


class IndexSets:
    """Record-id sets from the catalog's indexes (``_apply_index``: the index's
    own query, without sorting or loading records)."""

    def __init__(self, catalog=None):
        self.catalog = catalog or api.portal.get_tool("portal_catalog")
        self.indexes = self.catalog._catalog.indexes
        self.paths = self.catalog._catalog.paths

    def query(self, name, query, within=None):
        index = self.indexes.get(name)
        if index is None:
            return IISet()
        found = index._apply_index({name: query}, resultset=within)
        result = found[0] if found else None
        if result is None:
            return IISet()
        return intersection(result, within) if within is not None else result

    def record(self, rid):
        """The catalog record (brain) of ``rid``."""
        return self.catalog._catalog[rid]

    def values(self, name):
        """The per-entry values of index ``name`` (record id → value)."""
        index = self.indexes.get(name)
        return index._unindex if index is not None else {}

    def below(self, rids, container):
        """The entries of ``rids`` inside ``container`` (not itself)."""
        prefix = "/".join(container.getPhysicalPath()) + "/"
        paths = self.paths
        return IISet(rid for rid in rids if paths.get(rid, "").startswith(prefix))

    def visible(self, rids, container=None):
        """The entries of ``rids`` the current user may find in the catalog
        (searching inside ``container``)."""
        user = getSecurityManager().getUser()
        allowed = set(self.catalog._listAllowedRolesAndUsers(user))
        entries = self.values("allowedRolesAndUsers")
        found = IISet(
            rid for rid in rids if not allowed.isdisjoint(entries.get(rid, ()))
        )
        # Plone's rule: inactive content is shown to who may see it site-wide,
        # or in the container searched.
        check = getSecurityManager().checkPermission
        if check(AccessInactivePortalContent, self.catalog) or (
            container is not None and check(AccessInactivePortalContent, container)
        ):
            return found
        # Removes only entries with a date outside now: no large set walked.
        return self.query("effectiveRange", DateTime(), within=found)

    def rids_of(self, container, portal_types, unrestricted=False, **query):
        """The record ids of ``portal_types`` inside ``container`` that match
        ``query`` (index name → index query) and that the current user may see
        (all of them if ``unrestricted``): what ``api.content.find`` would
        find."""
        processQueue()
        rids = self.query("portal_type", portal_types)
        for name, value in query.items():
            if not rids:
                break
            rids = self.query(name, value, within=rids)
        rids = self.below(rids, container)
        return rids if unrestricted else self.visible(rids, container)

    def records_of(
        self, container, portal_types, sort=None, unrestricted=False, **query
    ):
        """The catalog records of ``rids_of``, sorted by ``sort`` (a function of
        the record id) if given."""
        rids = self.rids_of(container, portal_types, unrestricted, **query)
        ordered = sorted(rids, key=sort) if sort else rids
        return [self.record(rid) for rid in ordered]
