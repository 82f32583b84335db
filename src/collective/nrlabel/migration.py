"""Moving programmes to another site with collective.exportimport, losslessly.

collective.exportimport exports content through plone.restapi's serializers and
imports it by creating each item (``IObjectAddedEvent``), deserializing it
(``IObjectModifiedEvent``) and taking workflow transitions to its old state.
For the add-on each of these steps does harm: a programme created empty is
seeded (new referential items, new UIDs: the imported ones are then skipped as
"existing"), the audit subscribers record each audit under the UID it has
before the import sets its own, deserializing evidence makes the importing
Manager one of its authors, transitions send review mails and write the
activity log, and the data kept outside the schema (creators, owner, the
annotations) is not exported at all.

This module holds the plain functions; ``browser/exportimport.py`` plugs them
into collective.exportimport's documented hooks (and loads only when it is
installed). What travels, per item of the add-on, in ``item["nrlabel"]``:

- ``creators``, ``owner`` and the item's exact local roles (they feed
  segregation of duties and who may see the programme);
- ``nr_modifiers`` (evidence: whoever changed its content);
- the intranet pin, its staleness and the pinned copy's bytes (evidence);
- the activity log and the auditors' download log (programme).

What does not travel: CMFEditions versions (an intranet pin's version travels
as the evidence's pinned copy), the reminders already sent (the site sends them
again at most once) and site-wide imported referentials (import them into the
new site first).
"""

from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from collections.abc import Iterator
from collective.nrlabel.nr_content import NR_TYPES
from contextlib import contextmanager
from plone import api
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest
from zope.interface import alsoProvides
from zope.interface import Interface
from zope.interface import noLongerProvides

import base64
import logging


logger = logging.getLogger(__name__)

KEY = "nrlabel"


class IImportingContent(Interface):
    """Request marker: content is being imported (collective.exportimport).

    The add-on's subscribers skip their side effects (seeding, audit access,
    authorship, activity log, staleness, freeze): the import brings the data
    those side effects once produced, and ``finish_import`` rebuilds the rest.
    """


def importing(request=None) -> bool:
    """Whether the current request imports content (see ``IImportingContent``)."""
    request = request if request is not None else getRequest()
    return request is not None and IImportingContent.providedBy(request)


@contextmanager
def import_marker(request):
    """Mark ``request`` as importing for the duration of the block."""
    alsoProvides(request, IImportingContent)
    try:
        yield
    finally:
        noLongerProvides(request, IImportingContent)


# -- Export ---------------------------------------------------------------------------


def export_extra(obj) -> dict | None:
    """What an NR item needs beyond its schema (see the module's docstring), as
    JSON-compatible data; None for any other content."""
    if getattr(obj, "portal_type", None) not in NR_TYPES:
        return None
    from collective.nrlabel.evidence.intranet import PIN_KEY
    from collective.nrlabel.evidence.intranet import STALE_KEY

    owner = obj.getOwnerTuple()
    data = {
        "creators": list(obj.listCreators()),
        "owner": owner[1] if owner else None,
        "local_roles": {
            principal: list(roles)
            for principal, roles in (obj.__ac_local_roles__ or {}).items()
        },
        "local_roles_block": bool(getattr(obj, "__ac_local_roles_block__", False)),
    }
    if getattr(obj.aq_base, "nr_modifiers", None):
        data["nr_modifiers"] = list(obj.nr_modifiers)
    if getattr(obj.aq_base, "intranet_item", None) is not None:
        # Relations are imported last, but evidence is valid only with its item.
        data["intranet_item"] = getattr(obj.intranet_item, "to_object", None) and (
            obj.intranet_item.to_object.UID()
        )
    annotations = IAnnotations(obj)
    for name, key in (("pin", PIN_KEY), ("stale", STALE_KEY)):
        if annotations.get(key):
            data[name] = _jsonable(dict(annotations[key]))
    data.update(_export_copy(obj))
    data.update(_export_logs(obj))
    return data


def _jsonable(value):
    """Tuples become lists, recursively (JSON has no tuples)."""
    if isinstance(value, (tuple, list)):
        return [_jsonable(part) for part in value]
    if isinstance(value, dict):
        return {key: _jsonable(part) for key, part in value.items()}
    return value


def _tupled(value):
    """Back from JSON: lists become tuples, recursively (the stored form)."""
    if isinstance(value, list):
        return tuple(_tupled(part) for part in value)
    if isinstance(value, dict):
        return {key: _tupled(part) for key, part in value.items()}
    return value


def _export_copy(obj) -> dict:
    """The approved bytes: the pinned copy, else the pinned version's content
    (versions stay in the old site's repository: the new site keeps them as the
    evidence's pinned copy, which the audit pack reads first)."""
    from collective.nrlabel.evidence import intranet

    if obj.portal_type != "nr_evidence":
        return {}
    copy = intranet.pinned_copy(obj)
    if copy is not None:
        data, filename, content_type = copy.data, copy.filename, copy.contentType
    else:
        version = intranet.pinned_version(obj)
        if version is None:
            return {}
        data = b"".join(intranet.content_bytes(version))
        value = intranet._primary_value(version)
        is_text = isinstance(getattr(value, "raw", None), str)
        filename = getattr(value, "filename", None) or (
            f"{version.getId()}.html" if is_text else f"{version.getId()}.txt"
        )
        content_type = getattr(value, "contentType", None) or (
            "text/html" if is_text else "text/plain"
        )
    return {
        "copy": {
            "data": base64.b64encode(data).decode("ascii"),
            "filename": filename,
            "content_type": content_type,
        }
    }


def _export_logs(obj) -> dict:
    from collective.nrlabel import activity
    from collective.nrlabel.audit import downloads

    if obj.portal_type != "nr_programme":
        return {}
    annotations = IAnnotations(obj)
    data = {}
    logged = [[list(key), _jsonable(dict(v))] for key, v in activity.items(obj)]
    if logged:
        data["activity"] = logged
    log = annotations.get(downloads.ANNOTATION_KEY)
    if log:
        data["downloads"] = [[key, _jsonable(dict(v))] for key, v in log.items()]
    return data


# -- Import ---------------------------------------------------------------------------


def before_deserializing(obj, data: dict | None) -> None:
    """Point intranet evidence to its item before the schema's invariant (exactly
    one content) is checked; the relations import sets it again."""
    uid = (data or {}).get("intranet_item")
    item = api.content.get(UID=uid) if uid else None
    if item is not None:
        from z3c.relationfield import RelationValue
        from zope.component import getUtility
        from zope.intid.interfaces import IIntIds

        obj.intranet_item = RelationValue(getUtility(IIntIds).getId(item))


def import_extra(obj, data: dict | None) -> None:
    """Put back what ``export_extra`` exported (the item is already deserialized)."""
    if not data:
        return
    obj.setCreators(tuple(data.get("creators") or ()))
    _restore_owner(obj, data.get("owner"))
    obj.__ac_local_roles__ = {
        principal: list(roles)
        for principal, roles in (data.get("local_roles") or {}).items()
    }
    if data.get("local_roles_block"):
        obj.__ac_local_roles_block__ = 1
    elif getattr(obj.aq_base, "__ac_local_roles_block__", None):
        obj.__ac_local_roles_block__ = None
    if data.get("nr_modifiers"):
        obj.nr_modifiers = tuple(data["nr_modifiers"])
    _import_annotations(obj, data)


def _restore_owner(obj, user_id) -> None:
    """The exported owner, even one not (yet) in the new site's users: Zope keeps
    the owner as (path of the user folder, user id)."""
    if not user_id:
        return
    user = api.user.get(userid=user_id)
    if user is not None:
        obj.changeOwnership(user.getUser(), recursive=False)
        return
    logger.warning("Owner %s of %s is not a user here", user_id, obj.absolute_url())
    acl_users = api.portal.get().acl_users
    obj._owner = (list(acl_users.getPhysicalPath()[1:]), user_id)


def _import_annotations(obj, data) -> None:
    from BTrees.Length import Length
    from BTrees.OOBTree import OOTreeSet
    from collective.nrlabel import activity
    from collective.nrlabel.audit import downloads
    from collective.nrlabel.evidence.intranet import COPY_KEY
    from collective.nrlabel.evidence.intranet import PIN_KEY
    from collective.nrlabel.evidence.intranet import STALE_KEY
    from plone.namedfile.file import NamedBlobFile

    annotations = IAnnotations(obj)
    if "pin" in data:
        annotations[PIN_KEY] = dict(data["pin"])
    if "stale" in data:
        annotations[STALE_KEY] = _tupled(dict(data["stale"]))
    if "copy" in data:
        copy = data["copy"]
        annotations[COPY_KEY] = NamedBlobFile(
            data=base64.b64decode(copy["data"]),
            filename=copy["filename"],
            contentType=copy["content_type"],
        )
    if "activity" in data:
        tree = annotations[activity.ANNOTATION_KEY] = OOBTree()
        for key, value in data["activity"]:
            tree[tuple(key)] = _tupled(value)
        annotations[activity.COUNT_KEY] = Length(len(tree))
        annotations[activity.ACTORS_KEY] = OOTreeSet(v["actor"] for v in tree.values())
        activity.shard_log(obj)
    if "downloads" in data:
        log = annotations[downloads.ANNOTATION_KEY] = LOBTree()
        for key, value in data["downloads"]:
            log[int(key)] = dict(value)


def restore_workflow_state(obj) -> None:
    """The state comes with the imported workflow history (no transition taken:
    no mail, no log entry, no pin, no segregation check); apply its permissions."""
    workflow = api.portal.get_tool("portal_workflow")
    for definition in workflow.getWorkflowsFor(obj):
        definition.updateRoleMappingsFor(obj)


# -- After the import -----------------------------------------------------------------


def nr_objects(portal=None) -> Iterator:
    """Every NR item of the site, woken up (an import is a rare operation run
    by an administrator)."""
    portal = portal or api.portal.get()
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type=NR_TYPES):
        obj = brain._unrestrictedGetObject()
        if obj is not None:
            yield obj


def reindex_nr_content(portal=None) -> int:
    """Reindex NR items (nr_criteria, submitter and approver, staleness, …):
    relations are imported after content, so the indexes computed at content
    import are stale. Returns how many items were reindexed."""
    count = 0
    for obj in nr_objects(portal):
        obj.reindexObject()
        count += 1
    return count


def rebuild_auditor_access(portal=None) -> int:
    """Rebuild the auditor-access mapping and groups from the site's audits:
    record every audit (its group, the group's role on its programme) and forget
    entries of audits the site does not have. Returns how many were recorded."""
    from collective.nrlabel.audit.access import access_plugin
    from collective.nrlabel.audit.access import group_id
    from collective.nrlabel.audit.access import record_audit

    catalog = api.portal.get_tool("portal_catalog")
    audits = {}
    for brain in catalog.unrestrictedSearchResults(portal_type="nr_audit"):
        audits[brain.UID] = brain._unrestrictedGetObject()
    plugin = access_plugin()
    if plugin is not None:
        for uid in [uid for uid in list(plugin._audits) if uid not in audits]:
            plugin.forget(uid)
            if api.group.get(groupname=group_id(uid)) is not None:
                api.group.delete(groupname=group_id(uid))
    for audit in audits.values():
        record_audit(audit)
    return len(audits)


def rebuild_ledgers(portal=None) -> int:
    """Every programme's evidence ledger from its evidence (evidence_ledger.py)."""
    from collective.nrlabel.evidence_ledger import rebuild

    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type="nr_programme")
    for brain in brains:
        rebuild(brain._unrestrictedGetObject())
    return len(brains)


def finish_import(portal=None) -> dict:
    """What an import needs once content, relations and local roles are in."""
    audits = rebuild_auditor_access(portal)
    reindexed = reindex_nr_content(portal)
    rebuild_ledgers(portal)
    logger.info("Label NR import: %s audits recorded, %s reindexed", audits, reindexed)
    return {"audits": audits, "reindexed": reindexed}
