"""The criteria matrix as rows, CSV and XLSX — from the readiness computation — and
the one rule every spreadsheet the add-on writes follows (``neutralise_cell``)."""

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


# A cell starting with one of these is read as a formula by Excel and LibreOffice
# (OWASP "CSV injection"): = + - @, and tab and carriage return, which they skip.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """``value`` as it may go into a CSV or XLSX cell without being run as a formula.

    Titles, names and codes come from content that intranet editors (or an imported
    referential) wrote; opened in a spreadsheet, "=HYPERLINK(...)" or "@SUM(...)|cmd"
    would run on the NR lead's or the auditor's machine. Such text gets a leading
    apostrophe, the OWASP rule, so that it is shown as text. Numbers the add-on
    computes itself (scores, counts) are not text and stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_row(row):
    """A row of cells, each passed through ``neutralise_cell``."""
    return [neutralise_cell(value) for value in row]


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
    csv.writer(buffer).writerows(spreadsheet_row(row) for row in matrix_rows(result))
    return buffer.getvalue().encode("utf-8-sig")


def matrix_xlsx(result, title="Criteria"):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in matrix_rows(result):
        sheet.append(spreadsheet_row(row))
        for cell in sheet[sheet.max_row]:
            # openpyxl turns any text starting with "=" into a formula: text is
            # written as text, whatever it starts with.
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["D"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
