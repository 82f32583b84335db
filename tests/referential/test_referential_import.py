"""Importing referentials: real third-party files, and bad input that changes nothing."""

from collective.nrlabel.referential.importer import create_programme
from collective.nrlabel.referential.importer import import_referential
from collective.nrlabel.referential.model import ReferentialError
from collective.nrlabel.referential.registry import available_referentials
from collective.nrlabel.referential.registry import imported_referentials
from plone import api
from referential_files import csv_bytes
from referential_files import HEADER
from referential_files import rgesn_canonical
from referential_files import rgesn_rows
from referential_files import xlsx_bytes

import json
import pytest
import yaml


def catalog_counts(programme):
    return {
        portal_type: len(api.content.find(context=programme, portal_type=portal_type))
        for portal_type in ("nr_theme", "nr_principle", "nr_criterion")
    }


@pytest.fixture
def manager(portal):
    with api.env.adopt_roles(["Manager"]):
        yield portal


class TestRGESN:
    """RGESN 2024: 78 criteria in 9 families, criteria straight under themes."""

    def check(self, portal, data, filename, **metadata):
        referential = import_referential(data, filename, **metadata)
        assert referential.id == "rgesn-2024"
        assert "rgesn-2024" in available_referentials()
        programme = create_programme(portal, "Écoconception", "rgesn-2024")
        assert catalog_counts(programme) == {
            "nr_theme": 9,
            "nr_principle": 0,
            "nr_criterion": 78,
        }
        criterion = programme["1"]["1.1"]
        assert criterion.title.startswith("Le service numérique a-t-il été évalué")
        assert "déclaration" in criterion.guidance
        assert programme["4"].title == "Frontend" or programme["4"].title
        return programme

    def test_json(self, manager, shared_dir):
        data = json.dumps(rgesn_canonical(shared_dir), ensure_ascii=False).encode()
        self.check(manager, data, "rgesn.json")

    def test_yaml(self, manager, shared_dir):
        data = yaml.safe_dump(rgesn_canonical(shared_dir), allow_unicode=True).encode()
        self.check(manager, data, "rgesn.yaml")

    def test_csv(self, manager, shared_dir):
        data = csv_bytes(rgesn_rows(shared_dir))
        self.check(manager, data, "rgesn-2024.csv", version="2024")

    def test_csv_semicolons_as_french_excel_writes_them(self, manager, shared_dir):
        data = csv_bytes(rgesn_rows(shared_dir), delimiter=";")
        self.check(manager, data, "rgesn-2024.csv", version="2024")

    def test_xlsx(self, manager, shared_dir):
        data = xlsx_bytes(rgesn_rows(shared_dir))
        self.check(manager, data, "rgesn-2024.xlsx", version="2024")

    def test_guide_bonnes_pratiques(self, manager, shared_dir):
        """The DINUM/INR guide: 9 themes of good practices, codes like 'a.1'."""
        guide = json.loads(
            (
                shared_dir
                / "referentials"
                / "guide-bonnes-pratiques-organisations-v1.json"
            ).read_text("utf-8")
        )
        rows = [HEADER]
        for theme in guide["thematiques"]:
            code = theme["id"].rstrip(".")
            rows.append([code, "", "thème", theme["titre"], "", "", ""])
            for practice in theme["bonnesPratiques"]:
                rows.append(
                    [practice["id"], code, "critère", practice["titre"], "", "", ""]
                )
        import_referential(xlsx_bytes(rows), "guide-bp-v1.xlsx")
        programme = create_programme(manager, "Guide", "guide-bp-v1")
        assert catalog_counts(programme)["nr_criterion"] == 59
        assert (
            programme["a"]["a.1"].title
            == "Coordonner la démarche numérique responsable"
        )


SMALL = [
    HEADER,
    ["1", "", "theme", "Stratégie", "Strategy", "", ""],
    ["1.1", "1", "principle", "Gouverner", "Govern", "", ""],
    ["1.1.1", "1.1", "criterion", "Engagement", "Commitment", "Charte", "Charter"],
]


def with_row(index, row):
    rows = [list(r) for r in SMALL]
    rows[index] = row
    return rows


BAD_INPUTS = {
    "empty file": (b"", "x.csv", "The file is empty."),
    "blank csv": (b"\n\n  \n", "x.csv", "The file is empty."),
    "header only": (csv_bytes([HEADER]), "x.csv", "contains no theme"),
    "malformed json": (
        b'{"id": "x", "themes": [',
        "x.json",
        "JSON is malformed at line 1",
    ),
    "malformed yaml": (
        b"id: x\nthemes: [\n  - {code: 1",
        "x.yaml",
        "YAML is malformed",
    ),
    "not a workbook": (b"PK\x03\x04 not really", "x.xlsx", "not a valid XLSX"),
    "wrong encoding": (
        csv_bytes(SMALL, encoding="latin-1"),
        "x.csv",
        "not encoded in UTF-8",
    ),
    "unknown level": (
        csv_bytes(with_row(2, ["1.1", "1", "chapitre", "Gouverner", "", "", ""])),
        "x.csv",
        "Row 3 (code 1.1): unknown level 'chapitre'",
    ),
    "duplicate code": (
        csv_bytes(SMALL + [["1.1.1", "1.1", "criterion", "Encore", "", "", ""]]),
        "x.csv",
        "Row 5 (code 1.1.1): the code 1.1.1 is used twice (first at Row 4)",
    ),
    "orphan parent": (
        csv_bytes(with_row(3, ["1.1.1", "1.9", "criterion", "Engagement", "", "", ""])),
        "x.csv",
        "Row 4 (code 1.1.1): its parent code 1.9 is not in the file",
    ),
    "missing title": (
        csv_bytes(with_row(3, ["1.1.1", "1.1", "criterion", "", "", "", ""])),
        "x.csv",
        "Row 4 (code 1.1.1): the title is missing",
    ),
    "missing column": (
        csv_bytes([["code", "title_fr"], ["1", "Stratégie"]]),
        "x.csv",
        "the sheet has no level column",
    ),
    "criterion under criterion": (
        csv_bytes(SMALL + [["1.1.1.1", "1.1.1", "criterion", "Sous", "", "", ""]]),
        "x.csv",
        "Row 5 (code 1.1.1.1): a criterion cannot be placed in a criterion",
    ),
    "nested missing title": (
        json.dumps(
            {
                "id": "x",
                "version": "1",
                "title": "X",
                "themes": [{"code": "1", "title": "T", "criteria": [{"code": "1.1"}]}],
            }
        ).encode(),
        "x.json",
        "theme 1 › criterion 1 (code 1.1): the title is missing",
    ),
    "unsupported type": (b"code,level", "x.txt", "Unsupported file type '.txt'"),
}


class TestBadInput:
    @pytest.mark.parametrize("case", sorted(BAD_INPUTS))
    def test_refused_and_nothing_changes(self, manager, case):
        data, filename, message = BAD_INPUTS[case]
        before = set(manager.objectIds())
        with pytest.raises(ReferentialError) as raised:
            import_referential(data, filename, id="bad", version="1", title="Bad")
        assert message in str(raised.value)
        assert imported_referentials() == {}
        assert set(manager.objectIds()) == before

    def test_all_problems_reported_at_once(self, manager):
        rows = SMALL + [
            ["2", "", "chapitre", "X", "", "", ""],
            ["2.1", "9", "criterion", "", "", "", ""],
        ]
        with pytest.raises(ReferentialError) as raised:
            import_referential(csv_bytes(rows), "x.csv")
        problems = raised.value.problems
        assert len(problems) == 3
        assert problems[0].startswith("Row 5 (code 2)")

    def test_shipped_referential_cannot_be_replaced(self, manager):
        with pytest.raises(ReferentialError, match="shipped"):
            import_referential(csv_bytes(SMALL), "x.csv", id="label-nr-2019")

    def test_same_id_needs_replace(self, manager):
        import_referential(csv_bytes(SMALL), "small.csv")
        with pytest.raises(ReferentialError, match="already imported"):
            import_referential(csv_bytes(SMALL), "small.csv")
        replaced = import_referential(
            csv_bytes(SMALL), "small.csv", version="2", replace=True
        )
        assert imported_referentials()["small"].version == replaced.version == "2"

    def test_small_sheet_in_english(self, manager):
        import_referential(csv_bytes(SMALL), "small.csv")
        api.portal.set_registry_record("plone.default_language", "en")
        programme = create_programme(manager, "Small", "small")
        criterion = programme["1"]["1.1"]["1.1.1"]
        assert (criterion.title, criterion.guidance) == ("Commitment", "Charter")
