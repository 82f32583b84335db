"""The audit pack: approved evidence in one folder per theme/principle/criterion,
with ``index.html`` and ``manifest.csv`` (SHA-256, size, approver, dates) so that an
auditor can check every file.

The ZIP is streamed with bounded memory: blob files are read by path in chunks and
each chunk leaves as soon as it is compressed, so the pack never sits in memory
and reading it does not depend on the database connection of the request.
"""

from collective.nrlabel import _
from collective.nrlabel.evidence.rules import approval
from collective.nrlabel.evidence.rules import is_safe_link
from collective.nrlabel.evidence.rules import review_state
from collective.nrlabel.evidence.rules import safe_filename
from collective.nrlabel.exports import default_translate
from collective.nrlabel.exports import spreadsheet_row
from collective.nrlabel.permissions import View
from collective.nrlabel.programme_tree import referential_tree
from collective.nrlabel.scoring import code_sort_key
from dataclasses import dataclass
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
import zipfile


CHUNK = 1024 * 1024
MAX_COMPONENT = 80

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
)


@dataclass(frozen=True)
class PackLabels:
    """The pack's headers, translated while the request is there (the ZIP is
    written after it, as the client reads it)."""

    language: str
    columns: tuple


def pack_labels(translate=default_translate, language="en") -> PackLabels:
    return PackLabels(language, tuple(translate(c) for c in MANIFEST_COLUMNS))


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
    data: bytes | None = None


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


def pack_entries(programme):
    """What goes into the pack: approved evidence the current user may see.

    Read from the content itself, one criterion at a time, each item put back to
    sleep once read: what stays in memory is the table of contents (about a
    kilobyte per item), not 20,000 woken-up items kept in the ZODB cache until the
    end of the request, nor the catalog records that listing them would load.
    """
    entries = []
    for folder, criterion_code, path in _criterion_folders(programme):
        criterion = api.content.get(path=path)
        taken = set()
        in_folder = []
        # Id order decides which of two same-named files gets the " (2)".
        for evidence_id in sorted(criterion.objectIds()):
            evidence = criterion[evidence_id]
            if _goes_in_pack(evidence):
                entry, name = _entry(evidence, folder, criterion_code)
                entry.name = _unique(name, taken)
                in_folder.append(entry)
            _put_back_to_sleep(evidence)
        entries.extend(sorted(in_folder, key=lambda e: e.name))
    return entries


def _goes_in_pack(item):
    return (
        getattr(item, "portal_type", None) == "nr_evidence"
        and review_state(item) == "approved"
        and api.user.has_permission(View, obj=item)
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


def _entry(evidence, folder, criterion_code):
    """The pack entry of one evidence item, and the (safe) file name it asks for."""
    approver, approved = approval(evidence)
    entry = PackEntry(
        folder=folder,
        name="",
        title=evidence.Title(),
        criterion=criterion_code,
        url=evidence.absolute_url(),
        approver=approver or "",
        approved=approved.ISO8601() if approved else "",
        valid_until=evidence.valid_until.isoformat() if evidence.valid_until else "",
    )
    if evidence.file is not None:
        # An uploaded file's name may carry the uploader's path: only its last part.
        name = safe_component(evidence.file.filename or evidence.getId())
        entry.blob_path = evidence.file._blob.committed()
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


def stream_pack(entries, title, generated=None, labels=None):
    """Yield the ZIP's bytes, chunk by chunk; headers from ``labels``."""
    labels = labels or pack_labels()
    generated = generated or datetime.now().isoformat(timespec="seconds")
    date_time = datetime.now().timetuple()[:6]
    sink = _Sink()
    manifest = []
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for entry in entries:
            path = "/".join(entry.folder + (entry.name,))
            info = zipfile.ZipInfo(path, date_time=date_time)
            info.compress_type = (
                zipfile.ZIP_STORED if entry.blob_path else zipfile.ZIP_DEFLATED
            )
            digest = hashlib.sha256()
            size = 0
            with archive.open(info, "w", force_zip64=True) as target:
                if entry.blob_path:
                    with open(entry.blob_path, "rb") as source:
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
            manifest.append((path, digest.hexdigest(), size, entry))
        for name, parts in (
            ("manifest.csv", _manifest_csv(manifest, labels.columns)),
            ("index.html", _index_html(manifest, title, generated, labels)),
        ):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as target:
                for part in _batched(parts):
                    target.write(part)
                    yield sink.take()
    yield sink.take()


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
            size,
            e.criterion,
            e.title,
            e.approver,
            e.approved,
            e.valid_until,
            e.url,
        )
        for path, sha, size, e in manifest
    )
    for row in itertools.chain((header,), rows):
        writer.writerow(spreadsheet_row(row))
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def _index_html(manifest, title, generated, labels):
    """The pack's table of contents, as UTF-8 bytes, part by part."""
    head = dict(zip(MANIFEST_FIELDS, map(escape, labels.columns), strict=True))
    columns = ("criterion", "title", "size", "sha256", "approver", "approved")
    yield (
        f'<!DOCTYPE html><html lang="{escape(labels.language)}"><head>'
        f'<meta charset="utf-8"><title>{escape(title)}</title></head><body>'
        f"<h1>{escape(title)}</h1>"
        f"<p>{len(manifest)} · {escape(generated)} · {head['sha256']}: manifest.csv</p>"
        "<table><thead><tr>"
        + "".join(f"<th>{head[name]}</th>" for name in columns + ("valid_until",))
        + "</tr></thead><tbody>"
    ).encode()
    for path, sha, size, e in manifest:
        yield (
            f'<tr><td>{escape(e.criterion)}</td><td><a href="{escape(path)}">'
            f"{escape(e.title)}</a></td><td>{size}</td><td><code>{sha}</code></td>"
            f"<td>{escape(e.approver)}</td><td>{escape(e.approved[:10])}</td>"
            f"<td>{escape(e.valid_until)}</td></tr>"
        ).encode()
    yield b"</tbody></table></body></html>"


@implementer(IUnboundStreamIterator)
class PackIterator:
    """What ZPublisher streams to the client."""

    def __init__(self, chunks):
        self._chunks = (chunk for chunk in chunks if chunk)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._chunks)
