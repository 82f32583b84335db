"""``@workingcopy`` (plone.restapi) on NR content: POST (check out) and PATCH
(check in) answer 403 with the reason in the user's language (401 when
anonymous); nothing is copied or replaced. GET and DELETE (cancel an old working
copy) stay plone.restapi's."""

from collective.nrlabel.working_copies import refusal_message
from plone import api
from plone.restapi.services import Service


class RefuseWorkingCopy(Service):
    checkin = False

    def reply(self):
        anonymous = api.user.is_anonymous()
        self.request.response.setStatus(401 if anonymous else 403)
        return {
            "error": {
                "type": "Unauthorized" if anonymous else "Forbidden",
                "message": refusal_message(self.checkin),
            }
        }


class RefuseCheckin(RefuseWorkingCopy):
    checkin = True
