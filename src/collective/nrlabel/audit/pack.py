"""The audit pack: approved evidence in one folder per theme/principle/criterion,
with ``manifest.csv`` (SHA-256, size, approver, dates) for scripts, ``index.html``
for people (the self-assessment, the evidence of each criterion, reused evidence
under every criterion it supports, the gaps and the action plan) and
``SHA256SUMS`` so that an auditor can check every file with ``sha256sum -c``.

The ZIP streams from its first file: the view only decides WHAT goes in (the
approved evidence the downloader may see, from the catalog's index sets, and the
index's self-assessment, gaps and plan); the evidence is read, and each blob
opened, as the ZIP is written, criterion by criterion, and ``manifest.csv``,
``index.html``, ``SHA256SUMS`` and the ZIP's directory come last. By then the
request is over and its database connection closed (ZPublisher iterates a stream
after the transaction), so the stream reads through a connection of its own
(``PackSource``): one consistent snapshot, and blobs fetched one at a time, which
a size-limited ZEO/RelStorage blob cache needs.
"""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.action_plan import is_overdue
from collective.nrlabel.audit.pack_index import human_date
from collective.nrlabel.audit.pack_index import index_html
from collective.nrlabel.audit.pack_index import INDEX_TEXTS
from collective.nrlabel.evidence.rules import approval
from collective.nrlabel.evidence.rules import is_safe_link
from collective.nrlabel.evidence.rules import review_state
from collective.nrlabel.evidence.rules import safe_filename
from collective.nrlabel.exports import CriterionDetails
from collective.nrlabel.exports import default_translate
from collective.nrlabel.exports import export_info
from collective.nrlabel.exports import LIGHT_LABELS
from collective.nrlabel.exports import same_name
from collective.nrlabel.exports import spreadsheet_row
from collective.nrlabel.programme_tree import referential_tree
from collective.nrlabel.relations import related_objects
from collective.nrlabel.scoring import code_sort_key
from collective.nrlabel.settings import maturity_label
from collective.nrlabel.settings import maturity_levels
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from html import escape
from plone import api
from zope.interface import implementer
from ZPublisher.Iterators import IUnboundStreamIterator

import csv
import hashlib
import io
import itertools
import re
import transaction
import zipfile


CHUNK = 1024 * 1024
MAX_COMPONENT = 80
# manifest.csv's SHA-256 of an approved intranet version that could not be
# retrieved (its item deleted with its history): listed, never dropped.
MISSING = "MISSING"

# manifest.csv's columns: their stable names (for scripts: read the rows with
# ``csv.DictReader(..., fieldnames=MANIFEST_FIELDS)`` and skip the header) and the
# header a person reads, in the language of whoever downloads the pack.
MANIFEST_FIELDS = (
    "path",
    "sha256",
    "size",
    "criterion",
    "title",
    "approver",
    "approved",
    "valid_until",
    "url",
    "approver_name",
    "also_supports",
)
MANIFEST_COLUMNS = (
    _("column_path", default="Path in the pack"),
    _("column_sha256", default="SHA-256"),
    _("column_size", default="Size (bytes)"),
    _("column_criterion", default="Criterion"),
    _("column_evidence", default="Evidence"),
    _("column_approver", default="Approved by"),
    _("column_approved", default="Approved on"),
    _("column_valid_until", default="Valid until"),
    _("column_url", default="Address"),
    _("column_approver_name", default="Approver's name"),
    _("column_also_supports", default="Also supports"),
)


@dataclass(frozen=True)
class PackLabels:
    """The pack's headers and words, translated while the request is there (the
    ZIP is written after it, as the client reads it)."""

    language: str
    columns: tuple
    texts: dict = field(default_factory=dict)
    lights: dict = field(default_factory=dict)

    @property
    def by_field(self):
        """The manifest's headers by column name ("approver" → "Approved by")."""
        return dict(zip(MANIFEST_FIELDS, self.columns, strict=True))

    def __getitem__(self, key):
        return self.texts.get(key) or default_translate(INDEX_TEXTS[key])


def pack_labels(translate=default_translate, language="en") -> PackLabels:
    return PackLabels(
        language,
        tuple(translate(c) for c in MANIFEST_COLUMNS),
        {key: translate(message) for key, message in INDEX_TEXTS.items()},
        {light: translate(label) for light, label in LIGHT_LABELS.items()},
    )


@dataclass(slots=True)
class PackEntry:
    folder: tuple
    name: str
    title: str
    criterion: str
    url: str
    approver: str
    approved: str
    valid_until: str
    blob_path: str | None = None
    # A ZODB blob, opened only when its file is written (never a cache path
    # kept for later: a bounded blob cache may have pruned it by then).
    blob: object = None
    data: bytes | None = None
    approver_name: str = ""
    supports: tuple = ()
    # Intranet-item evidence: the pin's SHA-256 (the packed bytes must match
    # it), whether the approved version is gone, or whether its bytes differ.
    pinned_sha256: str = ""
    missing: bool = False
    mismatch: bool = False


@dataclass(frozen=True)
class CriterionSheet:
    """What index.html says of a criterion besides its evidence: its light and
    self-assessment, owner by name, maturity as words."""

    light: str
    applicable: bool
    justification: str
    maturity: str
    owner: str
    target_date: date | None
    planned: tuple = ()


@dataclass(frozen=True)
class PlanRow:
    """An action of the plan as index.html shows it (names and status in words)."""

    title: str
    owner: str
    due_date: date | None
    status: str
    codes: tuple
    overdue: bool = False


@dataclass
class PackContents:
    """Everything the pack holds, read while the request is there: the entries
    (files), the referential tree, each criterion's sheet, the plan and the
    summary numbers."""

    entries: list
    tree: list = field(default_factory=list)
    criteria: dict = field(default_factory=dict)
    plan: list = field(default_factory=list)
    organisation: str = ""
    readiness: object = None
    level: str = ""


def pack_contents(
    programme,
    result=None,
    translate=default_translate,
    name_of=same_name,
    level="",
    entries=None,
):
    """The pack of ``programme`` for the current user; ``result`` its readiness,
    ``level`` the predicted level in words (both from the view); ``entries``
    those the view streams (else read now)."""
    from collective.nrlabel.readiness import readiness

    result = result or readiness(programme)
    names = _Names(name_of)
    info = export_info(programme, name_of=names)
    levels = maturity_levels()
    sheets = {
        c.code: CriterionSheet(
            light=c.light,
            applicable=c.applicable,
            justification=info.details.get(c.code, CriterionDetails()).justification,
            maturity=maturity_label(c.maturity, levels),
            owner=names(c.owner),
            target_date=info.details.get(c.code, CriterionDetails()).target_date,
            planned=tuple(info.planned_for(c.code)),
        )
        for c in result.criteria
    }
    plan = [
        PlanRow(
            a.title,
            names(a.responsible),
            a.due_date,
            translate(a.state_title),
            a.codes,
            overdue=is_overdue(a.due_date and a.due_date.isoformat(), a.state),
        )
        for a in info.actions
    ]
    return PackContents(
        entries=pack_entries(programme, names) if entries is None else entries,
        tree=referential_tree(programme),
        criteria=sheets,
        plan=plan,
        organisation=info.organisation,
        readiness=result,
        level=level,
    )


class _Names:
    """``name_of`` with each user looked up once (a pack names the same few
    approvers hundreds of times)."""

    def __init__(self, name_of):
        self._name_of = name_of
        self._known = {}

    def __call__(self, user_id):
        if not user_id:
            return ""
        if user_id not in self._known:
            self._known[user_id] = self._name_of(user_id) or user_id
        return self._known[user_id]


def may_download_pack(programme) -> bool:
    """Whether the current user may download ``programme``'s audit pack: the NR
    lead, and auditors while their window is open (the permission follows the
    time-boxed auditor group)."""
    from collective.nrlabel.permissions import DownloadAuditPack

    return api.user.has_permission(DownloadAuditPack, obj=programme)


def safe_component(text):
    """A file or folder name that cannot climb out of its folder in the ZIP."""
    name = safe_filename(text).replace("/", "_").lstrip(".")
    if len(name) > MAX_COMPONENT:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 8:
            name = stem[: MAX_COMPONENT - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_COMPONENT].rstrip()
    return name or "file"


def title_component(title, extension=""):
    """A title as a file or folder name, whole: "Rapport RSE 2024/2025" gives
    "Rapport RSE 2024-2025", not "2025".

    A "/" or "\\" in a title is part of the title, not a path: the pieces between
    them are joined with "-", and pieces that are only dots ("..") are dropped, so
    that the name still cannot climb out of its folder.
    """
    pieces = [p for p in re.split(r"[/\\]", title or "") if p.strip(" .")]
    return safe_component("-".join(pieces) + extension)


def _unique(name, taken):
    if name.lower() not in taken:
        taken.add(name.lower())
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    number = 2
    while True:
        candidate = f"{stem} ({number}){dot}{ext}"
        if candidate.lower() not in taken:
            taken.add(candidate.lower())
            return candidate
        number += 1


def pack_entries(programme, name_of=same_name):
    """What goes into the pack for the current user, as a list (tests, bench);
    the view streams the same entries through ``PackSource``."""
    return list(PackSource(programme, name_of).entries())


class PackSource:
    """The pack's evidence: decided when the view is called, read when streamed.

    The view decides what goes in, for the user who asks: the approved evidence
    they may see, as paths from the catalog's index sets (no record, no object
    loaded: the view answers at once). ``entries()`` then reads each item, one
    criterion at a time, each put back to sleep once read: what stays in memory
    is the manifest (about a kilobyte per item), never 20,000 woken-up items.

    ZPublisher iterates a stream after the request's transaction has ended and
    its connection closed; ``entries()`` then reads through a connection of its
    own, on the same database (a consistent snapshot). Called while the
    request's transaction is still going (a test, the bench), it reads through
    the request's objects.

    Each entry names its approver through ``name_of`` and the other criteria of
    the programme it supports (``supports``): the file is packed once, with its
    own criterion, and index.html lists it under each of them.
    """

    def __init__(self, programme, name_of=same_name):
        from collective.nrlabel.evidence_counts import approved_evidence_paths

        self.path = "/".join(programme.getPhysicalPath())
        self.url = programme.absolute_url()
        self.folders = _criterion_folders(programme)
        self.found = {}
        for path in approved_evidence_paths(programme):
            criterion_path, _, evidence_id = path.rpartition("/")
            self.found.setdefault(criterion_path, []).append(evidence_id)
        self.count = sum(len(ids) for ids in self.found.values())
        self._names = name_of if isinstance(name_of, _Names) else _Names(name_of)
        self._programme = programme
        self._transaction = transaction.get()

    def entries(self):
        """Yield the pack entries, criterion by criterion, in code order."""
        if transaction.get() is self._transaction:
            yield from self._entries(self._programme.getPhysicalRoot())
            return
        manager = transaction.TransactionManager()
        connection = self._programme._p_jar.db().open(transaction_manager=manager)
        try:
            yield from self._entries(connection.root()["Application"])
        finally:
            manager.abort()
            connection.close()

    def _entries(self, root):
        code_of = {path: code for _, code, path in self.folders}
        site = _site_of(root.unrestrictedTraverse(self.path))
        for folder, criterion_code, path in self.folders:
            ids = self.found.get(path)
            if not ids:
                continue
            with _within(site):
                found = self._criterion_entries(
                    root.unrestrictedTraverse(path),
                    ids,
                    folder,
                    criterion_code,
                    code_of,
                )
            yield from found

    def _criterion_entries(self, criterion, ids, folder, criterion_code, code_of):
        taken = set()
        found = []
        # Id order decides which of two same-named files gets the " (2)".
        for evidence_id in sorted(ids):
            evidence = criterion.get(evidence_id)
            if not _still_approved(evidence):  # changed since the view was called
                continue
            url = self.url + "/".join(evidence.getPhysicalPath())[len(self.path) :]
            entry, name = _entry(evidence, folder, criterion_code, url)
            entry.name = _unique(name, taken)
            entry.approver_name = self._names(entry.approver)
            entry.supports = _also_supports(evidence, code_of, criterion_code)
            found.append(entry)
            _put_back_to_sleep(evidence)
        return sorted(found, key=lambda e: e.name)


def _site_of(obj):
    """The Plone site above ``obj`` (its component registry: intids, tools)."""
    from Acquisition import aq_chain
    from zope.component.interfaces import ISite

    return next((o for o in aq_chain(obj) if ISite.providedBy(o)), None)


@contextmanager
def _within(site):
    """``site`` as the current component site, then the previous one back."""
    from zope.component.hooks import getSite
    from zope.component.hooks import setSite

    previous = getSite()
    setSite(site)
    try:
        yield
    finally:
        setSite(previous)


def _also_supports(evidence, code_of, home_code):
    """Codes of the programme's other criteria that ``evidence`` supports."""
    codes = []
    for criterion in related_objects(getattr(evidence, "supported_criteria", None)):
        code = code_of.get("/".join(criterion.getPhysicalPath()))
        if code and code != home_code and code not in codes:
            codes.append(code)
    return tuple(sorted(codes, key=code_sort_key))


def _still_approved(item):
    """Whether ``item`` is still approved evidence (the catalog chose it, with
    the downloader's permissions, when the view was called)."""
    return (
        getattr(item, "portal_type", None) == "nr_evidence"
        and review_state(item) == "approved"
    )


def _criterion_folders(programme):
    """(folder parts, criterion code, criterion path) of each criterion, in code order."""

    def walk(nodes, parts, key):
        for node in nodes:
            node_parts = parts + (title_component(f"{node.code} {node.title}"),)
            node_key = key + (code_sort_key(node.code),)
            if node.portal_type == "nr_criterion":
                yield node_key, node_parts, node.code, node.path
            yield from walk(node.children, node_parts, node_key)

    return [folder[1:] for folder in sorted(walk(referential_tree(programme), (), ()))]


def _entry(evidence, folder, criterion_code, url):
    """The pack entry of one evidence item, and the (safe) file name it asks for."""
    approver, approved = approval(evidence)
    entry = PackEntry(
        folder=folder,
        name="",
        title=evidence.Title(),
        criterion=criterion_code,
        url=url,
        approver=approver or "",
        approved=approved.ISO8601() if approved else "",
        valid_until=evidence.valid_until.isoformat() if evidence.valid_until else "",
    )
    if evidence.file is None and getattr(evidence, "intranet_item", None) is not None:
        name = _pinned_entry(evidence, entry)
    elif evidence.file is not None:
        # An uploaded file's name may carry the uploader's path: only its last part.
        name = safe_component(evidence.file.filename or evidence.getId())
        entry.blob = evidence.file
    elif evidence.link and is_safe_link(evidence.link):
        name = title_component(evidence.Title(), ".url")
        entry.data = f"[InternetShortcut]\r\nURL={evidence.link}\r\n".encode()
    elif evidence.link:
        name = title_component(evidence.Title(), ".txt")
        entry.data = (
            "Lien refusé (schéma non sûr) / Link refused (unsafe scheme): "
            f"{evidence.link!r}\r\n"
        ).encode()
    else:
        name = title_component(evidence.Title(), ".html")
        note = evidence.note.output if evidence.note else ""
        entry.data = (
            f'<!DOCTYPE html><html lang="fr"><meta charset="utf-8">'
            f"<title>{escape(evidence.Title())}</title>{note}</html>"
        ).encode()
    return entry, name


def _pinned_entry(evidence, entry):
    """Fill ``entry`` with the APPROVED version of an intranet item, never
    today's: the copy kept in the evidence, else the pinned version from the
    version repository; ``missing`` when neither exists (the pack says so
    loudly). Returns the file name, from the evidence's own title."""
    from collective.nrlabel.evidence.intranet import content_bytes
    from collective.nrlabel.evidence.intranet import pin_of
    from collective.nrlabel.evidence.intranet import pinned_copy
    from collective.nrlabel.evidence.intranet import pinned_version

    pinned = pin_of(evidence)
    entry.pinned_sha256 = pinned.sha256 if pinned else ""
    copy = pinned_copy(evidence) if pinned else None
    if copy is not None:
        entry.blob = copy
        extension = (copy.filename or "").rpartition(".")[2]
        return title_component(evidence.Title(), f".{extension}" if extension else "")
    version = pinned_version(evidence) if pinned else None
    if version is None:
        entry.missing = True
        return title_component(evidence.Title())
    value = getattr(version, "file", None) or getattr(version, "image", None)
    extension = ".html"
    if value is not None and getattr(value, "filename", None):
        extension = "." + value.filename.rpartition(".")[2]
    entry.data = b"".join(content_bytes(version))
    return title_component(evidence.Title(), extension)


def _put_back_to_sleep(evidence):
    """Turn the evidence and the parts of it just read back into ghosts.

    Nothing was changed, so nothing is lost: ``_p_deactivate`` leaves a changed
    object alone.
    """
    file = evidence.__dict__.get("file")
    parts = (
        getattr(file, "__dict__", {}).get("_blob"),
        file,
        evidence.__dict__.get("workflow_history"),
        evidence,
    )
    for part in parts:
        if getattr(part, "_p_jar", None) is not None:
            part._p_deactivate()


class _Sink:
    """A write-only file for ZipFile whose bytes are taken out as they come."""

    def __init__(self):
        self._chunks = []
        self._offset = 0

    def write(self, data):
        self._chunks.append(bytes(data))
        self._offset += len(data)
        return len(data)

    def tell(self):
        return self._offset

    def flush(self):
        pass

    def take(self):
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_pack(entries, title, generated=None, labels=None, contents=None):
    """Yield the ZIP's bytes, chunk by chunk: the files, then ``manifest.csv``,
    ``index.html`` and ``SHA256SUMS``; words from ``labels``, the index's
    self-assessment, gaps and plan from ``contents`` (``pack_contents``)."""
    labels = labels or pack_labels()
    if contents is None:
        entries = list(entries)
        contents = PackContents(entries=entries)
    generated = generated or human_date(clock.today(), labels.language)
    date_time = datetime.now().timetuple()[:6]
    sink = _Sink()
    manifest = []
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for entry in entries:
            path = "/".join(entry.folder + (entry.name,))
            if entry.missing:
                manifest.append((path, MISSING, 0, entry))
                continue
            info = zipfile.ZipInfo(path, date_time=date_time)
            sha, size = yield from _write_entry(archive, sink, info, entry)
            entry.mismatch = bool(entry.pinned_sha256) and sha != entry.pinned_sha256
            manifest.append((path, sha, size, entry))
        sums = [(sha, path) for path, sha, _size, e in manifest if not e.missing]
        for name, parts in (
            ("manifest.csv", _manifest_csv(manifest, labels.columns)),
            ("index.html", index_html(manifest, title, generated, labels, contents)),
        ):
            info = zipfile.ZipInfo(name, date_time=date_time)
            sha = yield from _write_parts(archive, sink, info, parts)
            sums.append((sha, name))
        info = zipfile.ZipInfo("SHA256SUMS", date_time=date_time)
        yield from _write_parts(archive, sink, info, [sha256sums(sums)])
    yield sink.take()


def _write_entry(archive, sink, info, entry):
    """Write one evidence file (blob read in chunks); return (SHA-256, size)."""
    stored = entry.blob is not None or entry.blob_path
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    digest = hashlib.sha256()
    size = 0
    with archive.open(info, "w", force_zip64=True) as target:
        if stored:
            with _open_source(entry) as source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
                    yield sink.take()
        else:
            digest.update(entry.data)
            size = len(entry.data)
            target.write(entry.data)
    yield sink.take()
    return digest.hexdigest(), size


def _open_source(entry):
    """The entry's file, opened now: a ZODB blob through its storage (a ZEO
    client fetches it into its cache at this moment), else a path on disk."""
    if entry.blob is not None:
        return entry.blob.open("r")
    return open(entry.blob_path, "rb")


def _write_parts(archive, sink, info, parts):
    """Write a generated file from its byte parts; return its SHA-256."""
    info.compress_type = zipfile.ZIP_DEFLATED
    digest = hashlib.sha256()
    with archive.open(info, "w", force_zip64=True) as target:
        for part in _batched(parts):
            digest.update(part)
            target.write(part)
            yield sink.take()
    return digest.hexdigest()


def sha256sums(sums):
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads: the hash, two spaces,
    the relative path; a path holding a backslash or a new line is escaped the
    way GNU coreutils does (a leading backslash on the line)."""
    lines = []
    for sha, path in sums:
        if "\\" in path or "\n" in path or "\r" in path:
            escaped = (
                path.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
            )
            lines.append(f"\\{sha}  {escaped}\n")
        else:
            lines.append(f"{sha}  {path}\n")
    return "".join(lines).encode("utf-8")


def _batched(parts, size=CHUNK):
    """Join small byte strings into chunks of about ``size`` bytes."""
    batch = []
    length = 0
    for part in parts:
        batch.append(part)
        length += len(part)
        if length >= size:
            yield b"".join(batch)
            batch.clear()
            length = 0
    if batch:
        yield b"".join(batch)


def _manifest_csv(manifest, header):
    """The manifest's lines, as UTF-8 bytes, one by one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = (
        (
            path,
            sha,
            "" if e.missing else size,
            e.criterion,
            e.title,
            e.approver,
            e.approved,
            e.valid_until,
            e.url,
            e.approver_name,
            " ".join(e.supports),
        )
        for path, sha, size, e in manifest
    )
    for row in itertools.chain((header,), rows):
        writer.writerow(spreadsheet_row(row))
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


@implementer(IUnboundStreamIterator)
class PackIterator:
    """What ZPublisher streams to the client. ``close()`` (called by the WSGI
    server, also when the client goes away) ends the stream, and with it the
    pack's own database connection."""

    def __init__(self, chunks):
        self._source = chunks
        self._chunks = (chunk for chunk in chunks if chunk)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._chunks)

    def close(self):
        self._chunks.close()
        close = getattr(self._source, "close", None)
        if close is not None:
            close()
