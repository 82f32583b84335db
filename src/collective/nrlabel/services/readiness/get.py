"""GET @nr-readiness on a programme: the dashboard's numbers as JSON."""

from collective.nrlabel.readiness import readiness
from plone.restapi.services import Service


class ReadinessGet(Service):
    def reply(self):
        data = readiness(self.context).as_dict()
        return {"@id": f"{self.context.absolute_url()}/@nr-readiness", **data}
