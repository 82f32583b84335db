"""The readiness dashboard."""

from collective.nrlabel import _
from collective.nrlabel.audit.pack import may_download_pack
from collective.nrlabel.browser.charts import bar_chart
from collective.nrlabel.browser.charts import radar_chart
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import localized_steps
from collective.nrlabel.exports import LIGHT_LABELS
from collective.nrlabel.labelling_steps import labelling_steps
from collective.nrlabel.readiness import readiness
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView


class DashboardView(BrowserView):
    @cached_property
    def result(self):
        return readiness(self.context)

    def translate(self, message):
        return api.portal.translate(message)

    @cached_property
    def titles(self):
        """Theme and principle titles by code (from the criteria's tree)."""
        from collective.nrlabel.programme_tree import referential_tree

        titles = {}
        stack = list(referential_tree(self.context))
        while stack:
            node = stack.pop()
            titles[node.code] = node.title
            stack.extend(c for c in node.children if c.portal_type != "nr_criterion")
        return titles

    def theme_rows(self):
        return [
            {
                "code": code,
                "title": self.titles.get(code, code),
                "percent": coverage.percent,
                "covered": coverage.covered,
                "applicable": coverage.applicable,
                "score": self.result.score.by_theme.get(code),
            }
            for code, coverage in self.result.by_theme.items()
        ]

    def theme_bars(self):
        return bar_chart(
            "nr-theme-bars",
            self.translate(_("chart_theme_readiness", default="Readiness by theme")),
            [(f"{r['code']} {r['title']}", r["percent"]) for r in self.theme_rows()],
        )

    def principle_bars(self):
        return bar_chart(
            "nr-principle-bars",
            self.translate(
                _("chart_principle_readiness", default="Readiness by principle")
            ),
            [
                (f"{code} {self.titles.get(code, code)}", coverage.percent)
                for code, coverage in self.result.by_principle.items()
            ],
        )

    def radar(self):
        return radar_chart(
            "nr-maturity-radar",
            self.translate(
                _("chart_maturity_radar", default="Self-assessment score by theme")
            ),
            [(f"{r['code']} {r['title']}", r["score"]) for r in self.theme_rows()],
        )

    def criteria(self):
        return [{"c": c, "label": LIGHT_LABELS[c.light]} for c in self.result.criteria]

    def reference_date(self):
        return localized(self.result.reference_date)

    def steps(self):
        return localized_steps(labelling_steps(self.context))

    def can_download_pack(self):
        return may_download_pack(self.context)
