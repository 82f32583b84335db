"""The form that imports a referential file (NR leads and managers)."""

from collective.nrlabel import _
from collective.nrlabel.permissions import AddProgramme
from collective.nrlabel.referential.importer import create_programme
from collective.nrlabel.referential.importer import import_referential
from collective.nrlabel.referential.model import CRITERION
from collective.nrlabel.referential.model import ReferentialError
from plone import api
from plone.namedfile.field import NamedFile
from plone.protect import CheckAuthenticator
from plone.z3cform.layout import wrap_form
from z3c.form import button
from z3c.form import field
from z3c.form import form
from zExceptions import Forbidden
from zope import schema
from zope.i18n import translate
from zope.interface import Interface

import html
import transaction


class IImportReferential(Interface):
    file = NamedFile(
        title=_("label_referential_file", default="Referential file"),
        description=_(
            "help_referential_file",
            default="YAML or JSON in the collective.nrlabel format, or a CSV/XLSX "
            "sheet with the columns code, parent_code, level, title_fr, title_en, "
            "guidance_fr, guidance_en. Nothing is imported if the file has an error.",
        ),
        required=True,
    )
    id = schema.ASCIILine(
        title=_("label_referential_id", default="Identifier"),
        description=_(
            "help_referential_id",
            default="Lower-case letters, digits, '.', '-' or '_'. Leave empty to "
            "use the file's own (or its name, for a sheet).",
        ),
        required=False,
    )
    version = schema.TextLine(
        title=_("label_referential_version", default="Referential version"),
        required=False,
    )
    title = schema.TextLine(
        title=_("label_referential_title", default="Referential title"),
        required=False,
    )
    language = schema.Choice(
        title=_("label_text_language", default="Language of unmarked texts"),
        description=_(
            "help_text_language",
            default="The language of a plain 'title' or 'guidance' column.",
        ),
        vocabulary="collective.nrlabel.ReferentialLanguages",
        default="fr",
        required=True,
    )
    replace = schema.Bool(
        title=_(
            "label_replace_referential",
            default="Replace an imported referential with the same identifier",
        ),
        default=False,
        required=False,
    )
    programme_title = schema.TextLine(
        title=_("label_create_programme", default="Create a programme here from it"),
        description=_(
            "help_create_programme",
            default="Give the new programme's title to create it in this folder, "
            "or leave empty to only make the referential available.",
        ),
        required=False,
    )


class ImportReferentialForm(form.Form):
    fields = field.Fields(IImportReferential)
    ignoreContext = True
    label = _("heading_import_referential", default="Import a referential")
    description = _(
        "description_import_referential",
        default="Load the current official grid, another scheme (RGESN, an internal "
        "one) or your own adaptation. Existing programmes are not changed.",
    )
    # Set when an import is refused: the heading of the error box, and the problems.
    failure = None
    problems = ()

    def refuse(self, heading, problems=()):
        """Show why nothing was imported, and make sure nothing is committed."""
        transaction.doom()
        self.failure = heading
        self.problems = problems

    @button.buttonAndHandler(_("button_import", default="Import"), name="import")
    def handle_import(self, action):
        if not self._token_is_valid():
            return
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        try:
            referential, programme = self._import_file(data)
        except ReferentialError as error:
            self.refuse(
                _(
                    "error_import_failed",
                    default="Nothing was imported: the file has ${count} problem(s).",
                    mapping={"count": error.count},
                ),
                error.translated(context=self.request),
            )
            return
        self._say_imported(referential, data["language"])
        target = programme or self.context
        self.request.response.redirect(target.absolute_url())

    def _token_is_valid(self):
        """Whether the form's token is right; if not, refuse with a 403.

        plone.protect's automatic protection lets a forged request through when
        it only adds new objects (the first import creates the storage): the
        form's token is checked explicitly.
        """
        try:
            CheckAuthenticator(self.request)
        except Forbidden:
            self.request.response.setStatus(403)
            self.refuse(
                _(
                    "error_import_forbidden",
                    default="The import was refused: the form's security token is "
                    "missing or out of date. Nothing was imported; reload the page "
                    "and import the file again.",
                )
            )
            return False
        return True

    def _import_file(self, data):
        """Import the uploaded file and, if asked, create a programme from it here.

        Returns the referential and the programme (or None); raises
        ``ReferentialError`` for any problem, the file's or the permission's.
        """
        upload = data["file"]
        referential = import_referential(
            upload.data,
            upload.filename or "",
            id=data.get("id"),
            version=data.get("version"),
            title=data.get("title"),
            language=data["language"],
            replace=bool(data.get("replace")),
        )
        if not data.get("programme_title"):
            return referential, None
        if not api.user.has_permission(AddProgramme, obj=self.context):
            raise ReferentialError(
                _(
                    "error_cannot_add_programme",
                    default="You may not add a programme in this folder.",
                )
            )
        programme = create_programme(
            self.context, data["programme_title"], referential.id
        )
        return referential, programme

    def _say_imported(self, referential, language):
        api.portal.show_message(
            _(
                "message_referential_imported",
                default="Imported ${title} (${version}): ${criteria} criteria.",
                mapping={
                    "title": referential.text("title", language),
                    "version": referential.version,
                    "criteria": referential.count(CRITERION),
                },
            ),
            request=self.request,
        )

    def render(self):
        """The form, under an error box when the import was refused (the form's
        own status box would call it "Info")."""
        rendered = super().render()
        if self.failure is None:
            return rendered
        heading = html.escape(translate(self.failure, context=self.request))
        items = "".join(f"<li>{html.escape(problem)}</li>" for problem in self.problems)
        listing = f"<ul>{items}</ul>" if items else ""
        return (
            '<div class="portalMessage statusmessage statusmessage-error alert '
            'alert-danger nr-import-problems" role="alert">'
            f"<strong>{heading}</strong>{listing}</div>{rendered}"
        )


ImportReferentialFormView = wrap_form(ImportReferentialForm)
