"""The fixed choices of the add-on's schemas, as named vocabulary factories."""

from collective.nrlabel import _
from collective.nrlabel.vocabularies import vocabulary_of
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory


@provider(IVocabularyFactory)
def evidence_kinds(context):
    """collective.nrlabel.EvidenceKinds: what a piece of evidence is."""
    return vocabulary_of(
        ("policy", _("kind_policy", default="Policy")),
        ("procedure", _("kind_procedure", default="Procedure")),
        ("record", _("kind_record", default="Record")),
        ("report", _("kind_report", default="Report")),
        ("training", _("kind_training", default="Training")),
        ("communication", _("kind_communication", default="Communication")),
        ("contract", _("kind_contract", default="Contract")),
        ("other", _("kind_other", default="Other")),
    )


@provider(IVocabularyFactory)
def applicability(context):
    """collective.nrlabel.Applicability: whether a criterion applies (self-assessment)."""
    return vocabulary_of(
        ("applicable", _("applicable", default="Applicable")),
        ("not_applicable", _("not_applicable", default="Not applicable")),
    )


@provider(IVocabularyFactory)
def audit_kinds(context):
    """collective.nrlabel.AuditKinds: the labelling cycle an audit belongs to."""
    return vocabulary_of(
        ("initial", _("audit_initial", default="Initial labelling")),
        ("renewal", _("audit_renewal", default="Renewal")),
        ("follow_up", _("audit_follow_up", default="Follow-up")),
    )


@provider(IVocabularyFactory)
def finding_types(context):
    """collective.nrlabel.FindingTypes: an auditor's finding on a criterion."""
    return vocabulary_of(
        ("strength", _("finding_strength", default="Strength")),
        ("observation", _("finding_observation", default="Observation")),
        ("minor_nc", _("finding_minor_nc", default="Minor non-conformity")),
        ("major_nc", _("finding_major_nc", default="Major non-conformity")),
    )


@provider(IVocabularyFactory)
def action_priorities(context):
    """collective.nrlabel.ActionPriorities."""
    return vocabulary_of(
        ("high", _("priority_high", default="High")),
        ("normal", _("priority_normal", default="Normal")),
        ("low", _("priority_low", default="Low")),
    )


@provider(IVocabularyFactory)
def action_origins(context):
    """collective.nrlabel.ActionOrigins: where an action of the plan comes from."""
    return vocabulary_of(
        ("self_assessment", _("origin_self_assessment", default="Self-assessment")),
        ("internal_review", _("origin_internal_review", default="Internal review")),
        ("audit_finding", _("origin_audit_finding", default="Audit finding")),
    )


@provider(IVocabularyFactory)
def referential_languages(context):
    """collective.nrlabel.ReferentialLanguages: the language of an imported
    referential's texts that do not say theirs."""
    return vocabulary_of(
        ("fr", _("language_fr", default="French")),
        ("en", _("language_en", default="English")),
    )
