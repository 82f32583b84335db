"""plone.app.iterate's views on NR content: the check-out and check-in actions
are never offered, and the forms answer 403 with the reason (the rule is in
``working_copies.py``)."""

from collective.nrlabel.working_copies import refusal_message
from plone import api
from plone.app.iterate.browser.control import Control
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import Unauthorized


class NoWorkingCopyControl(Control):
    """``@@iterate_control`` for NR content: the object_buttons' conditions
    (``iterate_checkout``, ``iterate_checkin``) and plone.restapi's
    ``@workingcopy`` ask it. Cancelling an old working copy stays allowed."""

    def checkout_allowed(self):
        return False

    def checkin_allowed(self):
        return False


class RefusedWorkingCopy(BrowserView):
    """``@@content-checkout`` and ``@@content-checkin`` on NR content: a page
    saying why (403), never a copy."""

    index = ViewPageTemplateFile("templates/no_working_copy.pt")
    checkin = False

    def __call__(self):
        if api.user.is_anonymous():
            raise Unauthorized(refusal_message(self.checkin))
        self.message = refusal_message(self.checkin)
        self.request.response.setStatus(403)
        return self.index()


class RefusedCheckin(RefusedWorkingCopy):
    checkin = True
