"""Named vocabularies of the add-on (``collective.nrlabel.*``).

Schemas, views and exports look them up by name, so an integrator can override one
(an ``overrides.zcml`` utility of the same name) to rename a kind of evidence or
add a priority without touching the add-on. Titles are message ids, translated
where they are shown.
"""

from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


def vocabulary_of(*terms) -> SimpleVocabulary:
    """A vocabulary from (value, title) pairs; the value is its own token."""
    return SimpleVocabulary([SimpleTerm(value, value, title) for value, title in terms])


def term_title(name: str, value, context=None):
    """The title of ``value`` in the named vocabulary, or the value itself."""
    vocabulary = getUtility(IVocabularyFactory, name=name)(context)
    return vocabulary.getTerm(value).title if value in vocabulary else value or ""
