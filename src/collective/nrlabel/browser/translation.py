"""plone.app.multilingual's "Translate into" on Label NR content: a clean
refusal with the reason, never an error page.

PAM translates an item by sending the browser to ``@@create_translation`` on it,
then to ``++addtranslation++<uid>`` in the target language's folder. On NR content
that either does not exist (the NR types are not translatable: 404) or fails deep
in PAM (an NR criterion may not be added to ``/en``: "Disallowed subobject type").
Both are answered here, on the add-on's layer, with ``TRANSLATION_REFUSED`` (see
multilingual.py for why programmes are not translated); every other item is
translated by PAM as before.
"""

from collective.nrlabel.multilingual import TRANSLATION_REFUSED
from collective.nrlabel.nr_content import is_nr_content
from plone import api
from plone.app.multilingual.browser.add import AddViewTraverser
from plone.app.multilingual.browser.translate import TranslationForm
from Products.Five.browser import BrowserView
from zExceptions import NotFound


def refuse(context, request, target=None):
    """Tell the user why, and send them back to ``target`` (else ``context``)."""
    api.portal.show_message(
        message=TRANSLATION_REFUSED, request=request, type="warning"
    )
    return request.response.redirect((target or context).absolute_url())


class RefusingTranslationForm(TranslationForm):
    """PAM's ``@@create_translation``, refused on NR content (for an NR type
    an integrator made translatable)."""

    def __call__(self):
        if is_nr_content(self.context):
            return refuse(self.context, self.request)
        return super().__call__()


class UntranslatableForm(BrowserView):
    """``@@create_translation`` on content PAM does not translate: on NR content
    the reason; on anything else, not found, as without the add-on."""

    def __call__(self):
        if is_nr_content(self.context):
            return refuse(self.context, self.request)
        raise NotFound(self.context, "create_translation", self.request)


class RefusingAddViewTraverser(AddViewTraverser):
    """PAM's ``++addtranslation++<uid>``, refused when ``<uid>`` is NR content."""

    def traverse(self, name, ignored):
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog.unrestrictedSearchResults(UID=name)
        if len(brains) == 1 and is_nr_content(brains[0]._unrestrictedGetObject()):
            refuse(self.context, self.request)
            return ""
        return super().traverse(name, ignored)
