"""The criteria matrix as rows, CSV and XLSX — from the readiness computation — and
the one rule every spreadsheet the add-on writes follows (``neutralise_cell``)."""

from collective.nrlabel import _
from collective.nrlabel.settings import maturity_levels
from zope.i18n import translate as zope_translate

import csv
import io


# The matrix's columns: stable names (for scripts: ``csv.DictReader(...,
# fieldnames=MATRIX_FIELDS)``, skipping the header row) and, as msgids, the header a
# person reads, in the language of whoever exports.
MATRIX_FIELDS = (
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
HEADER = (
    _("column_code", default="Code"),
    _("column_theme", default="Theme"),
    _("column_principle", default="Principle"),
    _("column_criterion", default="Criterion"),
    _("column_applicable", default="Applicable"),
    _("column_maturity", default="Maturity (level)"),
    _("column_maturity_label", default="Maturity"),
    _("column_readiness", default="Readiness"),
    _("column_approved_evidence", default="Approved evidence"),
    _("column_pending_evidence", default="Evidence awaiting review"),
    _("column_owner", default="Owner"),
)

YES = _("value_yes", default="yes")
NO = _("value_no", default="no")

# A criterion's readiness light, as the dashboard and the exports name it.
LIGHT_LABELS = {
    "green": _("light_green", default="Covered"),
    "amber": _("light_amber", default="To watch"),
    "red": _("light_red", default="No evidence"),
    "na": _("light_na", default="Not applicable"),
}


def default_translate(message):
    """A message's text with no request (tests, commands): its default."""
    return zope_translate(message)


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


def matrix_rows(result, translate=default_translate, language=None):
    """The header, then one row per criterion of a ``Readiness``; headers and
    words (yes/no, readiness, maturity) through ``translate`` (the view passes the
    request's), maturity labels in ``language``."""
    levels = maturity_levels(language)
    yes, no = translate(YES), translate(NO)
    lights = {light: translate(label) for light, label in LIGHT_LABELS.items()}
    rows = [tuple(translate(column) for column in HEADER)]
    for c in result.criteria:
        rows.append(
            (
                c.code,
                c.theme or "",
                c.principle or "",
                c.title,
                yes if c.applicable else no,
                "" if c.maturity is None else c.maturity,
                levels[c.maturity]
                if c.maturity is not None and c.maturity < len(levels)
                else "",
                lights.get(c.light, c.light),
                c.approved,
                c.pending,
                c.owner or "",
            )
        )
    return rows


def matrix_csv(result, translate=default_translate, language=None):
    buffer = io.StringIO()
    rows = matrix_rows(result, translate, language)
    csv.writer(buffer).writerows(spreadsheet_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def matrix_xlsx(result, title="Criteria", translate=default_translate, language=None):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in matrix_rows(result, translate, language):
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
