"""The criteria matrix as rows, CSV and XLSX — from the readiness computation."""

from collective.nrlabel.settings import maturity_levels

import csv
import io


HEADER = (
    "code",
    "theme",
    "principle",
    "criterion",
    "applicable",
    "maturity",
    "maturity_label",
    "readiness",
    "approved_evidence",
    "pending_evidence",
    "owner",
)


def matrix_rows(result):
    """The header, then one row per criterion of a ``Readiness``."""
    levels = maturity_levels()
    rows = [HEADER]
    for c in result.criteria:
        rows.append(
            (
                c.code,
                c.theme or "",
                c.principle or "",
                c.title,
                "yes" if c.applicable else "no",
                "" if c.maturity is None else c.maturity,
                levels[c.maturity]
                if c.maturity is not None and c.maturity < len(levels)
                else "",
                c.light,
                c.approved,
                c.pending,
                c.owner or "",
            )
        )
    return rows


def matrix_csv(result):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(matrix_rows(result))
    return buffer.getvalue().encode("utf-8-sig")


def matrix_xlsx(result, title="Criteria"):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in matrix_rows(result):
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["D"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
