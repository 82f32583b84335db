"""Intranet items as evidence: what was approved is pinned, and a later change of
the item makes the evidence *stale* at once.

Evidence of the fourth kind points to an existing item of the intranet
(``IEvidence.intranet_item``, a ``RelationChoice``) instead of holding a copy.
At approval (and re-approval) ``pin()`` records what the reviewer saw:

- the item's CMFEditions version (a version is saved first, with the comment
  ``PIN_COMMENT``, when the item is versionable and changed since its last
  version, or has none), its history id, its modification date;
- the SHA-256 and size of its content: the primary field's file (streamed in
  1 MB chunks), else its rich text's raw HTML (Documents, News Items), else its
  title and description (``content_bytes``).

The pin is a frozen ``Pin`` kept as a plain dict in an annotation of the
evidence (no schema field: nobody edits it). ``pin_of(evidence)`` reads it.

Staleness is recorded by event handlers on the *item* (subscribers/intranet.py):
``evidence_pinning(item)`` finds the approved evidence that pins it through the
relation catalog (``to_id`` + ``from_attribute``: a lookup whose cost does not
depend on how much evidence the site holds) and ``mark_stale()`` records a
``Stale(reason, since, reasons)`` and reindexes the evidence's ``nr_stale``
index and metadata (the reason code; ``nr_stale_since`` the ISO date-time). It
returns True the first time, so that the approver and the submitter are mailed
once. During an audit freeze staleness is still recorded, but nothing re-pins:
the re-approval is refused (evidence.rules) and the pin stays the approved one.

For the next parts of the feature:

- ``pin_of(evidence)`` → ``Pin | None``; ``stale_of(evidence)`` → ``Stale |
  None``; ``is_stale(evidence)``; ``STALE_REASONS`` (code → translatable text);
- ``intranet_item(evidence)``: the live item, resolved without checking the
  current user's rights (check them before showing anything), None if deleted;
- ``pinned_version(evidence)``: the pinned version's object from the version
  repository (unrestricted), or None (not versionable, history purged);
- ``pinned_copy(evidence)``: a ``NamedBlobFile`` of the approved bytes kept in
  the evidence when the version repository cannot give them back: taken at
  approval for an item that is not versionable (a File on a default site: a
  replaced file would be lost), and at deletion for one that is (CMFEditions
  purges a deleted item's history). The audit pack reads ``pinned_copy``, then
  ``pinned_version``, and says the approved version is missing otherwise;
- ``content_bytes(obj)`` → an iterator of byte chunks, ``content_digest(obj)``
  → (sha256 hex, size): the same rule for the pin and for the audit pack.
"""

from collective.nrlabel import _
from collective.nrlabel.evidence.rules import review_state
from collective.nrlabel.permissions import DownloadAuditPack
from collective.nrlabel.permissions import ReviewEvidence
from collective.nrlabel.permissions import View
from dataclasses import asdict
from dataclasses import dataclass
from DateTime import DateTime
from plone import api
from zope.annotation.interfaces import IAnnotations

import hashlib
import os
import tempfile


PIN_KEY = "collective.nrlabel.intranet_pin"
COPY_KEY = "collective.nrlabel.intranet_copy"
STALE_KEY = "collective.nrlabel.intranet_stale"
CHUNK = 1024 * 1024
PIN_COMMENT = "Label NR: approved as evidence"
RELATION_ATTRIBUTE = "intranet_item"

# Why evidence became stale (codes stored, catalogued and sent over REST).
STALE_REASONS = {
    "edited": _("stale_edited", default="Edited since approval"),
    "file_replaced": _("stale_file_replaced", default="File replaced since approval"),
    "new_version": _("stale_new_version", default="New version since approval"),
    "moved": _("stale_moved", default="Moved since approval"),
    "renamed": _("stale_renamed", default="Renamed since approval"),
    "retracted": _("stale_retracted", default="Retracted since approval"),
    "made_private": _("stale_made_private", default="Made private since approval"),
    "deleted": _("stale_deleted", default="Deleted since approval"),
}


@dataclass(frozen=True)
class Pin:
    """What was approved of an intranet item (see the module's docstring).

    ``path`` is site-relative, ``modified`` ISO 8601, ``version_id`` None when the
    item is not versionable; ``history_id`` lets the audit pack find the
    version even once the item has moved.
    """

    uid: str
    path: str
    title: str
    portal_type: str
    version_id: int | None
    modified: str
    sha256: str
    size: int
    history_id: int | None = None


@dataclass(frozen=True)
class Stale:
    """Since when (ISO 8601, the first change) and why (the latest change;
    ``reasons`` all of them, in order) the pinned item changed."""

    reason: str
    since: str
    reasons: tuple = ()


# -- Reading -----------------------------------------------------------------------


def intranet_item(evidence):
    """The intranet item ``evidence`` points to, whoever asks (no permission
    check), or None: no such relation, or the item was deleted."""
    from collective.nrlabel.relations import related_object

    return related_object(getattr(evidence, RELATION_ATTRIBUTE, None))


def pin_of(evidence) -> Pin | None:
    """The pin recorded at the last approval, or None."""
    data = IAnnotations(evidence).get(PIN_KEY)
    return Pin(**data) if data else None


def stale_of(evidence) -> Stale | None:
    """Why and since when the pinned item changed, or None."""
    data = IAnnotations(evidence).get(STALE_KEY)
    return (
        Stale(data["reason"], data["since"], tuple(data["reasons"])) if data else None
    )


def is_stale(evidence) -> bool:
    """Whether the intranet item changed since it was pinned."""
    return bool(IAnnotations(evidence).get(STALE_KEY))


def may_read_pinned(evidence) -> bool:
    """Whether the current user may read the pinned approved version (its title
    and its bytes) through ``evidence``.

    Viewing the evidence is not enough: an NR Reader or Editor without View on
    the live item would otherwise read a document the intranet keeps from them.
    Those who judge the evidence may: a reviewer (*Review evidence*, who approved
    what they read) and whoever may download the audit pack, which holds these
    bytes anyway (the lead; an auditor only during the window). Anyone else
    needs View on the item itself."""
    if not api.user.has_permission(View, obj=evidence):
        return False
    if any(
        api.user.has_permission(permission, obj=evidence)
        for permission in (ReviewEvidence, DownloadAuditPack)
    ):
        return True
    item = intranet_item(evidence)
    return item is not None and api.user.has_permission(View, obj=item)


# -- Content and digests -------------------------------------------------------------


def _primary_value(obj):
    from plone.rfc822.interfaces import IPrimaryFieldInfo

    try:
        return IPrimaryFieldInfo(obj).value
    except TypeError:  # no primary field
        return None


def content_bytes(obj):
    """The bytes that stand for ``obj``'s content, in chunks: its primary field's
    file (File, Image…), else its rich text's raw source (Document, News Item…),
    else its title and description joined by a line break, as UTF-8."""
    value = _primary_value(obj)
    if value is not None and hasattr(value, "open"):
        with value.open() as stream:
            while chunk := stream.read(CHUNK):
                yield chunk
        return
    raw = getattr(value, "raw", None)
    if isinstance(raw, str):
        yield raw.encode("utf-8")
        return
    yield f"{obj.Title()}\n{obj.Description()}".encode()


def content_digest(obj) -> tuple[str, int]:
    """(SHA-256 hex, size in bytes) of ``content_bytes(obj)``."""
    digest, size = hashlib.sha256(), 0
    for chunk in content_bytes(obj):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def primary_blob_field(obj) -> str | None:
    """The name of ``obj``'s primary field when it holds a file, else None."""
    from plone.rfc822.interfaces import IPrimaryFieldInfo

    try:
        info = IPrimaryFieldInfo(obj)
    except TypeError:
        return None
    return info.fieldname if hasattr(info.value, "open") else None


# -- Pinning -------------------------------------------------------------------------


def _site_path(obj) -> str:
    portal_path = api.portal.get().getPhysicalPath()
    return "/".join(obj.getPhysicalPath()[len(portal_path) :])


def save_version_if_changed(item) -> int | None:
    """Save a CMFEditions version of ``item`` when it is versionable and changed
    since its last version (or has none); its current version id, else None.

    The reviewer may not have "Save new version" on an intranet item they only
    read: the version is the add-on's record of what was approved, so it is
    saved with the Manager role (the history still names the reviewer).
    """
    repository = api.portal.get_tool("portal_repository")
    if not repository.isVersionable(item):
        return None
    with api.env.adopt_roles(["Manager"]):
        if getattr(item, "version_id", None) is None or not repository.isUpToDate(item):
            repository.save(item, comment=PIN_COMMENT)
    return getattr(item, "version_id", None)


def pin(evidence) -> Pin | None:
    """Record what is approved of ``evidence``'s intranet item and clear its
    staleness (the approve and reapprove transitions); None, and nothing
    recorded, for evidence without an intranet item or whose item is gone."""
    annotations = IAnnotations(evidence)
    item = intranet_item(evidence)
    # Forget the previous pin first: the version saved below must not count as
    # a change of the item pinned before.
    annotations.pop(PIN_KEY, None)
    annotations.pop(STALE_KEY, None)
    if item is None:
        _reindex(evidence)
        return None
    annotations.pop(COPY_KEY, None)
    version_id = save_version_if_changed(item)
    if version_id is None:
        keep_copy(evidence, item)
    sha256, size = content_digest(item)
    pinned = Pin(
        uid=api.content.get_uuid(item),
        path=_site_path(item),
        title=item.Title(),
        portal_type=item.portal_type,
        version_id=version_id,
        modified=item.modified().ISO8601(),
        sha256=sha256,
        size=size,
        history_id=_history_id(item),
    )
    annotations[PIN_KEY] = asdict(pinned)
    _reindex(evidence)
    return pinned


def _history_id(item) -> int | None:
    handler = api.portal.get_tool("portal_historyidhandler")
    return handler.queryUid(item, None)


def pinned_version(evidence):
    """The pinned version of the item from the version repository, whoever asks
    (no permission check: check the evidence's first), or None when the item
    was not versionable or its history is gone."""
    pinned = pin_of(evidence)
    if pinned is None or pinned.version_id is None or pinned.history_id is None:
        return None
    archivist = api.portal.get_tool("portal_archivist")
    try:
        return archivist.retrieve(
            history_id=pinned.history_id, selector=pinned.version_id
        ).data.object
    except Exception:  # purged or unregistered history: the pack says "missing"
        return None


def keep_copy(evidence, source) -> None:
    """Keep ``content_bytes(source)`` in ``evidence`` as a blob (streamed through
    a temporary file that the blob storage takes over: never all in memory)."""
    from plone.namedfile.file import NamedBlobFile

    value = _primary_value(source)
    is_text = isinstance(getattr(value, "raw", None), str)
    filename = getattr(value, "filename", None) or (
        f"{source.getId()}.html" if is_text else f"{source.getId()}.txt"
    )
    content_type = getattr(value, "contentType", None) or (
        "text/html" if is_text else "text/plain"
    )
    with tempfile.NamedTemporaryFile(delete=False) as out:
        for chunk in content_bytes(source):
            out.write(chunk)
    try:
        with open(out.name, "rb") as data:
            copy = NamedBlobFile(data=data, filename=filename, contentType=content_type)
    finally:
        if os.path.exists(out.name):
            os.unlink(out.name)
    IAnnotations(evidence)[COPY_KEY] = copy


def keep_pinned_version(evidence) -> None:
    """Before the pinned item is deleted (and CMFEditions purges its history),
    keep its pinned version's bytes in ``evidence``."""
    if IAnnotations(evidence).get(COPY_KEY) is not None:
        return
    version = pinned_version(evidence)
    if version is not None:
        keep_copy(evidence, version)


def pinned_copy(evidence):
    """The approved bytes kept in the evidence (a ``NamedBlobFile``), or None."""
    return IAnnotations(evidence).get(COPY_KEY)


# -- Staleness -----------------------------------------------------------------------


def evidence_pinning(item) -> list:
    """The approved evidence whose pin is ``item``: one query of the relation
    catalog by the item's int id, whatever the number of evidence items."""
    from zc.relation.interfaces import ICatalog
    from zope.component import queryUtility
    from zope.intid.interfaces import IIntIds

    intids, relations = queryUtility(IIntIds), queryUtility(ICatalog)
    if intids is None or relations is None:
        return []
    to_id = intids.queryId(item)
    if to_id is None:
        return []
    found = []
    query = {"to_id": to_id, "from_attribute": RELATION_ATTRIBUTE}
    for relation in relations.findRelations(query):
        # Through the int ids: the relation's own from_object has no
        # acquisition chain (no path, no catalog).
        evidence = intids.queryObject(relation.from_id, None)
        if (
            evidence is not None
            and review_state(evidence) == "approved"
            and IAnnotations(evidence).get(PIN_KEY)
        ):
            found.append(evidence)
    return found


def mark_stale(evidence, reason: str, when=None) -> bool:
    """Record that the pinned item changed (``reason``: a ``STALE_REASONS`` code).

    Returns True when the evidence was not stale before (so that the people
    concerned are told once). ``since`` stays the first change; ``reason`` is
    the latest (a deletion after an edit is what matters).
    """
    annotations = IAnnotations(evidence)
    before = annotations.get(STALE_KEY)
    now = (when or DateTime()).ISO8601()
    reasons = tuple(before["reasons"]) if before else ()
    annotations[STALE_KEY] = {
        "reason": reason,
        "since": before["since"] if before else now,
        "reasons": reasons if reason in reasons else (*reasons, reason),
    }
    _reindex(evidence)
    return before is None


def _reindex(evidence):
    # Only the staleness: no new modification date, no modified event (the
    # audit freeze refuses those on approved evidence).
    evidence.reindexObject(idxs=["nr_stale"])


def stale_reason_text(reason: str):
    """The translatable text of a ``STALE_REASONS`` code (the code if unknown)."""
    return STALE_REASONS.get(reason, reason)


# -- Existing sites ------------------------------------------------------------------
