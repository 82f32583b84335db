"""From the intranet side: "Use as Label NR evidence" on any intranet item (the
action's test, the form) and the viewlet listing the criteria an item supports.
The rules (who may, which criteria, what is visible) are evidence/from_intranet.py's.
"""

from collective.nrlabel import _
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.browser.posting import checked_post
from collective.nrlabel.content.evidence import DATES_MESSAGE
from collective.nrlabel.evidence.from_intranet import create_evidence
from collective.nrlabel.evidence.from_intranet import criteria_choices
from collective.nrlabel.evidence.from_intranet import criterion_for
from collective.nrlabel.evidence.from_intranet import may_be_evidence
from collective.nrlabel.evidence.from_intranet import programmes_open_to_evidence
from collective.nrlabel.evidence.from_intranet import supported_criteria
from collective.nrlabel.evidence.rules import EVIDENCE_WORKFLOW
from collective.nrlabel.evidence.rules import IntranetItemRefused
from datetime import date
from functools import cached_property
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory


REQUEST_KEY = "collective.nrlabel.may_add_evidence"
KINDS = "collective.nrlabel.EvidenceKinds"
MAX_TITLE = 200

NOT_AN_INTRANET_ITEM = _(
    "use_evidence_error_not_intranet",
    default="This item belongs to a Label NR programme or is the site itself: only "
    "other items of the intranet can be used as evidence.",
)
NO_PROGRAMME = _(
    "use_evidence_error_no_programme",
    default="You may not add evidence in any Label NR programme.",
)
NOT_ALLOWED = _(
    "use_evidence_error_criterion",
    default="Choose a criterion where you may add evidence.",
)
REQUIRED = _("use_evidence_error_required", default="Required: fill it in.")
BAD_DATE = _("use_evidence_error_date", default="Give a date as day, month and year.")
BAD_KIND = _("use_evidence_error_kind", default="Choose one of the kinds listed.")
TOO_LONG = _(
    "use_evidence_error_title_long",
    default="The title is too long (at most ${max} characters).",
    mapping={"max": MAX_TITLE},
)


def user_may_add_evidence(request) -> bool:
    """Whether the current user may add evidence in some programme; asked once
    per request however many items the page shows actions for."""
    user_id = api.user.get_current().getId()
    cache = IAnnotations(request).setdefault(REQUEST_KEY, {})
    if user_id not in cache:
        cache[user_id] = bool(programmes_open_to_evidence())
    return cache[user_id]


class MayUseAsEvidenceView(BrowserView):
    """The action's condition (actions.xml): an intranet item, and a user who
    may add evidence somewhere. A yes or no, nothing else."""

    def __call__(self):
        if api.user.is_anonymous() or not may_be_evidence(self.context):
            return False
        return user_may_add_evidence(self.request)


def parse_date(value):
    """An ISO date (the date input's value) or None; ValueError if malformed."""
    value = value.strip()
    return date.fromisoformat(value) if value else None


class UseAsEvidenceView(BrowserView):
    """The form: criterion (by programme), title, kind, dates; on a valid POST by
    someone who may add evidence in the chosen criterion, the evidence is created
    there, pointing to this item, and the user is taken to it."""

    errors = None
    show_form = False

    def __call__(self):
        self.errors = {}
        if not may_be_evidence(self.context):
            return self.refuse(400, NOT_AN_INTRANET_ITEM)
        self.show_form = bool(self.choices)
        if self.request.method == "POST":
            checked_post(self.request)
            if "form.buttons.cancel" in self.request.form:
                return self.request.response.redirect(
                    self.context.absolute_url(), status=303
                )
            return self.save()
        if not self.choices:
            return self.refuse(403, NO_PROGRAMME)
        return self.index()

    def refuse(self, status, message):
        self.request.response.setStatus(status)
        self.errors = {"form": message}
        return self.index()

    @cached_property
    def choices(self):
        return criteria_choices()

    @cached_property
    def kinds(self):
        vocabulary = getUtility(IVocabularyFactory, name=KINDS)(self.context)
        return [{"value": t.value, "title": t.title} for t in vocabulary]

    def value(self, name):
        """What the form shows in field ``name``: the posted value, else a default
        taken from the item (its title, its last modification)."""
        posted = self.request.form.get(name)
        if isinstance(posted, str):
            return posted
        if self.request.method == "POST":
            return ""
        defaults = {
            "title": self.context.Title(),
            "kind": "record",
            "document_date": self.context.modified().asdatetime().date().isoformat(),
        }
        return defaults.get(name, "")

    def save(self):
        uid = self.request.form.get("criterion")
        criterion = criterion_for(uid) if isinstance(uid, str) else None
        if criterion is None:
            # Unknown, hidden or closed criterion: the same refusal, nothing made.
            self.errors["criterion"] = NOT_ALLOWED
            return self.refuse(403, NOT_ALLOWED)
        fields = self.validated()
        if self.errors:
            self.request.response.setStatus(400)
            return self.index()
        try:
            evidence = create_evidence(criterion, self.context, **fields)
        except IntranetItemRefused as refused:
            return self.refuse(400, refused.doc())
        api.portal.show_message(
            _("use_evidence_added", default="Evidence added; submit it for review."),
            request=self.request,
        )
        return self.request.response.redirect(evidence.absolute_url(), status=303)

    def validated(self) -> dict:
        """The typed fields; each problem goes to ``self.errors``."""
        title = self.value("title").strip()
        if not title:
            self.errors["title"] = REQUIRED
        elif len(title) > MAX_TITLE:
            self.errors["title"] = TOO_LONG
        kind = self.value("kind")
        if kind not in {k["value"] for k in self.kinds}:
            self.errors["kind"] = BAD_KIND
        dates = {}
        for name in ("document_date", "valid_until"):
            try:
                dates[name] = parse_date(self.value(name))
            except ValueError:
                self.errors[name] = BAD_DATE
        if "document_date" not in self.errors and dates["document_date"] is None:
            self.errors["document_date"] = REQUIRED
        start, end = dates.get("document_date"), dates.get("valid_until")
        if start and end and end <= start:
            self.errors["valid_until"] = DATES_MESSAGE
        return {"title": title, "kind": kind, **dates}

    def selected(self, uid):
        return self.request.form.get("criterion") == uid


class SupportedCriteriaViewlet(ViewletBase):
    """Below an intranet item: the criteria it is evidence for, with the
    evidence's state, as far as the current user may see them."""

    index = ViewPageTemplateFile("templates/supported_criteria.pt")

    def update(self):
        super().update()
        self.supports = []
        if not api.user.is_anonymous() and may_be_evidence(self.context):
            self.supports = [self._row(s) for s in supported_criteria(self.context)]

    def _row(self, support):
        brain = support.criterion
        return {
            "code": brain.nr_code,
            "title": brain.Title,
            "url": brain.getURL(),
            "programme": support.programme_title,
            "evidence": [
                {
                    "title": e.Title,
                    "url": e.getURL(),
                    "state": state_title(None, e.review_state, EVIDENCE_WORKFLOW),
                    "stale": bool(getattr(e, "nr_stale", None)),
                }
                for e in support.evidence
            ],
        }

    def render(self):
        return self.index() if self.supports else ""
