"""Programmes in a multilingual site (plone.app.multilingual, "PAM").

A programme is one organisation's labelling effort: its self-assessment, evidence,
reviews, action plan and audits exist once. So the add-on's content is not
translated. An organisation that wants a programme in English creates it in the
English section (``/en``), where it is seeded with the English referential; the
add-on's own pages are in French and English whatever the programme's language.

- ``programme_language(programme)``: the language a programme is seeded in, from
  its own ``language``, else its place in the site (PAM's language root folders
  ``/fr`` and ``/en`` carry one), else the site's default.
- ``TRANSLATION_REFUSED``: why, in the user's language (browser/translation.py
  answers PAM's "Translate into" with it instead of an error).

The NR types do not have PAM's ``plone.translatable`` behaviour (the add-on's
types profile lists their behaviours; reinstalling the add-on sets them again).
If an integrator enables it anyway (PAM's install step adds it to every type that
exists when it runs), translating is still refused cleanly.
"""

from Acquisition import aq_base
from Acquisition import aq_chain
from collective.nrlabel import _
from collective.nrlabel.content.programme import DEFAULT_REFERENTIAL
from collective.nrlabel.programme_tree import criterion_by_code
from collective.nrlabel.referential.model import LANGUAGES
from collective.nrlabel.referential.model import ReferentialError
from collective.nrlabel.referential.registry import get_referential
from plone import api
from plone.base.interfaces import IPloneSiteRoot


TRANSLATION_REFUSED = _(
    "translation_refused",
    default="Label NR content is not translated: a programme is one organisation's "
    "labelling effort, with one self-assessment and one set of evidence. For a "
    "programme in another language, create a separate programme in that language's "
    "section of the site; it is seeded with the referential in that language.",
)


def own_language(obj) -> str:
    """The language ``obj`` itself declares ("" for none or language-neutral)."""
    value = getattr(aq_base(obj), "language", "") or ""
    return value if isinstance(value, str) else ""


def container_language(obj) -> str:
    """The language of the nearest container of ``obj`` that declares one, below
    the site root ("" if none does): under PAM, the language root folder's."""
    for item in aq_chain(obj)[1:]:
        if IPloneSiteRoot.providedBy(item):
            break
        language = own_language(item)
        if language:
            return language
    return ""


def programme_language(programme) -> str:
    """The language ``programme`` is seeded in: its own, else its container's,
    else the site's default ("fr" when the site has none)."""
    return (
        own_language(programme)
        or container_language(programme)
        or api.portal.get_default_language()
        or "fr"
    )


def record_language(programme, language: str) -> None:
    """Give a programme without a language the one its container gave it, so the
    catalog's ``Language`` (and PAM's lists) file it under its section. A
    programme on a site without language sections keeps none, as before."""
    if own_language(programme) or not container_language(programme):
        return
    programme.language = language


def _seeded_elsewhere(node, attribute, language):
    """The texts ``node`` was seeded with in languages other than ``language``."""
    return {node.text(attribute, other) for other in LANGUAGES if other != language} - {
        node.text(attribute, language)
    }


def retitle_in_own_language(programme) -> int:
    """Give ``programme``'s referential items the title and guidance of its
    language where they still hold the text seeded in another language: a
    programme added in ``/en`` before programmes were seeded in their section's
    language got French texts. Texts someone edited stay; codes, UIDs, evidence
    and assessments are untouched. Returns the number of items changed.
    """
    language = programme_language(programme).split("-")[0]
    try:
        referential = get_referential(programme.referential or DEFAULT_REFERENTIAL)
    except ReferentialError:
        return 0
    record_language(programme, language)
    changed = 0
    for node in referential.nodes:
        try:
            item = criterion_by_code(programme, node.code)
        except KeyError:
            continue
        touched = False
        if item.title in _seeded_elsewhere(node, "title", language):
            item.title = node.text("title", language)
            touched = True
        guidance = getattr(aq_base(item), "guidance", None)
        if guidance and guidance in _seeded_elsewhere(node, "guidance", language):
            item.guidance = node.text("guidance", language)
            touched = True
        if touched:
            item.reindexObject()
            changed += 1
    return changed


def retitle_programmes_in_their_language() -> int:
    """Upgrade step body: ``retitle_in_own_language`` for every programme."""
    return sum(
        retitle_in_own_language(brain._unrestrictedGetObject())
        for brain in api.content.find(portal_type="nr_programme", unrestricted=True)
    )
