"""POST @workflow/<transition> on evidence.

plone.restapi answers a refused transition with 400 "No workflow provides …".
For evidence the refusal is a matter of rights (segregation of duties, the audit
freeze, the role), so it is answered 401 (anonymous) or 403 with the reason.
"""

from collective.nrlabel.evidence.rules import transition_refusal
from plone import api
from plone.restapi.services.workflow.transition import WorkflowTransition


class EvidenceTransition(WorkflowTransition):
    def reply(self):
        if self.transition is not None:
            refusal = transition_refusal(self.context, self.transition)
            if refusal is not None:
                anonymous = api.user.is_anonymous()
                if refusal.kind in ("unknown", "invalid"):
                    status, kind = 400, "WorkflowException"
                elif anonymous:
                    status, kind = 401, "Unauthorized"
                else:
                    status, kind = 403, "Forbidden"
                self.request.response.setStatus(status)
                return {
                    "error": {
                        "type": kind,
                        "message": api.portal.translate(refusal.reason),
                    }
                }
        return super().reply()
