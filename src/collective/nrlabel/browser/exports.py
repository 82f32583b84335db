"""The criteria matrix (CSV, XLSX) and the audit pack (ZIP) as downloads."""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.audit.downloads import record_pack_download
from collective.nrlabel.audit.pack import pack_entries
from collective.nrlabel.audit.pack import pack_labels
from collective.nrlabel.audit.pack import PackIterator
from collective.nrlabel.audit.pack import stream_pack
from collective.nrlabel.browser.downloads import no_sniffing
from collective.nrlabel.exports import matrix_csv
from collective.nrlabel.exports import matrix_xlsx
from collective.nrlabel.readiness import readiness
from plone import api
from Products.Five.browser import BrowserView


def _attachment(response, filename, content_type):
    response.setHeader("Content-Type", content_type)
    no_sniffing(response)
    response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')


class MatrixExportView(BrowserView):
    """@@nr-matrix.csv and @@nr-matrix.xlsx."""

    format = "csv"

    def __call__(self):
        result = readiness(self.context)
        stamp = clock.today().isoformat()
        name = f"criteria-{self.context.getId()}-{stamp}"
        # Headers and words in the requesting user's language.
        translate = api.portal.translate
        if self.format == "xlsx":
            _attachment(
                self.request.response,
                f"{name}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            title = translate(_("sheet_criteria", default="Criteria"))
            return matrix_xlsx(result, title, translate)
        _attachment(self.request.response, f"{name}.csv", "text/csv; charset=utf-8")
        return matrix_csv(result, translate)


class MatrixXLSXView(MatrixExportView):
    format = "xlsx"


class AuditPackView(BrowserView):
    """@@nr-audit-pack: the approved evidence as a streamed ZIP."""

    def __call__(self):
        entries = pack_entries(self.context)
        stamp = clock.today().isoformat()
        filename = f"audit-pack-{self.context.getId()}-{stamp}.zip"
        _attachment(self.request.response, filename, "application/zip")
        record_pack_download(self.context, self.request, filename, len(entries))
        labels = pack_labels(api.portal.translate, self.request.get("LANGUAGE", "en"))
        return PackIterator(stream_pack(entries, self.context.Title(), labels=labels))
