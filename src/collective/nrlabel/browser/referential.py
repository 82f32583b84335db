"""Views of a programme's referential: programme, theme/principle and criterion."""

from collective.nrlabel.programme_tree import count_by_type
from collective.nrlabel.programme_tree import referential_tree
from collective.nrlabel.referential.model import ReferentialError
from collective.nrlabel.referential.registry import get_referential
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView


class AboutView(BrowserView):
    """What the Label NR is, its 6 steps, and the public-procurement caveat."""


class ProgrammeView(BrowserView):
    @cached_property
    def tree(self):
        return referential_tree(self.context)

    @cached_property
    def counts(self):
        counts = count_by_type(self.tree)
        return {
            "themes": counts["nr_theme"],
            "principles": counts["nr_principle"],
            "criteria": counts["nr_criterion"],
        }

    @cached_property
    def referential_title(self):
        try:
            referential = get_referential(self.context.referential)
        except ReferentialError:
            return self.context.referential
        language = api.portal.get_current_language()[:2]
        return referential.text("title", language)

    def community_entry_date(self):
        value = self.context.community_entry_date
        return api.portal.get_localized_time(value.isoformat()) if value else None


class ReferentialNodeView(BrowserView):
    """A theme or principle with the items below it."""

    @cached_property
    def tree(self):
        return referential_tree(self.context)
