"""@@nr-macros: the add-on's template macros, used by its page templates."""

from Products.Five.browser import BrowserView


class MacrosView(BrowserView):
    """The add-on's template macros (``context/@@nr-macros/macros/tree``).

    Not a page: published directly, it is not found (as plone.app.z3cform's
    ``@@ploneform-macros`` is not a page either).
    """

    def __call__(self, *args, **kwargs):
        from zExceptions import NotFound

        raise NotFound("nr-macros")
