"""Turn the real third-party referentials of ../shared into importable files, and
send files to the import form."""

from openpyxl import Workbook

import csv
import io
import json


HEADER = [
    "code",
    "parent_code",
    "level",
    "title_fr",
    "title_en",
    "guidance_fr",
    "guidance_en",
]


def rgesn_canonical(shared_dir):
    """RGESN 2024 (78 criteria in 9 families) in collective.nrlabel's JSON format."""
    criteria = json.loads(
        (shared_dir / "referentials" / "rgesn-2024.json").read_text("utf-8")
    )
    themes = {}
    for item in criteria:
        family = item["numero"].split(".")[0]
        theme = themes.setdefault(
            family,
            {"code": family, "title": {"fr": item["thematique"]}, "criteria": []},
        )
        theme["criteria"].append(
            {
                "code": item["numero"],
                "title": {"fr": item["critere"]},
                "guidance": {"fr": item["controle"]},
            }
        )
    return {
        "format": "collective.nrlabel.referential/1",
        "id": "rgesn-2024",
        "version": "2024",
        "title": {"fr": "Référentiel général d'écoconception de services numériques"},
        "themes": list(themes.values()),
    }


def rgesn_rows(shared_dir):
    """The same referential as flat rows, header first."""
    rows = [HEADER]
    for theme in rgesn_canonical(shared_dir)["themes"]:
        rows.append([theme["code"], "", "theme", theme["title"]["fr"], "", "", ""])
        for criterion in theme["criteria"]:
            rows.append(
                [
                    criterion["code"],
                    theme["code"],
                    "criterion",
                    criterion["title"]["fr"],
                    "",
                    criterion["guidance"]["fr"],
                    "",
                ]
            )
    return rows


def csv_bytes(rows, delimiter=",", encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(browser, portal, data, filename, mime="application/octet-stream", **fields):
    """Send ``data`` through the site's import form, with its other ``fields``."""
    browser.open(portal.absolute_url() + "/@@nr-import-referential")
    control = browser.getControl(name="form.widgets.file")
    control.add_file(io.BytesIO(data), mime, filename)
    for name, value in fields.items():
        browser.getControl(name=f"form.widgets.{name}").value = value
    browser.getControl(name="form.buttons.import").click()
