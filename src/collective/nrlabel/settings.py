"""The add-on's settings, kept in the Plone registry and edited in a control panel."""

from collective.nrlabel import _
from plone import api
from zope import schema
from zope.interface import Interface
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


PREFIX = "collective.nrlabel"


class INRLabelSettings(Interface):
    """Settings of collective.nrlabel (registry prefix ``collective.nrlabel``)."""

    max_upload_mb = schema.Int(
        title=_("label_max_upload_mb", default="Maximum size of an evidence file (MB)"),
        description=_(
            "help_max_upload_mb",
            default="Larger files are refused with a message. Your web server may "
            "have its own limit.",
        ),
        default=50,
        min=1,
        max=2048,
        required=True,
    )

    allowed_extensions = schema.List(
        title=_(
            "label_allowed_extensions",
            default="File types accepted as evidence (extensions)",
        ),
        description=_(
            "help_allowed_extensions",
            default="One extension per line, without the dot. Files of other types "
            "are refused with a message naming the accepted ones.",
        ),
        value_type=schema.ASCIILine(),
        default=[
            "pdf",
            "odt",
            "ods",
            "odp",
            "doc",
            "docx",
            "xls",
            "xlsx",
            "ppt",
            "pptx",
            "rtf",
            "txt",
            "md",
            "csv",
            "html",
            "xml",
            "json",
            "png",
            "jpg",
            "jpeg",
            "gif",
            "webp",
            "svg",
            "zip",
            "7z",
            "gz",
            "tar",
            "eml",
            "msg",
        ],
        min_length=1,
        required=True,
    )

    import_max_mb = schema.Int(
        title=_(
            "label_import_max_mb",
            default="Maximum size of a referential file to import (MB)",
        ),
        default=5,
        min=1,
        max=100,
        required=True,
    )

    import_max_rows = schema.Int(
        title=_(
            "label_import_max_rows",
            default="Maximum number of rows or items in a referential file",
        ),
        description=_(
            "help_import_max_rows",
            default="Themes, principles and criteria together. The Label NR has 66; "
            "the largest known referentials have a few hundred.",
        ),
        default=5000,
        min=10,
        max=100000,
        required=True,
    )

    import_max_depth = schema.Int(
        title=_(
            "label_import_max_depth",
            default="Maximum nesting depth of a referential file",
        ),
        default=20,
        min=5,
        max=100,
        required=True,
    )

    maturity_levels = schema.List(
        title=_("label_maturity_levels", default="Maturity scale"),
        description=_(
            "help_maturity_levels",
            default="One level per line, from the lowest (0) to the highest.",
        ),
        value_type=schema.TextLine(),
        # Shown translated while it is the shipped scale: see maturity_levels().
        default=["Non engagé", "Initié", "Déployé", "Maîtrisé"],
        min_length=2,
        required=True,
    )

    level_thresholds = schema.List(
        title=_(
            "label_level_thresholds", default="Level thresholds (score out of 1000)"
        ),
        description=_(
            "help_level_thresholds",
            default="The lowest score of level 1, then of level 2, and so on.",
        ),
        value_type=schema.Int(min=0, max=1000),
        default=[300, 500],
        required=True,
    )

    validity_years = schema.Int(
        title=_("label_validity_years", default="Label validity (years)"),
        description=_(
            "help_validity_years",
            default="How long a granted label is valid before renewal.",
        ),
        default=3,
        min=1,
        max=10,
        required=True,
    )

    reminder_days = schema.Int(
        title=_(
            "label_reminder_days",
            default="Remind about evidence expiring within (days)",
        ),
        description=_(
            "help_reminder_days",
            default="Approved evidence expiring within this many days, or before "
            'the end of the next audit, is marked "Expires soon" and reminded '
            "by mail.",
        ),
        default=30,
        min=1,
        max=365,
        required=True,
    )


def get_setting(name):
    """A setting's value, or its default when the registry has no record yet."""
    value = api.portal.get_registry_record(f"{PREFIX}.{name}", default=None)
    if value is None:
        value = INRLabelSettings[name].default
    return value


# The shipped maturity scale, as msgids: shown in each user's language.
DEFAULT_MATURITY_LEVELS = (
    _("maturity_level_0", default="Not engaged"),
    _("maturity_level_1", default="Initiated"),
    _("maturity_level_2", default="Deployed"),
    _("maturity_level_3", default="Mastered"),
)
# The shipped scale as the registry holds it (French, the field's default) or as a
# Manager may have typed it in English: either is the shipped scale.
SHIPPED_MATURITY_SCALES = (
    ("Non engagé", "Initié", "Déployé", "Maîtrisé"),
    ("Not engaged", "Initiated", "Deployed", "Mastered"),
)


def maturity_levels(language=None):
    """The maturity scale's labels, lowest first.

    The shipped scale is translated (into ``language``, else the request's
    language); a scale the Manager wrote in the control panel is shown as typed.
    """
    levels = list(get_setting("maturity_levels"))
    if tuple(levels) not in SHIPPED_MATURITY_SCALES:
        return levels
    return [api.portal.translate(m, lang=language) for m in DEFAULT_MATURITY_LEVELS]


def maturity_label(maturity, levels) -> str:
    """The name of level ``maturity`` on the scale ``levels`` ("" for none, or
    for a level the scale no longer has after the Manager shortened it)."""
    if maturity is None or not 0 <= maturity < len(levels):
        return ""
    return levels[maturity]


@provider(IVocabularyFactory)
def maturity_vocabulary(context):
    """The maturity scale of the control panel: value = level number."""
    return SimpleVocabulary(
        [
            SimpleTerm(value=level, token=str(level), title=f"{level} — {label}")
            for level, label in enumerate(maturity_levels())
        ]
    )
