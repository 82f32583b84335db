"""Install and uninstall hooks.

Besides its own types, workflows, indexes and settings (which the uninstall
profile removes), installing changes a few things the site already had: its
roles, the permission settings at the site root (the add-on's permissions and
CMFEditions'), the comments' workflow, the discussion settings and the offered
languages. ``pre_install`` records how they were, ``post_install`` how install
left them; uninstalling puts back each one nobody changed since, so an intranet
that tried the add-on gets its own settings back.

Uninstalling a site that still holds programmes is refused before any step runs
(``refuse_uninstall_with_programmes``, the uninstall profile's pre-handler): the
Add-ons panel catches every error and commits, so a refusal after the steps
would leave programmes without their types.
"""

from AccessControl.Permission import getPermissionIdentifier
from Acquisition import aq_base
from collective.nrlabel import _
from pathlib import Path
from persistent.mapping import PersistentMapping
from plone import api
from plone.base.interfaces import INonInstallable
from xml.etree import ElementTree
from zExceptions import NotFound
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest
from zope.interface import implementer

import logging
import transaction


logger = logging.getLogger("collective.nrlabel")

PROFILE = "collective.nrlabel:default"
PROFILE_DIR = Path(__file__).parent / "profiles" / "default"
PROGRAMME_TYPES = ("nr_programme",)
COMMENT_TYPE = "Discussion Item"
FALLBACK_COMMENT_CHAIN = ("comment_one_state_workflow",)
# Records outside the add-on's own prefix that install may change (besides the
# ones its registry.xml names): the languages it offers (languages.py).
LANGUAGE_RECORDS = ("plone.available_languages", "plone.use_request_negotiation")
SNAPSHOT_KEY = "collective.nrlabel.site_before_install"
MISSING = "<missing>"
# What traversing to a catalog entry whose object was removed raises.
GONE = (AttributeError, KeyError, NotFound)


class UninstallRefused(ValueError):
    """Uninstalling would leave programmes without their types."""


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Hide the uninstall profile from the add-ons control panel."""
        return ["collective.nrlabel:uninstall"]

    def getNonInstallableProducts(self):
        return []


# -- What install changes outside the add-on's own objects ----------------------


def _profile_xml(name):
    return ElementTree.parse(PROFILE_DIR / name).getroot()


def addon_roles():
    """The roles the add-on adds to the site (its rolemap.xml)."""
    return tuple(role.get("name") for role in _profile_xml("rolemap.xml").iter("role"))


def rolemap_permissions():
    """The permissions whose settings at the site root install replaces."""
    return tuple(
        permission.get("name")
        for permission in _profile_xml("rolemap.xml").iter("permission")
    )


def touched_records():
    """Registry records of other packages that install sets."""
    named = tuple(
        record.get("name") for record in _profile_xml("registry.xml").iter("record")
    )
    return named + LANGUAGE_RECORDS


def _comment_chain():
    """The comments' own chain, or None when they follow the default chain."""
    overrides = dict(api.portal.get_tool("portal_workflow").listChainOverrides())
    chain = overrides.get(COMMENT_TYPE)
    return None if chain is None else tuple(chain)


def site_state(portal):
    """The settings install changes, as stored on the site (raw permission
    attributes: a list acquires, a tuple does not, MISSING means the default)."""
    site = aq_base(portal)
    registry = api.portal.get_tool("portal_registry")
    return {
        "roles": tuple(getattr(site, "__ac_roles__", ())),
        "permissions": {
            name: _copy(site.__dict__.get(getPermissionIdentifier(name), MISSING))
            for name in rolemap_permissions()
        },
        "comment_chain": _comment_chain(),
        "registry": {
            key: _copy(registry.get(key, MISSING)) for key in touched_records()
        },
    }


def _copy(value):
    return type(value)(value) if isinstance(value, (list, tuple)) else value


def pre_install(context):
    """Record the site's settings before the first install (not on a reinstall
    over an installed add-on, whose settings are already the add-on's)."""
    portal = api.portal.get()
    annotations = IAnnotations(portal)
    setup = api.portal.get_tool("portal_setup")
    if SNAPSHOT_KEY in annotations or setup.getLastVersionForProfile(PROFILE) not in (
        "unknown",
        None,
    ):
        return
    annotations[SNAPSHOT_KEY] = PersistentMapping(before=site_state(portal))


def post_install(context):
    """Add the PAS plugin behind time-boxed auditor access, random history ids
    (history_ids.py); record how install left the site's settings."""
    from collective.nrlabel.audit.access import install_plugin
    from collective.nrlabel.history_ids import use_random_history_ids

    portal = api.portal.get()
    install_plugin(portal)
    use_random_history_ids(portal)
    snapshot = IAnnotations(portal).get(SNAPSHOT_KEY)
    if snapshot is not None:
        snapshot["after"] = site_state(portal)


# -- Uninstall -------------------------------------------------------------------


def existing_programmes():
    """Programmes on the site (catalog entries of removed ones do not count)."""
    catalog = api.portal.get_tool("portal_catalog")
    found = []
    for brain in catalog.unrestrictedSearchResults(portal_type=PROGRAMME_TYPES):
        try:
            found.append(brain._unrestrictedGetObject())
        except GONE:
            continue
    return found


def refuse_uninstall_with_programmes(context):
    """The uninstall profile's pre-handler: refuse, before any step, while
    programmes exist.

    The Add-ons panel shows only a generic error and then commits, so the reason
    goes to the user as a status message, and the transaction is doomed so that
    nothing at all is saved."""
    programmes = existing_programmes()
    if not programmes:
        return
    count = len(programmes)
    titles = ", ".join(p.Title() for p in programmes[:5])
    if count > 5:
        titles += ", …"
    message = (
        _(
            "uninstall_refused_one",
            default="Label NR cannot be uninstalled: the site holds the "
            "programme “${titles}”. Delete or export it first; nothing was changed.",
            mapping={"titles": titles},
        )
        if count == 1
        else _(
            "uninstall_refused_many",
            default="Label NR cannot be uninstalled: the site holds ${count} "
            "programmes (${titles}). Delete or export them first; nothing was "
            "changed.",
            mapping={"count": count, "titles": titles},
        )
    )
    request = getRequest()
    if request is not None:
        api.portal.show_message(message=message, request=request, type="error")
    transaction.doom()
    raise UninstallRefused(
        f"collective.nrlabel cannot be uninstalled while the site holds {count} "
        f"NR programme{'s' if count > 1 else ''}: delete or export them first."
    )


def uninstall(context):
    """After the uninstall profile's steps: the auditor access plugin, the site's
    settings as they were before install, and catalog entries left behind."""
    from collective.nrlabel.audit.access import uninstall_plugin
    from collective.nrlabel.history_ids import restore_counter_history_ids

    portal = api.portal.get()
    uninstall_plugin(portal)
    restore_counter_history_ids(portal)
    annotations = IAnnotations(portal)
    snapshot = annotations.get(SNAPSHOT_KEY) or {}
    restore_site_state(portal, snapshot.get("before"), snapshot.get("after"))
    annotations.pop(SNAPSHOT_KEY, None)
    forget_versioning()
    purge_orphans()


def restore_site_state(portal, before, after):
    """Put back each setting install changed and nobody changed since; take the
    add-on's roles out of the others. Without a record (a site installed before
    this version), only the add-on's roles and permissions are taken out."""
    current = site_state(portal)
    before = before or {}
    after = after or {}
    _restore_permissions(portal, current, before, after)
    _restore_roles(portal, current, before, after)
    _restore_comment_chain(current, before, after)
    _restore_records(current, before, after)


def _restore_permissions(portal, current, before, after):
    roles = set(addon_roles())
    for name, value in current["permissions"].items():
        attribute = getPermissionIdentifier(name)
        if name in before.get("permissions", {}) and value == after.get(
            "permissions", {}
        ).get(name):
            value = before["permissions"][name]
        elif name.startswith("collective.nrlabel: "):
            value = MISSING
        elif value != MISSING:
            value = type(value)(role for role in value if role not in roles)
        if value == MISSING:
            if attribute in aq_base(portal).__dict__:
                delattr(portal, attribute)
        else:
            setattr(portal, attribute, value)


def _restore_roles(portal, current, before, after):
    if "roles" in before and current["roles"] == after.get("roles"):
        portal.__ac_roles__ = tuple(before["roles"])
    else:
        kept = set(before.get("roles", ()))
        removed = [r for r in addon_roles() if r in current["roles"] and r not in kept]
        if removed:
            portal._delRoles(removed)
    removed = set(addon_roles()) - set(before.get("roles", ()))
    for principal, held in portal.get_local_roles():
        if set(held) & removed:
            others = [role for role in held if role not in removed]
            if others:
                portal.manage_setLocalRoles(principal, others)
            else:
                portal.manage_delLocalRoles([principal])


def _restore_comment_chain(current, before, after):
    """Comments go back to their workflow; their permissions follow it."""
    wtool = api.portal.get_tool("portal_workflow")
    chain = current["comment_chain"]
    if "comment_chain" in before and chain == after.get("comment_chain"):
        chain = before["comment_chain"]
    if chain is not None and any(wf not in wtool.objectIds() for wf in chain):
        chain = FALLBACK_COMMENT_CHAIN
    if chain == current["comment_chain"]:
        return
    wtool.setChainForPortalTypes(
        [COMMENT_TYPE], "(Default)" if chain is None else chain
    )
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type=COMMENT_TYPE):
        try:
            comment = brain._unrestrictedGetObject()
        except GONE:
            continue
        for workflow in wtool.getWorkflowsFor(comment):
            workflow.updateRoleMappingsFor(comment)
        comment.reindexObject()


def _restore_records(current, before, after):
    registry = api.portal.get_tool("portal_registry")
    for key, value in current["registry"].items():
        old = before.get("registry", {}).get(key, MISSING)
        if old == MISSING or value != after.get("registry", {}).get(key):
            continue
        registry[key] = old


def forget_versioning():
    """Evidence is no longer versionable, and no policy names it.

    In Python rather than a repositorytool.xml: CMFEditions' import step removes
    only every other policy of a type (it edits the list it walks)."""
    repository = api.portal.get_tool("portal_repository")
    types = addon_types()
    for name in types:
        for policy in list(repository.getPolicyMap().get(name, ())):
            repository.removePolicyFromContentType(name, policy)
    versionable = repository.getVersionableContentTypes()
    repository.setVersionableContentTypes([t for t in versionable if t not in types])
    mapping = repository.getPolicyMap()
    if any(name in mapping for name in types):
        repository._version_policy_mapping = {
            name: policies for name, policies in mapping.items() if name not in types
        }


def purge_orphans():
    """Drop catalog entries of add-on content and comments whose object is gone.

    Deleting evidence that has comments leaves the evidence's entry behind
    (plone.app.discussion reindexes the item while it removes its comments)."""
    catalog = api.portal.get_tool("portal_catalog")
    types = list(addon_types()) + [COMMENT_TYPE]
    for brain in list(catalog.unrestrictedSearchResults(portal_type=types)):
        try:
            brain._unrestrictedGetObject()
        except GONE:
            path = brain.getPath()
            catalog.uncatalog_object(path)
            logger.info("Removed orphan catalog entry %s", path)


def addon_types():
    return tuple(
        node.get("name")
        for node in _profile_xml("types.xml")
        if node.get("name", "").startswith("nr_")
    )
