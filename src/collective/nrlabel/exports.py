"""The criteria matrix as rows, CSV and XLSX — from the readiness computation — and
the one rule every spreadsheet the add-on writes follows (``neutralise_cell``).

The exports are made for people as much as for scripts:

- CSV: UTF-8 with a BOM (Excel otherwise reads it as Windows-1252), ``;`` as the
  separator for French users (a French Excel splits on ``;`` since "," is its
  decimal comma) and ``,`` otherwise; headers and words in the user's language;
  dates as dd/mm/yyyy for French users (what a French Excel reads as a date) and
  ISO 8601 (yyyy-mm-dd, which every Excel reads) otherwise.
- XLSX: a Summary sheet, the Criteria sheet (coloured status cells, frozen header,
  autofilter) and a Gaps sheet; dates are real date cells (stored as ISO dates in
  the file, so sorting and filtering work), shown dd/mm/yyyy for French users.

Owners are shown by full name: the caller passes ``name_of`` (the view passes the
add-on's ``user_name``), since this module holds no view code.
"""

from collections.abc import Callable
from collective.nrlabel import _
from collective.nrlabel.settings import maturity_label
from collective.nrlabel.settings import maturity_levels
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from plone import api
from zope.i18n import translate as zope_translate
from zope.i18nmessageid import Message

import csv
import io


# The matrix's columns: stable names (for scripts: ``csv.DictReader(...,
# fieldnames=MATRIX_FIELDS)``, skipping the header row) and, as msgids, the header a
# person reads, in the language of whoever exports. New columns go at the end.
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
    "justification",
    "target_date",
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
    _("column_justification", default="Justification"),
    _("column_target_date", default="Target date"),
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

# Status cells of the workbook: (fill, text) colours per light, Excel's own
# "good / neutral / bad" pairs (contrast above 4.5:1), grey for not applicable.
LIGHT_COLOURS = {
    "green": ("C6EFCE", "006100"),
    "amber": ("FFEB9C", "7A4500"),
    "red": ("FFC7CE", "9C0006"),
    "na": ("D9D9D9", "262626"),
}

SHEET_SUMMARY = _("sheet_summary", default="Summary")
SHEET_GAPS = _("sheet_gaps", default="Gaps")

OPEN_ACTION_STATES = ("planned", "in_progress")


def default_translate(message):
    """A message's text with no request (tests, commands): its default."""
    return zope_translate(message)


def same_name(user_id):
    """A user id as it is (when the caller gives no way to find full names)."""
    return user_id or ""


def is_french(language) -> bool:
    return bool(language) and language.lower().replace("_", "-").startswith("fr")


def csv_delimiter(language) -> str:
    """``;`` for French users (their Excel's list separator), else ``,``."""
    return ";" if is_french(language) else ","


def csv_date(value, language) -> str:
    """A date in a CSV cell: dd/mm/yyyy for French users, else ISO (yyyy-mm-dd)."""
    if not value:
        return ""
    return value.strftime("%d/%m/%Y") if is_french(language) else value.isoformat()


def xlsx_date_format(language) -> str:
    return "dd/mm/yyyy" if is_french(language) else "yyyy-mm-dd"


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


# -- what the exports show besides readiness, read while the request is there ----


@dataclass(frozen=True)
class CriterionDetails:
    """A criterion's self-assessment fields that the catalog does not hold."""

    justification: str = ""
    target_date: date | None = None


@dataclass(frozen=True)
class ActionRow:
    """One action of the action plan: ``state_title`` is a message (domain plone)."""

    title: str
    responsible: str | None
    due_date: date | None
    state: str
    state_title: object
    codes: tuple

    @property
    def is_open(self):
        return self.state in OPEN_ACTION_STATES


@dataclass
class ExportInfo:
    """Everything an export shows beyond the ``Readiness`` numbers."""

    programme: str = ""
    organisation: str = ""
    exported: date | None = None
    level: str = ""
    titles: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    actions: list = field(default_factory=list)
    name_of: Callable = same_name

    def planned_for(self, code):
        """Titles of the open actions on criterion ``code``."""
        return [a.title for a in self.actions if a.is_open and code in a.codes]


def export_info(programme, name_of=same_name, level="", exported=None) -> ExportInfo:
    """What the exports of ``programme`` show besides readiness; ``level`` is the
    predicted level in words, already translated (the view words it)."""
    from collective.nrlabel import clock

    return ExportInfo(
        programme=programme.Title(),
        organisation=getattr(programme, "organisation", None) or "",
        exported=exported or clock.today(),
        level=level,
        titles=group_titles(programme),
        details=criterion_details(programme),
        actions=action_rows(programme),
        name_of=name_of,
    )


def _path(container):
    return "/".join(container.getPhysicalPath())


def group_titles(programme) -> dict:
    """Theme and principle titles by code (the readiness numbers have codes only)."""
    brains = api.content.find(
        path=_path(programme), portal_type=("nr_theme", "nr_principle")
    )
    return {brain.nr_code: brain.Title for brain in brains}


def criterion_details(programme) -> dict:
    """Justification and target date of each criterion, by code.

    They are not catalog metadata: the criteria themselves are read (a few dozen
    objects; the evidence below them is not).
    """
    details = {}
    for brain in api.content.find(path=_path(programme), portal_type="nr_criterion"):
        criterion = brain.getObject()
        details[brain.nr_code] = CriterionDetails(
            justification=(criterion.justification or "").strip(),
            target_date=criterion.target_date,
        )
    return details


def action_rows(programme) -> list:
    """The action plan's actions the current user may see, soonest due first and
    those with no due date last; from the catalog's metadata (the pack and the
    exports list 2,000 actions without waking one)."""
    tool = api.portal.get_tool("portal_workflow")
    states = tool.getWorkflowsFor("nr_action")[0].states
    catalog = api.portal.get_tool("portal_catalog")
    code_of = {
        brain.UID: brain.nr_code
        for brain in catalog.unrestrictedSearchResults(
            path=_path(programme), portal_type="nr_criterion"
        )
    }
    rows = []
    brains = api.content.find(path=_path(programme), portal_type="nr_action")
    # Sorted here: the catalog's sort_on would leave out actions with no due date.
    for brain in sorted(brains, key=lambda b: (not b.nr_due_date, b.nr_due_date or "")):
        state = brain.review_state
        definition = states.get(state)
        rows.append(
            ActionRow(
                title=brain.Title,
                responsible=brain.nr_responsible,
                due_date=date.fromisoformat(brain.nr_due_date)
                if brain.nr_due_date
                else None,
                state=state,
                state_title=Message(
                    definition.title if definition else state, domain="plone"
                ),
                codes=tuple(
                    code_of[uid] for uid in brain.nr_criteria or () if uid in code_of
                ),
            )
        )
    return rows


# -- the matrix ------------------------------------------------------------------


def matrix_rows(result, translate=default_translate, language=None, info=None):
    """The header, then one row per criterion of a ``Readiness``; headers and
    words (yes/no, readiness, maturity) through ``translate`` (the view passes the
    request's), maturity labels in ``language``; owners through ``info.name_of``.
    The target date stays a ``date`` (each format writes it its own way)."""
    info = info or ExportInfo()
    levels = maturity_levels(language)
    yes, no = translate(YES), translate(NO)
    lights = {light: translate(label) for light, label in LIGHT_LABELS.items()}
    rows = [tuple(translate(column) for column in HEADER)]
    for c in result.criteria:
        details = info.details.get(c.code, CriterionDetails())
        rows.append(
            (
                c.code,
                c.theme or "",
                c.principle or "",
                c.title,
                yes if c.applicable else no,
                "" if c.maturity is None else c.maturity,
                maturity_label(c.maturity, levels),
                lights.get(c.light, c.light),
                c.approved,
                c.pending,
                info.name_of(c.owner) if c.owner else "",
                details.justification,
                details.target_date,
            )
        )
    return rows


def matrix_csv(result, translate=default_translate, language=None, info=None):
    """The matrix as CSV bytes that a spreadsheet in ``language`` opens right."""
    buffer = io.StringIO()
    rows = matrix_rows(result, translate, language, info)
    writer = csv.writer(buffer, delimiter=csv_delimiter(language))
    for row in rows:
        cells = [
            csv_date(value, language) if isinstance(value, date) else value
            for value in row
        ]
        writer.writerow(spreadsheet_row(cells))
    return buffer.getvalue().encode("utf-8-sig")


def gap_rows(result, translate=default_translate, info=None):
    """Applicable criteria that are not green: what is left to do before the audit."""
    info = info or ExportInfo()
    header = (
        _("column_code", default="Code"),
        _("column_criterion", default="Criterion"),
        _("column_readiness", default="Readiness"),
        _("column_owner", default="Owner"),
        _("column_target_date", default="Target date"),
        _("column_planned_actions", default="Planned actions"),
    )
    rows = [tuple(translate(column) for column in header)]
    for c in result.criteria:
        if not c.applicable or c.light == "green":
            continue
        details = info.details.get(c.code, CriterionDetails())
        rows.append(
            (
                c.code,
                c.title,
                translate(LIGHT_LABELS.get(c.light, c.light)),
                info.name_of(c.owner) if c.owner else "",
                details.target_date,
                "\n".join(info.planned_for(c.code)),
            )
        )
    return rows


def matrix_xlsx(
    result, title="Criteria", translate=default_translate, language=None, info=None
):
    """The workbook: Summary, Criteria (the matrix) and Gaps sheets."""
    from openpyxl import Workbook

    info = info or ExportInfo()
    workbook = Workbook()
    summary = workbook.active
    summary.title = sheet_title(translate(SHEET_SUMMARY))
    _summary_sheet(summary, result, translate, info, language)
    criteria = workbook.create_sheet(sheet_title(title))
    _table_sheet(
        criteria,
        matrix_rows(result, translate, language, info),
        language,
        widths=(9, 9, 10, 60, 11, 10, 16, 16, 11, 11, 22, 40, 13),
        light_column=MATRIX_FIELDS.index("readiness"),
        lights=result.criteria,
    )
    gaps = workbook.create_sheet(sheet_title(translate(SHEET_GAPS)))
    gap_lights = [c for c in result.criteria if c.applicable and c.light != "green"]
    _table_sheet(
        gaps,
        gap_rows(result, translate, info),
        language,
        widths=(9, 60, 16, 22, 13, 50),
        light_column=2,
        lights=gap_lights,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(text):
    """A sheet name Excel accepts: 31 characters at most, none of []:*?/\\."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in text).strip("'")
    return cleaned[:31] or "Sheet"


def xlsx_text(value):
    """Text as an XLSX cell can hold it: without the control characters the
    format forbids (a full name or a justification may carry one, invisible)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def append_row(sheet, row, language=None):
    """Append ``row``, every text through ``neutralise_cell`` and written as text
    (openpyxl would turn text starting with "=" into a formula), dates as date
    cells."""
    sheet.append(spreadsheet_row(xlsx_text(value) for value in row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif isinstance(cell.value, date):
            cell.number_format = xlsx_date_format(language)


def _table_sheet(sheet, rows, language, widths, light_column, lights):
    """A table: bold header, frozen, filtered, wrapped text, coloured lights."""
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    for row in rows:
        append_row(sheet, row, language)
    header_fill = PatternFill("solid", fgColor="1F4E79")
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for row_number, item in enumerate(lights, start=2):
        background, text = LIGHT_COLOURS.get(item.light, LIGHT_COLOURS["na"])
        cell = sheet.cell(row=row_number, column=light_column + 1)
        cell.fill = PatternFill("solid", fgColor=background)
        cell.font = Font(bold=True, color=text)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(rows[0]))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 2)}"


SUMMARY_LABELS = (
    _("label_programme", default="Programme"),
    _("label_organisation", default="Organisation"),
    _("label_export_date", default="Exported on"),
    _("label_readiness_percent", default="Readiness (%)"),
    _("label_covered_criteria", default="Covered criteria"),
    _("label_applicable_criteria", default="Applicable criteria"),
    _("label_score_out_of_1000", default="Score (out of 1000)"),
    _("label_predicted_level", default="Predicted level"),
)
GROUP_HEADER = (
    _("column_code", default="Code"),
    _("column_title", default="Title"),
    _("column_covered", default="Covered"),
    _("column_applicable_count", default="Applicable criteria"),
    _("column_readiness_percent", default="Readiness (%)"),
    _("column_score", default="Score / 1000"),
)
HEADING_BY_THEME = _("heading_by_theme", default="By theme")
HEADING_BY_PRINCIPLE = _("heading_by_principle", default="By principle")


def _summary_sheet(sheet, result, translate, info, language=None):
    """Programme, date, readiness, score and level; then per theme and principle."""
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font

    values = (
        info.programme,
        info.organisation,
        info.exported,
        result.total.percent,
        result.total.covered,
        result.total.applicable,
        result.score.score,
        info.level,
    )
    append_row(sheet, (info.programme,))
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in zip(SUMMARY_LABELS, values, strict=True):
        append_row(sheet, (translate(label), value), language)
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    groups = (
        (HEADING_BY_THEME, result.by_theme, result.score.by_theme),
        (HEADING_BY_PRINCIPLE, result.by_principle, result.score.by_principle),
    )
    for heading, coverage, scores in groups:
        append_row(sheet, ())
        append_row(sheet, (translate(heading),))
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        append_row(sheet, tuple(translate(column) for column in GROUP_HEADER))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for code, cov in coverage.items():
            title = info.titles.get(code, "")
            row = (code, title, cov.covered, cov.applicable, cov.percent)
            append_row(sheet, (*row, scores.get(code)))
    for column, width in zip("ABCDEF", (26, 60, 12, 14, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
