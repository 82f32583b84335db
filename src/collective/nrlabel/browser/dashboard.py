"""The readiness dashboard: KPI cards that each lead to the list behind them,
charts readable on a phone, and the criteria matrix filtered by light, theme and
owner (``?light=red&theme=1&owner=jdoe``, anchored at ``#nr-matrix``)."""

from collective.nrlabel import _
from collective.nrlabel.audit.pack import may_download_pack
from collective.nrlabel.browser.charts import bar_chart
from collective.nrlabel.browser.charts import radar_chart
from collective.nrlabel.browser.display import level_sentence
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import localized_steps
from collective.nrlabel.browser.display import PageTranslator
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.content.action_plan import ACTION_PLAN_ID
from collective.nrlabel.exports import LIGHT_LABELS
from collective.nrlabel.labelling_steps import labelling_steps
from collective.nrlabel.permissions import ReviewEvidence
from collective.nrlabel.permissions import ViewDashboard
from collective.nrlabel.programme_tree import group_titles
from collective.nrlabel.readiness import filter_criteria
from collective.nrlabel.readiness import LIGHTS
from collective.nrlabel.readiness import matrix_filter_refusal
from collective.nrlabel.readiness import MATRIX_FILTERS
from collective.nrlabel.readiness import NOT_APPLICABLE
from collective.nrlabel.readiness import readiness
from collective.nrlabel.readiness import RED
from collective.nrlabel.scoring import assessments
from collective.nrlabel.settings import maturity_label
from collective.nrlabel.settings import maturity_levels
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView


# Declared by the self-assessment grid (permissions.zcml); until it exists the
# grid's link is simply not offered.
SELF_ASSESS = "collective.nrlabel: Self-assess"

# The matrix filters as the form labels them (not the URL's parameters).
FILTER_LABELS = {
    "light": _("column_readiness", default="Readiness"),
    "theme": _("column_theme", default="Theme"),
    "owner": _("column_owner", default="Owner"),
}


class DashboardView(BrowserView):
    """Thin: numbers come from ``readiness()``, the filter rule from
    ``readiness.filter_criteria``. A filter value the form never offers is
    answered 400 with the reason, not silently ignored."""

    filter_error = None

    def __call__(self):
        self.filters = self._read_filters()
        return self.index()

    def _read_filters(self):
        values = {}
        for name in MATRIX_FILTERS:
            value = self.request.form.get(name, "")
            if not isinstance(value, str):  # a repeated parameter
                return self._refuse(name, "…")
            values[name] = value.strip()
        refused = matrix_filter_refusal(self.result.criteria, **values)
        if refused:
            return self._refuse(refused, values[refused])
        return values

    def _refuse(self, name, value):
        self.filter_error = self.translate(
            _(
                "dashboard_error_filter",
                default="The criteria matrix has no filter '${name}' = '${value}'. "
                "Choose a value from the list.",
                mapping={
                    "name": self.translate(FILTER_LABELS[name]),
                    "value": value[:80],
                },
            )
        )
        self.request.response.setStatus(400)
        return dict.fromkeys(MATRIX_FILTERS, "")

    @cached_property
    def assessments(self):
        """The criteria's records, read once for readiness and the steps."""
        return assessments(self.context)

    @cached_property
    def result(self):
        return readiness(self.context, items=self.assessments)

    @cached_property
    def translate(self):
        return PageTranslator(self.request)

    @cached_property
    def titles(self):
        """Theme and principle titles by code."""
        return group_titles(self.context)

    # -- KPI cards -----------------------------------------------------------

    @cached_property
    def urls(self):
        """Where each KPI card leads: the list its number counts."""
        base = self.context.absolute_url()
        return {
            "uncovered": f"{base}/@@nr-dashboard?light={RED}#nr-matrix",
            "pending": f"{base}/@@nr-review-queue",
            "overdue": f"{base}/{ACTION_PLAN_ID}?show=overdue",
            "expiring": f"{base}/@@nr-expiring-evidence",
            "self_assessment": f"{base}/@@nr-self-assessment",
            "activity": f"{base}/@@nr-activity",
        }

    def uncovered_count(self):
        """Applicable criteria with no evidence at all (the red ones)."""
        return len(filter_criteria(self.result.criteria, light=RED))

    def score_sentence(self):
        return self.translate(level_sentence(self.result.score.progress))

    def may_review(self):
        return api.user.has_permission(ReviewEvidence, obj=self.context)

    def may_self_assess(self):
        try:
            return api.user.has_permission(SELF_ASSESS, obj=self.context)
        except Exception:  # the permission is not declared on this site (yet)
            return False

    def may_view_activity(self):
        return api.user.has_permission(ViewDashboard, obj=self.context)

    # -- charts ----------------------------------------------------------------

    def _covered_of(self, coverage):
        return self.translate(
            _(
                "dashboard_covered_of",
                default="${covered} of ${applicable}",
                mapping={
                    "covered": coverage.covered,
                    "applicable": coverage.applicable,
                },
            )
        )

    def theme_bars(self):
        return bar_chart(
            "nr-theme-bars",
            self.translate(_("chart_theme_readiness", default="Readiness by theme")),
            [
                (
                    (code, self.titles.get(code, code)),
                    cov.percent,
                    self._covered_of(cov),
                )
                for code, cov in self.result.by_theme.items()
            ],
        )

    def principle_bars(self):
        return bar_chart(
            "nr-principle-bars",
            self.translate(
                _("chart_principle_readiness", default="Readiness by principle")
            ),
            [
                (
                    (code, self.titles.get(code, code)),
                    cov.percent,
                    self._covered_of(cov),
                )
                for code, cov in self.result.by_principle.items()
            ],
        )

    def radar(self):
        return radar_chart(
            "nr-maturity-radar",
            self.translate(
                _("chart_maturity_radar", default="Self-assessment score by theme")
            ),
            [
                (
                    (code, self.titles.get(code, code)),
                    self.result.score.by_theme.get(code),
                )
                for code in self.result.by_theme
            ],
        )

    # -- the criteria matrix -------------------------------------------------

    @cached_property
    def matrix(self):
        """The criteria the filters keep ([] when a filter was refused)."""
        if self.filter_error:
            return []
        return filter_criteria(self.result.criteria, **self.filters)

    def filtered(self):
        return any(self.filters.values())

    def criteria(self):
        levels = self.levels
        return [
            {
                "c": c,
                "label": LIGHT_LABELS[c.light],
                "owner": user_name(c.owner) or "—",
                "maturity": self._maturity(c, levels),
                "evidence": self._evidence(c),
                "stale": self._stale(c),
            }
            for c in self.matrix
        ]

    @cached_property
    def column_labels(self):
        """The matrix's column names, which a phone shows above each cell."""
        return {
            "light": self.translate(FILTER_LABELS["light"]),
            "owner": self.translate(FILTER_LABELS["owner"]),
            "maturity": self.translate(_("label_maturity", default="Maturity")),
            "evidence": self.translate(_("column_evidence", default="Evidence")),
        }

    @cached_property
    def levels(self):
        return maturity_levels()

    def _maturity(self, c, levels):
        if c.light == NOT_APPLICABLE:
            return "—"
        if c.maturity is None:
            return self.translate(_("dashboard_not_assessed", default="Not assessed"))
        name = maturity_label(c.maturity, levels)
        return f"{c.maturity} — {name}" if name else str(c.maturity)

    def _stale(self, c):
        """ "Changed since approval" (with the count when more than one) for a
        criterion whose approved intranet evidence changed since (amber)."""
        count = getattr(c, "stale", 0)
        if not count:
            return ""
        if count == 1:
            return self.translate(
                _("badge_changed_since_approval", default="Changed since approval")
            )
        return self.translate(
            _(
                "dashboard_stale_many",
                default="${count} changed since approval",
                mapping={"count": count},
            )
        )

    def _evidence(self, c):
        """ "2 approved, 1 awaiting review" in the user's language."""
        parts = []
        if c.approved == 1:
            parts.append(_("dashboard_approved_one", default="1 approved"))
        elif c.approved:
            parts.append(
                _(
                    "dashboard_approved",
                    default="${count} approved",
                    mapping={"count": c.approved},
                )
            )
        if c.pending:
            parts.append(
                _(
                    "dashboard_pending",
                    default="${count} awaiting review",
                    mapping={"count": c.pending},
                )
            )
        if not parts:
            return self.translate(_("dashboard_no_evidence", default="None"))
        return ", ".join(self.translate(part) for part in parts)

    def filter_options(self):
        """The choices of each filter, with the current one marked."""
        owners = {c.owner for c in self.result.criteria if c.owner}
        owners.add(self.filters["owner"])
        owners.discard("")
        people = sorted(
            ((o, user_name(o)) for o in owners), key=lambda p: p[1].casefold()
        )
        themes = [
            (code, f"{code} {self.titles.get(code, code)}")
            for code in self.result.by_theme
        ]
        lights = [(light, self.translate(LIGHT_LABELS[light])) for light in LIGHTS]
        return {
            name: [
                {"value": v, "title": t, "selected": v == self.filters[name]}
                for v, t in pairs
            ]
            for name, pairs in (("light", lights), ("theme", themes), ("owner", people))
        }

    def maturity_legend(self):
        return list(enumerate(self.levels))

    # -- the rest ----------------------------------------------------------------

    @cached_property
    def reference_date(self):
        return localized(self.result.reference_date)

    def steps(self):
        return localized_steps(labelling_steps(self.context, items=self.assessments))

    def can_download_pack(self):
        return may_download_pack(self.context)
