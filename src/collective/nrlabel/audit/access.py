"""Time-boxed auditor access.

Each audit has a group, ``nr-audit-<audit uid>``, that holds the *NR Auditor* local
role on the programme for good. A PAS groups plugin makes the audit's auditors
members of that group only while the audit is in progress and today is inside its
window. Object access and catalog filtering (``allowedRolesAndUsers`` holds
``user:<group id>``; a searcher's groups are computed on every request) both follow
the membership, so access opens and closes by itself: nothing to reindex, no job
to run. The plugin keeps a small mapping, updated when audits change, and does no
catalog search: it runs on every request.
"""

from AccessControl import ClassSecurityInfo
from AccessControl.class_init import InitializeClass
from BTrees.OOBTree import OOBTree
from collective.nrlabel import _
from collective.nrlabel.audit.window import window_open
from collective.nrlabel.programme_tree import programme_of
from plone import api
from Products.PluggableAuthService.interfaces.plugins import IGroupsPlugin
from Products.PluggableAuthService.plugins.BasePlugin import BasePlugin
from zope.interface import implementer

import logging


logger = logging.getLogger(__name__)

PLUGIN_ID = "nr_auditor_access"
AUDITOR_ROLE = "NR Auditor"


def group_id(audit_uid):
    return f"nr-audit-{audit_uid}"


@implementer(IGroupsPlugin)
class AuditorAccessPlugin(BasePlugin):
    """Auditors belong to their audit's group only inside the audit window."""

    meta_type = "collective.nrlabel auditor access"
    security = ClassSecurityInfo()

    def __init__(self, id=PLUGIN_ID, title="Label NR: time-boxed auditor access"):
        self._setId(id)
        self.title = title
        self._audits = OOBTree()  # audit uid → (state, start, end, auditors)
        self._by_user = OOBTree()  # user id → tuple of audit uids

    @security.private
    def getGroupsForPrincipal(self, principal, request=None):
        uids = self._by_user.get(principal.getId(), ())
        groups = []
        for uid in uids:
            state, start, end, _auditors = self._audits[uid]
            if window_open(state, start, end):
                groups.append(group_id(uid))
        return tuple(groups)

    @security.private
    def record(self, uid, state, start, end, auditors):
        """Keep the audit's state, window and auditors. Unchanged: no write, so
        that editing an audit (or adding to it) while others do does not
        conflict on this mapping."""
        auditors = tuple(sorted(set(auditors or ())))
        if self._audits.get(uid) == (state, start, end, auditors):
            return
        self.forget(uid)
        self._audits[uid] = (state, start, end, auditors)
        for user_id in auditors:
            self._by_user[user_id] = self._by_user.get(user_id, ()) + (uid,)

    @security.private
    def forget(self, uid):
        previous = self._audits.get(uid)
        if previous is None:
            return
        for user_id in previous[3]:
            remaining = tuple(u for u in self._by_user.get(user_id, ()) if u != uid)
            if remaining:
                self._by_user[user_id] = remaining
            elif user_id in self._by_user:
                del self._by_user[user_id]
        del self._audits[uid]


InitializeClass(AuditorAccessPlugin)


def access_plugin():
    return getattr(api.portal.get().acl_users, PLUGIN_ID, None)


def install_plugin(portal):
    """Add and activate the groups plugin (install and upgrade step)."""
    acl_users = portal.acl_users
    if PLUGIN_ID not in acl_users.objectIds():
        acl_users._setObject(PLUGIN_ID, AuditorAccessPlugin())
    plugin = acl_users[PLUGIN_ID]
    plugins = acl_users.plugins
    if PLUGIN_ID not in plugins.listPluginIds(IGroupsPlugin):
        plugins.activatePlugin(IGroupsPlugin, PLUGIN_ID)
    return plugin


def uninstall_plugin(portal):
    acl_users = portal.acl_users
    if PLUGIN_ID in acl_users.objectIds():
        acl_users.plugins.removePluginById(PLUGIN_ID)
        acl_users._delObject(PLUGIN_ID)


def record_audit(audit):
    """Record the audit's state, window and auditors; give its group the role once."""
    plugin = access_plugin()
    if plugin is None:
        logger.warning(
            "The auditor access plugin is missing: reinstall collective.nrlabel"
        )
        return
    uid = audit.UID()
    plugin.record(
        uid,
        api.content.get_state(audit),
        audit.window_start,
        audit.window_end,
        audit.auditors or (),
    )
    gid = group_id(uid)
    if api.group.get(groupname=gid) is None:
        api.group.create(
            groupname=gid,
            title=api.portal.translate(
                _(
                    "group_title_auditors",
                    default="Auditors: ${audit}",
                    mapping={"audit": audit.Title()},
                ),
                lang=api.portal.get_default_language(),
            ),
            description="Members come and go with the audit window (collective.nrlabel).",
        )
    programme = programme_of(audit)
    if programme is not None and AUDITOR_ROLE not in (
        programme.get_local_roles_for_userid(gid) or ()
    ):
        programme.manage_setLocalRoles(gid, [AUDITOR_ROLE])
        programme.reindexObjectSecurity()


def forget_audit(audit, programme):
    """Forget a removed audit: its group, and the group's role on ``programme``."""
    plugin = access_plugin()
    uid = audit.UID()
    if plugin is not None:
        plugin.forget(uid)
    gid = group_id(uid)
    if programme is not None and programme.get_local_roles_for_userid(gid):
        programme.manage_delLocalRoles([gid])
        programme.reindexObjectSecurity()
    if api.group.get(groupname=gid) is not None:
        api.group.delete(groupname=gid)
