"""The evidence file over REST: an empty upload is called empty.

plone.restapi turns a file whose data is empty into "no file", so the evidence
would be refused for having neither a file, a link nor a note, which sends the
user looking in the wrong place. Here the same check as the forms' runs first.
"""

from collective.nrlabel.content.evidence import IEvidence
from collective.nrlabel.evidence.rules import check_upload
from plone.namedfile.interfaces import INamedField
from plone.restapi.deserializer.dxfields import NamedFieldDeserializer
from plone.restapi.interfaces import IFieldDeserializer
from zope.component import adapter
from zope.interface import implementer
from zope.publisher.interfaces.browser import IBrowserRequest

import codecs


@implementer(IFieldDeserializer)
@adapter(INamedField, IEvidence, IBrowserRequest)
class EvidenceFileDeserializer(NamedFieldDeserializer):
    def __call__(self, value):
        if isinstance(value, dict) and "data" in value:
            data = value.get("data") or ""
            if isinstance(data, str):
                data = data.encode("utf-8")
            if "encoding" in value:
                data = codecs.decode(data, value["encoding"])
            if not data:
                check_upload(self.field._type(data=b"", filename=value.get("filename")))
        return super().__call__(value)
