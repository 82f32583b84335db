"""The vocabulary of referentials a new programme can be created from."""

from collective.nrlabel.referential.registry import available_referentials
from plone import api
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


@provider(IVocabularyFactory)
def referentials_vocabulary(context):
    language = api.portal.get_current_language()[:2]
    return SimpleVocabulary(
        [
            SimpleTerm(
                value=referential.id,
                token=referential.id,
                title=f"{referential.text('title', language)} ({referential.version})",
            )
            for referential in available_referentials().values()
        ]
    )
