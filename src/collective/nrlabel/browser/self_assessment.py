"""@@nr-self-assessment: the lead's grid of every criterion of a programme.

A thin view over ``collective.nrlabel.self_assessment``: one GET shows the grid,
one POST saves every row (all or nothing) and redirects (post/redirect/get) with
how many criteria changed; a POST with errors shows the grid again, answering
400, with what was typed kept and each wrong field named.
"""

from collective.nrlabel import _
from collective.nrlabel.browser.display import level_sentence
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.browser.posting import checked_post
from collective.nrlabel.content.criterion import ICriterion
from collective.nrlabel.exports import LIGHT_LABELS
from collective.nrlabel.permissions import SelfAssess
from collective.nrlabel.self_assessment import apply_rows
from collective.nrlabel.self_assessment import FIELDS
from collective.nrlabel.self_assessment import grid
from collective.nrlabel.self_assessment import RowError
from collective.nrlabel.self_assessment import SaveResult
from collective.nrlabel.settings import maturity_levels
from collective.nrlabel.vocabularies.people import programme_people
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView
from zope.i18nmessageid import Message


VIEW_NAME = "@@nr-self-assessment"
# What the error summary calls each field (the criterion form's own labels).
FIELD_LABELS = {name: ICriterion[name].title for name in FIELDS}
FIELD_LABELS["uid"] = _("label_sa_criterion", default="Criterion")
FIELD_LABELS["permission"] = FIELD_LABELS["uid"]


NO_ROWS = _("error_sa_no_rows", default="No criterion was sent: nothing saved.")


def anchor(code):
    """A row's id: ``criterion-1-1-3`` for 1.1.3 (the agreed link target)."""
    return "criterion-" + (code or "").replace(".", "-")


def submitted_rows(form) -> dict:
    """``{uid: {field: text}}`` from the posted form: the rows are named by
    ``uids:list`` and their controls ``<field>-<uid>``; a control that was not
    posted (a disabled row) keeps the criterion's value."""
    uids = form.get("uids") or []
    if not isinstance(uids, list | tuple):
        uids = [uids]
    rows = {}
    for uid in uids:
        if not isinstance(uid, str):
            continue
        rows[uid] = {
            name: form[f"{name}-{uid}"] for name in FIELDS if f"{name}-{uid}" in form
        }
    return rows


def url_of(programme):
    return f"{programme.absolute_url()}/{VIEW_NAME}"


class SelfAssessmentView(BrowserView):
    """Show the grid (GET), save it (POST)."""

    errors = ()
    submitted = None  # {uid: {field: text}} when showing a refused save again

    def __call__(self):
        if self.request.method == "POST":
            return self.save()
        return self.index()

    def save(self):
        checked_post(self.request, SelfAssess, self.context)
        submitted = submitted_rows(self.request.form)
        if submitted:
            result = apply_rows(self.context, submitted)
        else:
            result = SaveResult(errors=[RowError("", "", "", NO_ROWS)])
        if result.errors:
            self.errors = result.errors
            self.submitted = submitted
            self.request.response.setStatus(400)
            return self.index()
        api.portal.show_message(
            self.saved_message(len(result.changed)), request=self.request, type="info"
        )
        return self.request.response.redirect(url_of(self.context))

    def translate(self, message):
        return api.portal.translate(message)

    @staticmethod
    def saved_message(count):
        if count == 0:
            return _(
                "message_sa_saved_none",
                default="Nothing changed: the self-assessment was already up to date.",
            )
        if count == 1:
            return _("message_sa_saved_one", default="Saved: 1 criterion changed.")
        return _(
            "message_sa_saved_many",
            default="Saved: ${count} criteria changed.",
            mapping={"count": count},
        )

    # -- what the page shows -------------------------------------------------

    @cached_property
    def grid(self):
        return grid(self.context)

    @property
    def score(self):
        return self.grid.score

    def level(self):
        return level_sentence(self.score.progress)

    @cached_property
    def maturity_options(self):
        return [
            {"value": str(level), "title": f"{level} — {label}"}
            for level, label in enumerate(maturity_levels())
        ]

    @cached_property
    def people(self):
        return [
            {"value": p.user_id, "title": p.name}
            for p in programme_people(self.context)
        ]

    def owner_options(self, current):
        """The programme's people, plus a former member who still owns the row."""
        options = self.people
        if current and current not in {o["value"] for o in options}:
            options = [*options, {"value": current, "title": user_name(current)}]
        return options

    @cached_property
    def errors_by_row(self):
        by_row = {}
        for error in self.errors:
            by_row.setdefault(error.uid, {})[error.field] = error.message
        return by_row

    def error_summary(self):
        """The errors in grid order, each linking to the field to correct."""
        order = {row.uid: index for index, row in enumerate(self.grid.rows)}
        errors = sorted(self.errors, key=lambda e: order.get(e.uid, -1))
        return [
            {
                "code": e.code,
                "field": FIELD_LABELS.get(e.field, ""),
                "message": e.message,
                "href": f"#{self.control_id(e.field, e.uid)}"
                if e.field in FIELDS
                else (f"#{anchor(e.code)}" if e.code else ""),
            }
            for e in errors
        ]

    def error_count(self):
        count = len(self.errors)
        if count == 1:
            return _(
                "error_sa_summary_one",
                default="1 problem to correct: nothing was saved.",
            )
        return Message(
            _(
                "error_sa_summary_many",
                default="${count} problems to correct: nothing was saved.",
            ),
            mapping={"count": count},
        )

    @staticmethod
    def control_id(name, uid):
        return f"{name}-{uid}"

    def _values(self, row):
        """What the row's controls show: the typed values after a refused save,
        else the criterion's."""
        current = {
            "applicability": row.applicability,
            "justification": row.justification,
            "maturity": "" if row.maturity is None else str(row.maturity),
            "owner": row.owner or "",
            "target_date": row.target_date.isoformat() if row.target_date else "",
        }
        typed = (self.submitted or {}).get(row.uid) or {}
        for name, value in typed.items():
            current[name] = value if isinstance(value, str) else ""
        return current

    def row(self, row):
        values = self._values(row)
        errors = self.errors_by_row.get(row.uid, {})
        return {
            "row": row,
            "anchor": anchor(row.code),
            "shown": values,
            "errors": errors,
            "ids": {name: self.control_id(name, row.uid) for name in FIELDS},
            "not_applicable": values["applicability"] == "not_applicable",
            "owners": self.owner_options(row.owner),
            "light": LIGHT_LABELS.get(row.light, row.light),
            "evidence": self.evidence_text(row),
        }

    @staticmethod
    def evidence_text(row):
        """ "2 approved · 1 awaiting review", or that there is none."""
        parts = []
        if row.approved == 1:
            parts.append(_("sa_evidence_approved_one", default="1 approved"))
        elif row.approved:
            parts.append(
                Message(
                    _("sa_evidence_approved_many", default="${count} approved"),
                    mapping={"count": row.approved},
                )
            )
        if row.pending:
            parts.append(
                Message(
                    _("sa_evidence_pending", default="${count} awaiting review"),
                    mapping={"count": row.pending},
                )
            )
        if not parts:
            return [_("sa_evidence_none", default="No evidence yet")]
        return parts
