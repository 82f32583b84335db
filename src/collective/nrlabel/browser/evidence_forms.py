"""The evidence add and edit forms, the criteria picker's searches and "attach
existing evidence" on a criterion.

The forms are Dexterity's with the editor's way through them: what the evidence is
(file, link, note or intranet item) first, the criterion's expected evidence above, the "exactly
one of" error next to the file field, no inline validation while tabbing, and a
message saying what happened. Saving rejected evidence revises it (back to draft).
"""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.browser.evidence import rejection
from collective.nrlabel.browser.posting import checked_post
from collective.nrlabel.content.criterion import CRITERIA_VOCABULARY_VIEW
from collective.nrlabel.content.criterion import criterion_label
from collective.nrlabel.content.evidence import EvidenceContentError
from collective.nrlabel.evidence.rules import attach_refusal
from collective.nrlabel.evidence.rules import attach_to_criterion
from collective.nrlabel.evidence.rules import may_attach_to
from collective.nrlabel.evidence.rules import supported_criteria_uids
from collective.nrlabel.programme_tree import programme_of
from collective.nrlabel.vocabularies import term_title
from functools import cached_property
from plone import api
from plone.app.content.browser.vocabulary import VocabularyView
from plone.dexterity.browser.add import DefaultAddForm
from plone.dexterity.browser.add import DefaultAddView
from plone.dexterity.browser.edit import DefaultEditForm
from plone.dexterity.interfaces import IDexterityEditForm
from plone.z3cform import layout
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from z3c.form.interfaces import IErrorViewSnippet
from z3c.form.interfaces import NOT_CHANGED
from zExceptions import Unauthorized
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter
from zope.component import getUtility
from zope.interface import classImplements
from zope.schema.interfaces import IVocabularyFactory

import re


# The main tab, in this order; whatever else the type's behaviours add follows.
FIELD_ORDER = (
    "file",
    "link",
    "note",
    "intranet_item",
    "IBasic.title",
    "IBasic.description",
    "kind",
    "document_date",
    "valid_until",
    "supported_criteria",
)
# Editors do not switch versioning off: a replaced file must stay in the history.
OMITTED = ("IVersionable.versioning_enabled",)
CHANGE_NOTE = "IVersionable.changeNote"
CHANGE_NOTE_KEY = "plone.app.versioningbehavior-changeNote"
KINDS = "collective.nrlabel.EvidenceKinds"


class EvidenceFormMixin:
    """What the add and the edit form share."""

    content_error = False
    rejection = None  # the edit form of rejected evidence says why it was

    def warn_if_expired(self, valid_until):
        """Saved, but it will not count: say so now, not at review time."""
        if valid_until and valid_until < clock.today():
            api.portal.show_message(
                _(
                    "warning_saved_expired",
                    default="This evidence expired on ${date}: it does not cover "
                    "the criterion. Add a current document if there is one.",
                    mapping={"date": localized(valid_until)},
                ),
                request=self.request,
                type="warning",
            )

    def updateFields(self):
        super().updateFields()
        fields = self.fields.omit(*OMITTED)
        first = [name for name in FIELD_ORDER if name in fields]
        self.fields = fields.select(*first) + fields.omit(*first)
        for group in self.groups:
            group.fields = group.fields.omit(*OMITTED)
        self.groups = [group for group in self.groups if len(group.fields)]

    def updateWidgets(self, prefix=None):
        super().updateWidgets(prefix)
        self._intranet_picker()
        picker = self.widgets.get("supported_criteria")
        if picker is not None and getattr(picker, "pattern_options", None):
            # A copy: the schema's options are shared by every form.
            picker.pattern_options = dict(
                picker.pattern_options,
                vocabularyUrl=f"{self.criterion.absolute_url()}/"
                f"{CRITERIA_VOCABULARY_VIEW}",
            )

    def _intranet_picker(self):
        """The intranet item's content browser starts at the site root (not the
        criterion's folder) and offers every type but the add-on's own: the
        field's constraint refuses anything inside a programme anyway."""
        widget = self.widgets.get("intranet_item")
        if widget is None or not hasattr(widget, "pattern_options"):
            return
        portal = api.portal.get()
        types = api.portal.get_tool("portal_types").listContentTypes()
        widget.pattern_options = dict(
            widget.pattern_options or {},
            basePath="/".join(portal.getPhysicalPath()),
            selectableTypes=[t for t in types if not t.startswith("nr_")],
            favorites=False,
        )

    def extractData(self, setErrors=True):
        """Dexterity's, with the "exactly one of a file, a link, a note or an
        intranet item" error
        moved from the top of the form to the file field."""
        data, errors = super().extractData(setErrors=setErrors)
        moved = []
        for error in errors:
            if isinstance(getattr(error, "error", None), EvidenceContentError):
                error = self._error_on_file(error.error)
                self.content_error = True
            moved.append(error)
        errors = tuple(moved)
        if setErrors:
            self.widgets.errors = errors
        return data, errors

    def _error_on_file(self, error):
        widget = self.widgets["file"]
        view = getMultiAdapter(
            (error, self.request, widget, widget.field, self, self.getContent()),
            IErrorViewSnippet,
        )
        view.update()
        widget.error = view
        return view

    @property
    def formErrorsMessage(self):
        if self.content_error:
            return _(
                "error_evidence_content_status_intranet",
                default="The evidence has no content, or more than one: give "
                "exactly one of a file, a link, a note or an intranet item (see "
                "the “File” field).",
            )
        return super().formErrorsMessage

    def render(self):
        # No "pat-validation": Patternslib would flag required fields as soon as
        # one tabs through them. The server checks everything on save.
        self.ignoreRequiredOnExtract = True
        try:
            return super().render()
        finally:
            self.ignoreRequiredOnExtract = False


class EvidenceAddForm(EvidenceFormMixin, DefaultAddForm):
    portal_type = "nr_evidence"
    success_message = _(
        "message_evidence_added",
        default="Evidence added, as a draft: submit it for review when it is ready.",
    )

    @property
    def criterion(self):
        return self.context

    def add(self, obj):
        super().add(obj)
        self.warn_if_expired(getattr(obj, "valid_until", None))


# Dexterity's page around the form, with the criterion's expected evidence above.
FORM_PAGE = ViewPageTemplateFile("templates/evidence_form.pt")


class EvidenceAddView(DefaultAddView):
    """``++add++nr_evidence`` (registered in ZCML as Dexterity's add view is)."""

    form = EvidenceAddForm
    index = FORM_PAGE


class EvidenceEditForm(EvidenceFormMixin, DefaultEditForm):
    success_message = _("message_evidence_updated", default="Evidence updated.")

    @property
    def criterion(self):
        return self.context.__parent__

    @property
    def rejection(self):
        """Revising rejected evidence: the reviewer's reason stays in sight."""
        return rejection(self.context)

    def applyChanges(self, data):
        """Dexterity's, noting a replaced file in the version's comment (CMFEditions
        makes a version on save), then revising rejected evidence."""
        new_file = data.get("file")
        if new_file not in (None, NOT_CHANGED) and new_file is not self.context.file:
            self._note_replaced_file(data, new_file.filename)
        changes = super().applyChanges(data)
        self.warn_if_expired(self.context.valid_until)
        if api.content.get_state(self.context) == "rejected":
            self._revise()
        return changes

    def _note_replaced_file(self, data, filename):
        """Put "File replaced: name" before the editor's own change note, which
        plone.app.versioningbehavior stores as the new version's comment."""
        note = api.portal.translate(
            _(
                "version_file_replaced",
                default="File replaced: ${filename}",
                mapping={"filename": filename or ""},
            )
        )
        own = (data.get(CHANGE_NOTE) or "").strip()
        note = f"{note} — {own}" if own else note
        data[CHANGE_NOTE] = note
        IAnnotations(self.request)[CHANGE_NOTE_KEY] = note

    def _revise(self):
        workflow = api.portal.get_tool("portal_workflow")
        allowed = {t["id"] for t in workflow.getTransitionsFor(self.context)}
        if "revise" not in allowed:
            return
        workflow.doActionFor(self.context, "revise")
        self.success_message = _(
            "message_evidence_revised",
            default="Evidence updated and back in draft: submit it for review again "
            "when it is ready.",
        )


EvidenceEditView = layout.wrap_form(EvidenceEditForm, index=FORM_PAGE)
classImplements(EvidenceEditView, IDexterityEditForm)


# -- The criteria picker ---------------------------------------------------------


class LabelledBrain:
    """A catalog result whose title, for a criterion, starts with its code."""

    def __init__(self, brain):
        self._brain = brain

    def __getattr__(self, name):
        return getattr(self._brain, name)

    @property
    def Title(self):
        brain = self._brain
        if brain.portal_type == "nr_criterion":
            return criterion_label(brain.nr_code, brain.Title)
        return brain.Title


class LabelledResults:
    """Catalog results, sliced as the vocabulary view batches them."""

    def __init__(self, results):
        self._results = results

    def __len__(self):
        return len(self._results)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [LabelledBrain(b) for b in self._results[index]]
        return LabelledBrain(self._results[index])

    def __iter__(self):
        return (LabelledBrain(b) for b in self._results)


CODE_LIKE = re.compile(r"^[\w.\-]*\d[\w.\-]*$")


class CriteriaSearch:
    """What ``@@getVocabulary`` calls a catalog vocabulary: browsing as Plone's,
    searching criteria of the programme by code or by title, never offering the
    criterion the evidence belongs to (the picker asks from the criterion on the
    add form and the evidence's criterion on the edit form)."""

    def __init__(self, context):
        self.programme = programme_of(context)
        home = context
        if getattr(home, "portal_type", None) == "nr_evidence":
            home = home.__parent__
        is_criterion = getattr(home, "portal_type", None) == "nr_criterion"
        self.home_uid = home.UID() if is_criterion else None

    def search_catalog(self, query):
        query = dict(query)
        text = query.pop("SearchableText", None)
        term = (text.get("query") if isinstance(text, dict) else text) or ""
        term = term.replace("*", "").strip()
        if not term:
            found = api.content.find(**query) if query else []
        else:
            found = self.find_criteria(term)
        if self.home_uid is not None:
            found = [b for b in found if self.home_uid != b.UID]
        return LabelledResults(found)

    def find_criteria(self, term):
        """Criteria whose code starts with ``term`` when it looks like a code
        ("1.1.3": that one, then 1.1.3.x), the exact code first; only when no code
        starts with it, those whose code, title or expected evidence has its
        words ("1.1.3" as words would also find 1.2.3 or 2.1.3)."""
        base = {"portal_type": "nr_criterion", "sort_on": "path"}
        if self.programme is not None:
            base["path"] = "/".join(self.programme.getPhysicalPath())
        if CODE_LIKE.match(term):
            coded = [b for b in api.content.find(**base) if b.nr_code.startswith(term)]
            if coded:  # even if only the home criterion, which is then left out
                return sorted(coded, key=lambda b: b.nr_code != term)
        words = " ".join(f"{word}*" for word in re.findall(r"\w+", term))
        return list(api.content.find(SearchableText=words, **base)) if words else []


class CriteriaVocabularyView(VocabularyView):
    """``@@nr-criteria-vocabulary``: the criteria picker's searches (pattern
    contentbrowser), answered as ``@@getVocabulary`` answers them."""

    def get_vocabulary(self):
        return CriteriaSearch(self.context)


# -- Attach existing evidence to a criterion ---------------------------------------


class AttachEvidenceView(BrowserView):
    """``@@nr-attach-evidence`` on a criterion: find evidence of the programme by
    title, code of its criterion or kind, and attach the chosen ones."""

    attached = ()
    refused = ()
    limit = 50

    def __call__(self):
        # Editors (their drafts) and reviewers (approved evidence) come here;
        # each item is then checked by attach_refusal().
        if not may_attach_to(self.context):
            raise Unauthorized("Attach evidence")
        if self.request.method == "POST":
            checked_post(self.request)
            self.attach(self.request.form.get("uids") or [])
        return self.index()

    def attach(self, uids):
        if isinstance(uids, str):
            uids = [uids]
        attached, refused = [], []
        for uid in dict.fromkeys(uids):
            evidence = api.content.get(UID=uid) if isinstance(uid, str) else None
            if evidence is not None and evidence.portal_type != "nr_evidence":
                evidence = None
            reason = attach_refusal(evidence, self.context)
            title = evidence.Title() if evidence is not None and reason is None else ""
            if reason is None:
                attach_to_criterion(evidence, self.context)
                attached.append(title)
            else:
                shown = evidence is not None and api.user.has_permission(
                    "View", obj=evidence
                )
                refused.append(
                    {"title": evidence.Title() if shown else uid, "reason": reason}
                )
        self.attached, self.refused = attached, refused
        if refused:
            self.request.response.setStatus(409 if not attached else 200)
        if attached:
            api.portal.show_message(
                _(
                    "message_evidence_attached",
                    default="Evidence items that now also support this criterion: ${count}.",
                    mapping={"count": len(attached)},
                ),
                request=self.request,
            )

    @cached_property
    def term(self):
        return (self.request.form.get("q") or "").strip()

    @cached_property
    def kind(self):
        kind = self.request.form.get("kind") or ""
        return kind if kind in self.kinds_vocabulary else ""

    @cached_property
    def kinds_vocabulary(self):
        return getUtility(IVocabularyFactory, name=KINDS)(self.context)

    def kinds(self):
        return [
            {"value": t.value, "title": t.title, "selected": t.value == self.kind}
            for t in self.kinds_vocabulary
        ]

    def results(self):
        """Matching evidence of the programme, at most ``limit``, each with why it
        cannot be attached (None when it can)."""
        programme = programme_of(self.context)
        if programme is None:
            return []
        rows = []
        for brain in api.content.find(
            context=programme, portal_type="nr_evidence", sort_on="sortable_title"
        ):
            if not self._matches_text(brain):
                continue
            evidence = brain.getObject()
            if self.kind and evidence.kind != self.kind:
                continue
            rows.append(self._row(brain, evidence))
            if len(rows) >= self.limit:
                break
        return rows

    def _matches_text(self, brain):
        term = self.term.casefold()
        if not term:
            return True
        code = brain.getPath().split("/")[-2].removeprefix("nr-")
        return term in (brain.Title or "").casefold() or code.startswith(term)

    def _row(self, brain, evidence):
        home = evidence.__parent__
        reason = attach_refusal(evidence, self.context)
        return {
            "uid": brain.UID,
            "title": brain.Title,
            "url": brain.getURL(),
            "code": getattr(home, "code", ""),
            "criterion": home.Title(),
            "kind": term_title(KINDS, evidence.kind),
            "state_title": state_title(evidence),
            "attached": self.context.UID() in supported_criteria_uids(evidence),
            "reason": reason,
        }

    def refusal_text(self, reason):
        return api.portal.translate(reason)
