"""The audit pack: approved evidence in one folder per theme/principle/criterion,
with ``index.html`` and ``manifest.csv`` (SHA-256, size, approver, dates) so that an
auditor can check every file.

The ZIP is streamed with bounded memory: blob files are read by path in chunks and
each chunk leaves as soon as it is compressed, so the pack never sits in memory
and reading it does not depend on the database connection of the request.
"""

from collective.nrlabel.evidence_rules import approval
from collective.nrlabel.evidence_rules import safe_filename
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
import zipfile


CHUNK = 1024 * 1024
MAX_COMPONENT = 80


@dataclass
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
    """What goes into the pack: approved evidence the current user may see."""
    entries = []
    taken = {}
    brains = api.content.find(
        context=programme, portal_type="nr_evidence", review_state="approved"
    )
    for brain in sorted(brains, key=lambda b: b.getPath()):
        evidence = brain.getObject()
        chain = []
        item = evidence.__parent__
        while item is not None and item.portal_type in (
            "nr_criterion",
            "nr_principle",
            "nr_theme",
        ):
            chain.insert(0, safe_component(f"{item.code} {item.Title()}"))
            item = item.__parent__
        folder = tuple(chain)
        approver, approved = approval(evidence)
        entry = PackEntry(
            folder=folder,
            name="",
            title=evidence.Title(),
            criterion=getattr(evidence.__parent__, "code", ""),
            url=evidence.absolute_url(),
            approver=approver or "",
            approved=approved.ISO8601() if approved else "",
            valid_until=evidence.valid_until.isoformat()
            if evidence.valid_until
            else "",
        )
        if evidence.file is not None:
            name = evidence.file.filename or evidence.getId()
            entry.blob_path = evidence.file._blob.committed()
        elif evidence.link:
            name = f"{evidence.Title()}.url"
            entry.data = f"[InternetShortcut]\r\nURL={evidence.link}\r\n".encode()
        else:
            name = f"{evidence.Title()}.html"
            note = evidence.note.output if evidence.note else ""
            entry.data = (
                f'<!DOCTYPE html><html lang="fr"><meta charset="utf-8">'
                f"<title>{escape(evidence.Title())}</title>{note}</html>"
            ).encode()
        entry.name = _unique(safe_component(name), taken.setdefault(folder, set()))
        entries.append(entry)
    entries.sort(
        key=lambda e: (
            [code_sort_key(part.split(" ", 1)[0]) for part in e.folder],
            e.name,
        )
    )
    return entries


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


def stream_pack(entries, title, generated=None):
    """Yield the ZIP's bytes, chunk by chunk."""
    generated = generated or datetime.now().isoformat(timespec="seconds")
    sink = _Sink()
    manifest = []
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for entry in entries:
            path = "/".join(entry.folder + (entry.name,))
            info = zipfile.ZipInfo(path, date_time=datetime.now().timetuple()[:6])
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
        archive.writestr("manifest.csv", _manifest_csv(manifest))
        archive.writestr("index.html", _index_html(manifest, title, generated))
    yield sink.take()


def _manifest_csv(manifest):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        (
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
    )
    for path, sha, size, e in manifest:
        writer.writerow(
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
        )
    return buffer.getvalue().encode("utf-8")


def _index_html(manifest, title, generated):
    rows = "".join(
        f'<tr><td>{escape(e.criterion)}</td><td><a href="{escape(path)}">{escape(e.title)}</a></td>'
        f"<td>{size}</td><td><code>{sha}</code></td><td>{escape(e.approver)}</td>"
        f"<td>{escape(e.approved[:10])}</td><td>{escape(e.valid_until)}</td></tr>"
        for path, sha, size, e in manifest
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
        f"<p>{len(manifest)} · {escape(generated)} · SHA-256: manifest.csv</p>"
        "<table><thead><tr><th>Critère / Criterion</th><th>Preuve / Evidence</th>"
        "<th>Octets / Bytes</th><th>SHA-256</th><th>Approbateur / Approver</th>"
        "<th>Approuvée / Approved</th><th>Valide jusqu'au / Valid until</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    ).encode()


@implementer(IUnboundStreamIterator)
class PackIterator:
    """What ZPublisher streams to the client."""

    def __init__(self, chunks):
        self._chunks = (chunk for chunk in chunks if chunk)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._chunks)
