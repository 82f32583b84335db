"""Hostile referential files: refused quickly, with a clear message, never a 500.

The files are built here: a YAML alias bomb ("billion laughs"), YAML and JSON
nested thousands of levels deep, an XLSX of 200,000 rows, a 6 MB file and a sheet
with 150 bad rows. First the reader alone, then the import form over HTTP, where
nothing may be created, and a forged (token-less) import, which must be refused.
"""

from collective.nrlabel.referential.model import MAX_LISTED_PROBLEMS
from collective.nrlabel.referential.model import ReferentialError
from collective.nrlabel.referential.readers import Limits
from collective.nrlabel.referential.readers import read_referential
from collective.nrlabel.referential.registry import imported_referentials
from openpyxl import Workbook
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from referential_files import csv_bytes
from referential_files import HEADER
from referential_files import upload

import html
import io
import json
import pytest
import re
import requests
import time
import transaction


GOOD = [
    HEADER,
    ["A", "", "theme", "Achats", "Purchasing", "", ""],
    ["A.1", "A", "criterion", "Clauses", "Clauses", "Contrats", "Contracts"],
]


def alias_bomb():
    """Nine levels of ten aliases: under 1 KB, a billion strings once expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        aliases = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    lines.append("themes: [*a8]")
    return "\n".join(lines).encode()


def deep_yaml(levels=3000):
    return ("themes: " + "[" * levels + "]" * levels + "\n").encode()


def deep_json(levels=990):
    return ('{"themes": ' + "[" * levels + "]" * levels + "}").encode()


def big_xlsx(path, rows=200_000):
    """A header and ``rows`` one-cell rows, written in streaming mode (1.5 MB,
    well under the size limit: the row limit must stop it)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for number in range(rows):
        sheet.append([number])
    workbook.save(path)
    return path.read_bytes()


def six_megabytes():
    """A valid-looking CSV that is simply too large."""
    filler = ["A.{}", "A", "criterion", "x" * 200, "", "", ""]
    rows = [HEADER, GOOD[1]]
    rows += [[filler[0].format(n), *filler[1:]] for n in range(30_000)]
    data = csv_bytes(rows)
    assert len(data) > 6 * 1024 * 1024
    return data


def bad_rows(count=150):
    """A sheet whose every row has an unknown level: one problem per row."""
    return csv_bytes(
        [HEADER]
        + [[f"X{n}", "", "chapitre", "Titre", "", "", ""] for n in range(count)]
    )


def refused(data, filename, limits=None):
    """The problems reading the file raises (it must raise)."""
    with pytest.raises(ReferentialError) as raised:
        read_referential(data, filename, limits=limits)
    return raised.value


class TestReader:
    def test_alias_bomb_is_refused_before_expansion(self):
        data = alias_bomb()
        assert len(data) < 1024
        start = time.perf_counter()
        error = refused(data, "bomb.yaml")
        assert time.perf_counter() - start < 1
        assert error.count == 1
        assert error.problems == [
            "The YAML uses an anchor or an alias (& or *) at line 1, column 5: they "
            "are not accepted in a referential file; write each item out in full."
        ]

    def test_a_single_alias_is_refused_too(self):
        data = b"x: &t Titre\nthemes:\n  - {code: '1', title: *t}\n"
        assert "anchor or an alias" in str(refused(data, "x.yaml"))

    def test_deep_yaml(self):
        error = refused(deep_yaml(), "deep.yaml")
        assert error.problems == [
            "The file is nested more than 20 levels deep; the limit is 20 "
            "(Label NR settings)."
        ]

    def test_deep_json(self):
        error = refused(deep_json(), "deep.json")
        assert "nested more than 20 levels deep" in error.problems[0]

    def test_depth_limit_comes_from_the_limits(self):
        data = json.dumps({"themes": [[[[[]]]]]}).encode()
        error = refused(data, "x.json", Limits(max_depth=5))
        assert "the limit is 5 (Label NR settings)" in str(error)
        # Brackets inside strings do not count.
        data = json.dumps({"themes": [], "title": "[[[[[[[[[["}).encode()
        error = refused(data, "x.json", Limits(max_depth=5))
        assert "nested" not in str(error)

    def test_200000_row_xlsx_stops_at_the_row_limit(self, tmp_path):
        data = big_xlsx(tmp_path / "big.xlsx")
        assert len(data) < 2 * 1024 * 1024
        start = time.perf_counter()
        error = refused(data, "big.xlsx")
        assert time.perf_counter() - start < 5
        assert error.problems == [
            "The file has more than 5000 rows; the limit is 5000 (Label NR settings)."
        ]

    def test_too_many_items_in_json(self):
        themes = [{"code": str(n), "title": "T"} for n in range(11)]
        data = json.dumps({"id": "x", "version": "1", "themes": themes}).encode()
        error = refused(data, "x.json", Limits(max_rows=10))
        assert error.problems == [
            "The file has more than 10 items (themes, principles and criteria); the "
            "limit is 10 (Label NR settings)."
        ]

    def test_too_large(self):
        error = refused(six_megabytes(), "big.csv")
        assert re.fullmatch(
            r"The file is 6\.\d MB; the limit is 5 MB \(Label NR settings\)\.",
            error.problems[0],
        )

    def test_problems_listed_up_to_100(self):
        error = refused(bad_rows(150), "bad.csv")
        assert error.count == 150
        assert len(error.problems) == MAX_LISTED_PROBLEMS + 1 == 101
        assert error.problems[0].startswith("Row 2 (code X0): unknown level")
        assert error.problems[-1] == "... and 50 more problems."

    def test_damaged_xlsx_is_a_clear_problem(self):
        buffer = io.BytesIO()
        workbook = Workbook()
        workbook.active.append(HEADER)
        workbook.save(buffer)
        # Cut the zip in the middle of the sheet.
        data = buffer.getvalue()[: len(buffer.getvalue()) // 2]
        assert "not a valid XLSX workbook" in str(refused(data, "x.xlsx"))


# Over HTTP


def content_counts(portal):
    """What an import could create: referentials, programmes, catalogued items."""
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    return (
        sorted(imported_referentials()),
        len(catalog.unrestrictedSearchResults()),
        sorted(portal.objectIds()),
    )


def error_box(page):
    """The form's error box: its heading and listed problems."""
    match = re.search(
        r'<div class="[^"]*alert-danger nr-import-problems" role="alert">'
        r"<strong>(.*?)</strong>(?:<ul>(.*?)</ul>)?</div>",
        page,
        re.S,
    )
    assert match, "no error box on the page"
    items = re.findall(r"<li>(.*?)</li>", match.group(2) or "", re.S)
    return html.unescape(match.group(1)), [html.unescape(item) for item in items]


HOSTILE = {
    "alias bomb": (
        lambda tmp: alias_bomb(),
        "bomb.yaml",
        "The YAML uses an anchor or an alias (& or *) at line 1, column 5",
    ),
    "deep yaml": (
        lambda tmp: deep_yaml(),
        "deep.yaml",
        "The file is nested more than 20 levels deep; the limit is 20 "
        "(Label NR settings).",
    ),
    "deep json": (
        lambda tmp: deep_json(),
        "deep.json",
        "The file is nested more than 20 levels deep; the limit is 20 "
        "(Label NR settings).",
    ),
    "200000-row xlsx": (
        lambda tmp: big_xlsx(tmp / "big.xlsx"),
        "big.xlsx",
        "The file has more than 5000 rows; the limit is 5000 (Label NR settings).",
    ),
    "6 MB file": (
        lambda tmp: six_megabytes(),
        "big.csv",
        "the limit is 5 MB (Label NR settings).",
    ),
}


class TestImportForm:
    @pytest.mark.parametrize("case", sorted(HOSTILE))
    def test_refused_with_a_clear_error(
        self, browser, functional_portal, tmp_path, case
    ):
        make, filename, message = HOSTILE[case]
        before = content_counts(functional_portal)
        start = time.perf_counter()
        upload(
            browser,
            functional_portal,
            make(tmp_path),
            filename,
            programme_title="Programme",
        )
        assert time.perf_counter() - start < 10
        assert browser.headers["status"].startswith("200")
        heading, problems = error_box(browser.contents)
        assert heading == "Nothing was imported: the file has 1 problem(s)."
        assert len(problems) == 1
        assert message in problems[0]
        # An error, not an "Info" status message, and no success message.
        assert "statusmessage-info" not in browser.contents
        assert "Imported " not in browser.contents
        assert content_counts(functional_portal) == before

    def test_150_bad_rows_list_100_problems(self, browser, functional_portal):
        before = content_counts(functional_portal)
        upload(browser, functional_portal, bad_rows(150), "bad.csv")
        heading, problems = error_box(browser.contents)
        assert heading == "Nothing was imported: the file has 150 problem(s)."
        assert len(problems) == 101
        assert problems[-1] == "... and 50 more problems."
        assert content_counts(functional_portal) == before

    def test_problems_in_the_site_language(self, browser, functional_portal):
        api.portal.set_registry_record("plone.default_language", "fr")
        transaction.commit()
        bad = GOOD + [["A.2", "Z", "critère", "Orphelin", "", "", ""]]
        upload(browser, functional_portal, csv_bytes(bad), "achats.csv")
        heading, problems = error_box(browser.contents)
        assert heading.startswith("Rien n'a été importé")
        assert problems == [
            "Ligne 4 (code A.2) : son code parent Z n'est pas dans le fichier."
        ]
        upload(browser, functional_portal, deep_yaml(), "deep.yaml")
        assert error_box(browser.contents)[1] == [
            "Le fichier est imbriqué sur plus de 20 niveaux ; la limite est de 20 "
            "(réglages du label NR)."
        ]


class TestForgedImport:
    """A page elsewhere making the NR lead's browser post a file (CSRF)."""

    def post(self, portal_url, token=None):
        data = {
            "form.widgets.language:list": "fr",
            "form.widgets.programme_title": "Forged",
            "form.buttons.import": "Import",
        }
        if token is not None:
            data["_authenticator"] = token
        return requests.post(
            f"{portal_url}/@@nr-import-referential",
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            data=data,
            files={"form.widgets.file": ("forged.csv", csv_bytes(GOOD), "text/csv")},
            timeout=60,
        )

    @pytest.fixture
    def portal_url(self, functional):
        return f"http://{functional['host']}:{functional['port']}/plone"

    @pytest.mark.parametrize("token", [None, "not-the-token"])
    def test_refused_with_403(self, portal_url, functional_portal, token):
        before = content_counts(functional_portal)
        response = self.post(portal_url, token)
        assert response.status_code == 403
        heading, problems = error_box(response.text)
        assert heading.startswith("The import was refused: the form's security")
        assert problems == []
        assert "Imported " not in response.text
        assert "statusmessage-info" not in response.text
        after = content_counts(functional_portal)
        assert after == before
        assert "forged" not in after[0]

    def test_the_form_token_is_accepted(self, portal_url, functional_portal, browser):
        """The same post with the form's own token imports (the check is the
        token, not the way the request is made)."""
        browser.open(functional_portal.absolute_url() + "/@@nr-import-referential")
        token = browser.getControl(name="_authenticator").value
        response = self.post(portal_url, token)
        assert response.status_code == 200
        assert "Imported Forged" in response.text or "Imported forged" in response.text
        transaction.begin()
        assert "forged" in imported_referentials()
