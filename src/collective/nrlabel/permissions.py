"""The add-on's permissions by title, for Python code (``api.user.has_permission``).

Their ids, for ZCML, are declared in permissions.zcml; who holds them is set by
rolemap.xml and the workflows. Plone's own are re-exported so that a view names
every permission it checks from one place.
"""

from Products.CMFCore.permissions import ModifyPortalContent  # noqa: F401
from Products.CMFCore.permissions import View  # noqa: F401


AddProgramme = "collective.nrlabel: Add Programme"
AddTheme = "collective.nrlabel: Add Theme"
AddPrinciple = "collective.nrlabel: Add Principle"
AddCriterion = "collective.nrlabel: Add Criterion"
ImportReferential = "collective.nrlabel: Import referential"
AddEvidence = "collective.nrlabel: Add Evidence"
SubmitEvidence = "collective.nrlabel: Submit evidence"
ReviewEvidence = "collective.nrlabel: Review evidence"
ReopenEvidence = "collective.nrlabel: Reopen evidence"
AddActionPlan = "collective.nrlabel: Add Action plan"
AddAction = "collective.nrlabel: Add Action"
AddAudit = "collective.nrlabel: Add Audit"
AddFinding = "collective.nrlabel: Add Finding"
ManageAudits = "collective.nrlabel: Manage audits"
ViewAuditorDownloads = "collective.nrlabel: View auditor downloads"
ViewDashboard = "collective.nrlabel: View dashboard"
DownloadAuditPack = "collective.nrlabel: Download audit pack"
# The self-assessment grid (@@nr-self-assessment): the lead's one page for every
# criterion; each row is still saved only where the user may modify the criterion.
SelfAssess = "collective.nrlabel: Self-assess"
# The referential's own text (titles, descriptions, codes, guidance) is the
# referential's, not the programme's: leads edit the self-assessment, never it.
EditReferentialText = "collective.nrlabel: Edit referential text"
