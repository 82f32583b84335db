"""The audit pack's index.html as an auditor and a committee read it, and
SHA256SUMS to check the files (issue #12)."""

from collective.nrlabel.action_plan import plan_action
from datetime import date
from nr_setup import add_audit
from nr_setup import assess
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from nr_setup import pdf
from nr_setup import relation
from plone import api
from urllib.parse import unquote

import hashlib
import html
import io
import pytest
import re
import requests
import shutil
import subprocess
import transaction
import zipfile


TODAY = date(2026, 6, 15)
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("https://evil.example/")'
APPROVER = "Régine Relecture"
OWNER = "Élise Éditrice"


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


@pytest.fixture
def programme(functional_programme):
    """1.2.3's "Registre RGPD" also supports 1.2.2; 1.1.1 has a hostile evidence
    title; 1.2.1 is red with an action planned; 1.3.4 does not apply."""
    programme = functional_programme
    programme.organisation = "Mairie de Test"
    api.user.get(userid="reviewer").setMemberProperties({"fullname": APPROVER})
    api.user.get(userid="editor").setMemberProperties({"fullname": OWNER})
    c = lambda code: criterion_at(programme, code)  # noqa: E731
    evidence_in_state(
        c("1.2.3"),
        "approved",
        title="Registre RGPD",
        file=pdf("registre.pdf", 4000),
        supported_criteria=[relation(c("1.2.2"))],
    )
    evidence_in_state(c("1.1.1"), "approved", title=SCRIPT, file=pdf("a.pdf"))
    evidence_in_state(c("1.1.1"), "approved", title=FORMULA, file=pdf("b.pdf"))
    hostile = c("1.1.2")
    hostile.title = SCRIPT
    hostile.reindexObject()
    red = assess(programme, "1.2.1", 1)
    red.owner = "editor"
    red.target_date = date(2026, 9, 30)
    red.reindexObject()
    with api.env.adopt_roles(["Manager"]):
        plan_action(
            red,
            "Rédiger la politique <b>NR</b>",
            responsible="editor",
            due_date=date(2026, 9, 1),
        )
    assess(programme, "1.3.4", None, applicable=False, justification="Pas une ESN.")
    add_audit(programme, date(2026, 6, 1), date(2026, 6, 30))
    transaction.commit()
    return programme


def download(programme, language="fr"):
    api.user.get(userid="lead").setMemberProperties({"language": language})
    transaction.commit()
    response = requests.get(
        f"{programme.absolute_url()}/@@nr-audit-pack",
        auth=("lead", PASSWORD),
        timeout=60,
    )
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def article(index, code):
    """The section of criterion ``code`` in index.html."""
    anchor = "criterion-" + code.replace(".", "-")
    found = re.search(
        rf'<article class="criterion" id="{anchor}">(.*?)</article>', index
    )
    assert found, code
    return found.group(1)


def text_of(fragment):
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", fragment).split()))


def test_reused_evidence_is_listed_under_every_criterion_it_supports(programme):
    archive = download(programme)
    index = archive.read("index.html").decode()
    home, reused = article(index, "1.2.3"), article(index, "1.2.2")
    assert "Registre RGPD" in text_of(home)
    assert "Registre RGPD" in text_of(reused)
    # Both link to the one file, packed once, in 1.2.3's folder.
    [packed] = [n for n in archive.namelist() if n.endswith("registre.pdf")]
    assert "/1.2.3 " in packed
    href = re.search(r'<a href="([^"]+)">Registre RGPD</a>', reused).group(1)
    assert unquote(html.unescape(href)) == packed
    assert "Fichier rangé avec le critère" in text_of(reused)
    assert 'href="#criterion-1-2-3"' in reused
    assert "Étaye aussi" in text_of(home) and 'href="#criterion-1-2-2"' in home
    # 1.2.2 is covered: it does not say it has no evidence.
    assert "Aucune preuve approuvée" not in text_of(reused)
    assert "Aucune preuve approuvée" in text_of(article(index, "1.2.1"))
    # The manifest says so too, for scripts.
    manifest = archive.read("manifest.csv").decode()
    assert "Registre RGPD" in manifest and "1.2.2" in manifest


def test_index_for_people(programme):
    archive = download(programme)
    index = archive.read("index.html").decode()
    assert '<html lang="fr">' in index
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' in index
    )
    assert "<style>" in index and "@media (max-width:40rem)" in index
    text = text_of(index)
    assert "Mairie de Test" in text
    # Codes with titles, approvers by name, dates for people.
    assert "1.2.3 " in text_of(article(index, "1.2.3"))
    assert f"Approuvée par : {APPROVER}" in text_of(article(index, "1.2.3"))
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)  # no ISO date
    # The self-assessment of each criterion.
    not_applicable = text_of(article(index, "1.3.4"))
    assert "Non applicable — Pas une ESN." in not_applicable
    red = text_of(article(index, "1.2.1"))
    assert "Sans preuve" in red and f"Responsable : {OWNER}" in red
    assert "Date cible : 30/09/2026" in red
    assert "Non évaluée" in text_of(article(index, "2.1.1"))
    # The summary, the gaps and the action plan.
    assert "Sous le niveau 1" in text
    gaps = re.search(r'<section id="gaps">(.*?)</section>', index).group(1)
    assert 'href="#criterion-1-2-1"' in gaps
    assert 'href="#criterion-1-2-3"' not in gaps  # covered
    assert 'href="#criterion-1-3-4"' not in gaps  # not applicable
    assert "Rédiger la politique" in text_of(gaps)
    plan = text_of(re.search(r'<section id="plan">(.*?)</section>', index).group(1))
    assert "Rédiger la politique <b>NR</b>" in plan  # escaped, shown as typed
    assert OWNER in plan and "01/09/2026" in plan and "Prévue" in plan
    assert "en retard" not in plan  # due in September, today is June
    assert "1.2.1" in plan
    # How to check the files, in plain words.
    assert "sha256sum -c SHA256SUMS" in text and "Get-FileHash" in text


def test_hostile_titles_are_escaped(programme):
    index = download(programme).read("index.html").decode()
    assert "<script>" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "<b>NR</b>" not in index
    assert html.escape(FORMULA) in index  # plain text in a page


def test_sha256sums_checks_every_file(programme, tmp_path):
    archive = download(programme)
    lines = archive.read("SHA256SUMS").decode().splitlines()
    listed = {}
    for line in lines:
        sha, path = re.fullmatch(r"([0-9a-f]{64})  (.+)", line).groups()
        listed[path] = sha
    members = set(archive.namelist()) - {"SHA256SUMS"}
    assert set(listed) == members  # files, manifest.csv and index.html
    assert "manifest.csv" in listed and "index.html" in listed
    for path, sha in listed.items():
        assert hashlib.sha256(archive.read(path)).hexdigest() == sha, path
    if shutil.which("sha256sum"):
        archive.extractall(tmp_path)
        run = subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert run.stdout.count(": OK") == len(members)


def test_index_in_the_downloaders_language(programme):
    index = download(programme, "en").read("index.html").decode()
    assert '<html lang="en">' in index
    text = text_of(index)
    assert "How to check the files" in text
    assert f"Approved by: {APPROVER}" in text
    assert "Due date" in text and "1 Sep 2026" in text
    assert "Below level 1" in text
