"""POST @tus-upload on a criterion and @tus-replace on evidence: refused.

plone.restapi's resumable uploads create or replace content from the file and a
few metadata, skipping the schema: evidence would have no title, no document
date, and its file would escape the type and size checks. Evidence is added with
POST (JSON or multipart), through the same schema as the forms.
"""

from collective.nrlabel import _
from plone import api
from plone.restapi.services import Service


class EvidenceTUSRefused(Service):
    def reply(self):
        self.request.response.setStatus(400)
        return {
            "error": {
                "type": "BadRequest",
                "message": api.portal.translate(
                    _(
                        "error_tus_evidence",
                        default="Resumable (TUS) uploads are not accepted for "
                        "evidence: add it with a title, a document date and its file "
                        "in one request (POST with JSON or multipart).",
                    )
                ),
            }
        }
