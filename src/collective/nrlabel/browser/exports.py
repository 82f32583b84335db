"""The criteria matrix (CSV, XLSX) and the audit pack (ZIP) as downloads."""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.audit.downloads import record_pack_download
from collective.nrlabel.audit.pack import pack_contents
from collective.nrlabel.audit.pack import pack_labels
from collective.nrlabel.audit.pack import PackIterator
from collective.nrlabel.audit.pack import PackSource
from collective.nrlabel.audit.pack import stream_pack
from collective.nrlabel.browser.display import level_sentence
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.browser.downloads import no_sniffing
from collective.nrlabel.exports import export_info
from collective.nrlabel.exports import matrix_csv
from collective.nrlabel.exports import matrix_xlsx
from collective.nrlabel.readiness import readiness
from plone import api
from Products.Five.browser import BrowserView


def _attachment(response, filename, content_type):
    response.setHeader("Content-Type", content_type)
    no_sniffing(response)
    response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')


def _language(request):
    return request.get("LANGUAGE") or api.portal.get_current_language()


class MatrixExportView(BrowserView):
    """@@nr-matrix.csv and @@nr-matrix.xlsx, in the requesting user's language
    (headers, words, separator, dates), owners by full name."""

    format = "csv"

    def __call__(self):
        result = readiness(self.context)
        stamp = clock.today().isoformat()
        name = f"criteria-{self.context.getId()}-{stamp}"
        translate = api.portal.translate
        language = _language(self.request)
        info = export_info(
            self.context,
            name_of=user_name,
            level=translate(level_sentence(result.score.progress)),
        )
        if self.format == "xlsx":
            _attachment(
                self.request.response,
                f"{name}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            title = translate(_("sheet_criteria", default="Criteria"))
            return matrix_xlsx(result, title, translate, language, info)
        _attachment(self.request.response, f"{name}.csv", "text/csv; charset=utf-8")
        return matrix_csv(result, translate, language, info)


class MatrixXLSXView(MatrixExportView):
    format = "xlsx"


class AuditPackView(BrowserView):
    """@@nr-audit-pack: the approved evidence as a streamed ZIP, with an index
    for people and SHA256SUMS for checking, in the downloader's language."""

    def __call__(self):
        translate = api.portal.translate
        result = readiness(self.context)
        # What goes in is decided now; the files are read as the ZIP streams.
        source = PackSource(self.context, name_of=user_name)
        contents = pack_contents(
            self.context,
            result,
            translate=translate,
            name_of=user_name,
            level=translate(level_sentence(result.score.progress)),
            entries=(),
        )
        stamp = clock.today().isoformat()
        filename = f"audit-pack-{self.context.getId()}-{stamp}.zip"
        _attachment(self.request.response, filename, "application/zip")
        record_pack_download(self.context, self.request, filename, source.count)
        labels = pack_labels(translate, _language(self.request))
        return PackIterator(
            stream_pack(
                source.entries(), self.context.Title(), labels=labels, contents=contents
            )
        )
