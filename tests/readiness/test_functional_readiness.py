"""Dashboard, @nr-readiness, CSV/XLSX exports and the audit pack agree, and each
role gets only what it may."""

from collective.nrlabel.audit.pack import MANIFEST_FIELDS
from collective.nrlabel.exports import MATRIX_FIELDS
from datetime import date
from nr_setup import add_audit
from nr_setup import assess
from nr_setup import audit_transition
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from nr_setup import pdf
from nr_setup import relation
from plone import api
from plone.app.textfield.value import RichTextValue

import csv
import hashlib
import io
import openpyxl
import pytest
import requests
import transaction
import zipfile


TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


@pytest.fixture
def known_programme(functional_programme):
    """A known data set; the next audit ends on 2026-06-30.

    1.1.1 green (approved, no expiry) · 1.1.2 amber (approved, expires 06-20, before
    the audit end) · 1.1.3 amber (pending only) · 1.2.1 red (draft only) ·
    1.2.2 green via "also supports" from 1.2.3's evidence · 1.2.3 green (link) ·
    1.3.4 not applicable · 2.1.1 red (approved but expired 06-01).
    Covered: 1.1.1, 1.2.2, 1.2.3 → 3 of 46 applicable → 7 %.
    """
    programme = functional_programme
    c = lambda code: criterion_at(programme, code)  # noqa: E731
    evidence_in_state(
        c("1.1.1"), "approved", title="Charte", file=pdf("charte.pdf", 5000)
    )
    evidence_in_state(
        c("1.1.2"),
        "approved",
        title="Organigramme",
        valid_until=date(2026, 6, 20),
        file=pdf("../../organigramme.pdf", 3000),
    )
    evidence_in_state(c("1.1.3"), "pending", title="Cartographie")
    evidence_in_state(c("1.2.1"), "draft", title="Plan (brouillon)")
    evidence_in_state(
        c("1.2.3"),
        "approved",
        title="Registre RGPD",
        file=None,
        link="https://intranet.example.org/rgpd",
        supported_criteria=[relation(c("1.2.2"))],
    )
    evidence_in_state(
        c("1.2.3"),
        "approved",
        title="Note DPO",
        file=None,
        note=RichTextValue("<p>Le DPO est nommé.</p>"),
    )
    evidence_in_state(
        c("2.1.1"),
        "approved",
        title="Plan de formation 2025",
        valid_until=date(2026, 6, 1),
        document_date=date(2025, 1, 1),
    )
    assess(programme, "1.3.4", None, applicable=False, justification="Pas une ESN.")
    assess(programme, "1.1.1", 3)
    add_audit(programme, date(2026, 6, 1), date(2026, 6, 30), auditors=["ext-auditor"])
    api.user.create(username="ext-auditor", email="a@sgs.example", password=PASSWORD)
    transaction.commit()
    return programme


def get(url, user="lead"):
    return requests.get(
        url, auth=(user, PASSWORD), headers={"Accept": "application/json"}, timeout=60
    )


EXPECTED_LIGHTS = {
    "1.1.1": "green",
    "1.1.2": "amber",
    "1.1.3": "amber",
    "1.2.1": "red",
    "1.2.2": "green",
    "1.2.3": "green",
    "1.3.4": "na",
    "2.1.1": "red",
    "5.2.4": "red",
}


def test_rest_dashboard_and_exports_agree(known_programme):
    url = known_programme.absolute_url()
    data = get(f"{url}/@nr-readiness").json()
    assert data["reference_date"] == "2026-06-30"
    assert data["readiness"] == {"covered": 3, "applicable": 46, "percent": 7}
    lights = {c["code"]: c["light"] for c in data["criteria"]}
    assert {code: lights[code] for code in EXPECTED_LIGHTS} == EXPECTED_LIGHTS
    assert data["themes"]["1"]["covered"] == 3
    assert data["principles"]["1.2"] == {
        "covered": 2,
        "applicable": 5,
        "percent": 40,
        "score": 0,
    }
    assert data["pending_reviews"] == 1
    assert [e["title"] for e in data["expiring_evidence"]] == ["Organigramme"]
    assert data["score"] == round(1000 * 1 / 46)

    html = get(f"{url}/@@nr-dashboard").text
    assert "7&#160;%" in html or "7 %" in html
    assert html.count('class="nr-light-green"') == 3
    assert html.count('class="nr-light-amber"') == 2
    assert html.count('class="nr-light-na"') == 1
    assert 'id="nr-theme-bars-title"' in html
    assert '<title id="nr-maturity-radar-title">' in html

    # Lights are named in the user's language (French here).
    shown = {"green": "Couvert", "amber": "À surveiller", "red": "Sans preuve"}
    shown["na"] = "Non applicable"
    expected = {code: shown[light] for code, light in EXPECTED_LIGHTS.items()}
    text = get(f"{url}/@@nr-matrix.csv").content.decode("utf-8-sig")
    # A French user: ";" separates the cells (a French Excel splits on it).
    rows = list(
        csv.DictReader(io.StringIO(text), fieldnames=MATRIX_FIELDS, delimiter=";")
    )[1:]
    assert {
        r["code"]: r["readiness"] for r in rows if r["code"] in EXPECTED_LIGHTS
    } == expected
    workbook = openpyxl.load_workbook(
        io.BytesIO(get(f"{url}/@@nr-matrix.xlsx").content)
    )
    sheet = workbook["Critères"]  # after the summary sheet
    xlsx = {
        row[0]: row[MATRIX_FIELDS.index("readiness")]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert {code: xlsx[code] for code in EXPECTED_LIGHTS} == expected
    assert len(rows) == sheet.max_row - 1 == 47


def test_audit_pack(known_programme):
    response = get(f"{known_programme.absolute_url()}/@@nr-audit-pack")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "manifest.csv" in names and "index.html" in names
    for name in names:
        assert not name.startswith("/") and ".." not in name.split("/")
    text = archive.read("manifest.csv").decode()
    manifest = list(csv.DictReader(io.StringIO(text), fieldnames=MANIFEST_FIELDS))[1:]
    # Approved evidence only, expired included (the manifest says until when).
    assert sorted(m["title"] for m in manifest) == sorted(
        [
            "Charte",
            "Organigramme",
            "Registre RGPD",
            "Note DPO",
            "Plan de formation 2025",
        ]
    )
    for entry in manifest:
        content = archive.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(content) == int(entry["size"])
        assert entry["approver"] == "reviewer"
    charte = next(m for m in manifest if m["title"] == "Charte")
    assert charte["path"].startswith("1 Stratégie et gouvernance/1.1 ")
    assert charte["path"].endswith("/1.1.1 Engagement de la direction/charte.pdf")
    organigramme = next(m for m in manifest if m["title"] == "Organigramme")
    assert organigramme["path"].endswith("/organigramme.pdf")
    assert organigramme["valid_until"] == "2026-06-20"
    assert "Charte" in archive.read("index.html").decode()


def test_pack_names_are_unique(known_programme):
    criterion = criterion_at(known_programme, "1.1.1")
    for _ in range(2):
        evidence_in_state(
            criterion, "approved", title="Charte", file=pdf("charte.pdf", 100)
        )
    transaction.commit()
    archive = zipfile.ZipFile(
        io.BytesIO(get(f"{known_programme.absolute_url()}/@@nr-audit-pack").content)
    )
    folder = [n for n in archive.namelist() if "/1.1.1 " in n]
    assert sorted(n.rsplit("/", 1)[1] for n in folder) == [
        "charte (2).pdf",
        "charte (3).pdf",
        "charte.pdf",
    ]


def test_pack_puts_the_evidence_back_to_sleep(known_programme):
    """Memory stays bounded by one criterion: read evidence does not stay awake."""
    from collective.nrlabel.audit.pack import pack_entries

    known_programme._p_jar.cacheMinimize()
    with api.env.adopt_user(username="lead"):
        entries = pack_entries(known_programme)
    assert [e.title for e in entries] == [
        "Charte",
        "Organigramme",
        "Note DPO",
        "Registre RGPD",
        "Plan de formation 2025",
    ]
    read = [
        brain._unrestrictedGetObject()
        for brain in api.content.find(
            context=known_programme, portal_type="nr_evidence"
        )
    ]
    assert len(read) == 7  # approved, pending and draft alike
    assert {evidence._p_status for evidence in read} == {"ghost"}


@pytest.mark.parametrize(
    "user, dashboard, pack",
    [
        ("lead", 200, 200),
        ("reviewer", 200, "refused"),
        ("editor", "refused", "refused"),
        ("reader", "refused", "refused"),
        (None, "refused", "refused"),
    ],
)
def test_who_gets_what(known_programme, user, dashboard, pack):
    url = known_programme.absolute_url()
    for path, want in (
        ("@nr-readiness", dashboard),
        ("@@nr-matrix.csv", dashboard),
        ("@@nr-audit-pack", pack),
    ):
        response = requests.get(
            f"{url}/{path}",
            auth=(user, PASSWORD) if user else None,
            headers={"Accept": "application/json"},
            allow_redirects=False,
            timeout=60,
        )
        if want == 200:
            assert response.status_code == 200, path
        else:
            assert response.status_code in (302, 401, 403), (path, response.status_code)


def test_auditor_gets_the_pack_only_in_the_window(known_programme, clock):
    audit = (
        known_programme["audit-initial"]
        if "audit-initial" in known_programme
        else [o for o in known_programme.objectValues() if o.portal_type == "nr_audit"][
            0
        ]
    )
    audit_transition(audit, "start_audit")
    transaction.commit()
    response = get(
        f"{known_programme.absolute_url()}/@@nr-audit-pack", user="ext-auditor"
    )
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None
    clock(date(2026, 7, 1))
    late = requests.get(
        f"{known_programme.absolute_url()}/@@nr-audit-pack",
        auth=("ext-auditor", PASSWORD),
        allow_redirects=False,
        timeout=60,
    )
    assert late.status_code in (302, 401, 403)
