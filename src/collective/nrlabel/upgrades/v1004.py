"""1003 → 1004: hardening. Programmes private to the add-on's roles, the lead
delegates roles, checked links and file types, co-authors.

The import steps (rolemap, sharing, workflows, registry) are declared in
``configure.zcml``; this module does what no import step can: existing programmes
and their content.
"""

from collective.nrlabel.evidence.rules import record_author
from plone import api

import logging


logger = logging.getLogger("collective.nrlabel")

# Plone's roles given on a programme's Sharing tab before 1004 → the add-on's own.
RENAMED_LOCAL_ROLES = {
    "Editor": "NR Editor",
    "Contributor": "NR Contributor",
    "Reader": "NR Reader",
}


def rename_local_roles(programme):
    """Who had Plone's Editor/Contributor/Reader on a programme keeps their access,
    now through the add-on's roles (Plone's grant nothing on programmes any more)."""
    for principal, roles in list(programme.get_local_roles()):
        renamed = {RENAMED_LOCAL_ROLES.get(role, role) for role in roles}
        if renamed != set(roles):
            programme.manage_setLocalRoles(principal, sorted(renamed))


def authors_from_versions(evidence, repository):
    """Co-authors of evidence edited before 1004, read from its saved versions."""
    if not repository.isVersionable(evidence):
        return
    history = repository.getHistoryMetadata(evidence)
    if not history:
        return
    for number in range(history.getLength(countPurged=False)):
        metadata = history.retrieve(number, countPurged=False)["metadata"]
        record_author(evidence, metadata["sys_metadata"].get("principal"))


def programmes():
    return [
        brain._unrestrictedGetObject()
        for brain in api.content.find(portal_type="nr_programme", unrestricted=True)
    ]


def make_programmes_private(context) -> None:
    """Existing programmes and their content follow the add-on's own roles."""
    workflow_tool = api.portal.get_tool("portal_workflow")
    for programme in programmes():
        # Programme.__ac_local_roles_block__ now blocks inherited roles: the
        # catalog's allowedRolesAndUsers must follow, as must the role mappings.
        rename_local_roles(programme)
        for brain in api.content.find(context=programme, unrestricted=True):
            obj = brain._unrestrictedGetObject()
            for workflow in workflow_tool.getWorkflowsFor(obj):
                workflow.updateRoleMappingsFor(obj)
            obj.reindexObjectSecurity()
        logger.info("Programme %s is now private to its own roles", programme.getId())


def record_coauthors(context) -> None:
    """Co-authors of existing evidence, read from its saved versions."""
    repository = api.portal.get_tool("portal_repository")
    for programme in programmes():
        for brain in api.content.find(
            context=programme, portal_type="nr_evidence", unrestricted=True
        ):
            authors_from_versions(brain._unrestrictedGetObject(), repository)


# Metadata columns of 1.0.0a1 that no page, export or rule reads.
UNREAD_COLUMNS = (
    "nr_kind",
    "nr_document_date",
    "nr_approved",
    "nr_progress",
    "nr_priority",
    "nr_window_start",
)


def drop_unread_columns(context) -> None:
    catalog = api.portal.get_tool("portal_catalog")
    for column in UNREAD_COLUMNS:
        if column in catalog.schema():
            catalog.delColumn(column)
