"""Evidence: invariants, uploads, segregation of duties, reasons, mails, relations."""

from collective.nrlabel.content.evidence import IEvidence
from collective.nrlabel.evidence.queries import evidence_of_criterion
from collective.nrlabel.evidence.rules import check_upload
from collective.nrlabel.evidence.rules import safe_filename
from collective.nrlabel.evidence.rules import UploadRefused
from datetime import date
from nr_setup import add_evidence
from nr_setup import evidence_in_state
from nr_setup import pdf
from nr_setup import transition
from plone import api
from plone.api.exc import InvalidParameterError
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile
from Products.CMFCore.WorkflowCore import WorkflowException
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.i18n import translate
from zope.interface import Invalid
from zope.intid.interfaces import IIntIds

import pytest


# plone.api reports a transition the user may not take as an invalid parameter.
REFUSED = (WorkflowException, InvalidParameterError)


@pytest.fixture
def mailhost(portal):
    mailhost = portal.MailHost
    mailhost.reset()
    return mailhost


class Data:
    """An object with the evidence fields, as forms and the REST API validate them."""

    def __init__(self, **fields):
        self.file = self.link = self.note = None
        self.document_date = date(2026, 1, 10)
        self.valid_until = None
        self.__dict__.update(fields)


class TestInvariants:
    def test_one_of_each_is_fine(self, portal):
        IEvidence.validateInvariants(Data(file=pdf()))
        IEvidence.validateInvariants(Data(link="https://example.org/politique"))
        IEvidence.validateInvariants(Data(note=RichTextValue("<p>Charte signée</p>")))

    @pytest.mark.parametrize(
        "fields",
        [
            {},
            {"note": RichTextValue("")},
            {"file": "pdf", "link": "https://example.org"},
            {"link": "https://example.org", "note": RichTextValue("<p>x</p>")},
        ],
        ids=["nothing", "empty note", "file and link", "link and note"],
    )
    def test_exactly_one_content(self, portal, fields):
        if fields.get("file") == "pdf":
            fields = dict(fields, file=pdf())
        with pytest.raises(Invalid) as raised:
            IEvidence.validateInvariants(Data(**fields))
        assert "exactly one of a file, a link, a note or an intranet item" in translate(
            raised.value.args[0]
        )

    @pytest.mark.parametrize("until", [date(2026, 1, 10), date(2025, 12, 31)])
    def test_valid_until_after_document_date(self, portal, until):
        with pytest.raises(Invalid) as raised:
            IEvidence.validateInvariants(Data(file=pdf(), valid_until=until))
        assert "must be after the document date" in translate(raised.value.args[0])


class TestUploads:
    def test_empty_file_refused(self, portal):
        with pytest.raises(UploadRefused, match="empty"):
            check_upload(NamedBlobFile(data=b"", filename="vide.pdf"))

    def test_limit_from_control_panel(self, portal):
        api.portal.set_registry_record("collective.nrlabel.max_upload_mb", 1)
        assert check_upload(pdf(size=1024 * 1024 - 100))
        with pytest.raises(UploadRefused) as raised:
            check_upload(pdf(size=1024 * 1024 + 1))
        assert "maximum is ${limit} MB" in raised.value.args[0].default
        assert raised.value.args[0].mapping["limit"] == 1

    def test_default_limit_is_50_mb(self, portal):
        assert api.portal.get_registry_record("collective.nrlabel.max_upload_mb") == 50

    @pytest.mark.parametrize(
        "raw, clean",
        [
            ("../../etc/passwd", "passwd"),
            ("C:\\Users\\emma\\Charte NR.pdf", "Charte NR.pdf"),
            ('rapport<2026>:"final"?.pdf', "rapport_2026_final_.pdf"),
            ("  politique\tnumérique  .docx", "politique numérique .docx"),
            ("...", "file"),
            ("bilan\x00\x07carbone.xlsx", "bilancarbone.xlsx"),
        ],
    )
    def test_safe_filename(self, raw, clean):
        assert safe_filename(raw) == clean

    def test_file_name_sanitised_on_save(self, criterion):
        evidence = add_evidence(
            criterion, file=pdf(name="../secret/Plan d'action?.pdf")
        )
        assert evidence.file.filename == "Plan d'action_.pdf"


class TestSegregationOfDuties:
    @pytest.mark.parametrize("author", ["author", "lead"])
    def test_author_cannot_approve_own_evidence(self, criterion, author):
        evidence = add_evidence(criterion, user_id=author)
        transition(evidence, author, "submit")
        for action in ("approve", "reject"):
            with pytest.raises(REFUSED):
                transition(evidence, author, action, comment="moi")
        assert api.content.get_state(evidence) == "pending"

    def test_submitter_cannot_approve(self, criterion):
        """The NR lead submits an editor's draft: neither may approve it."""
        evidence = add_evidence(criterion, user_id="author")
        transition(evidence, "lead", "submit")
        with pytest.raises(REFUSED):
            transition(evidence, "lead", "approve")
        transition(evidence, "reviewer", "approve")
        assert api.content.get_state(evidence) == "approved"

    def test_reviewer_approves_and_is_recorded(self, criterion):
        evidence = evidence_in_state(criterion, "approved")
        last = evidence.workflow_history["nr_evidence_workflow"][-1]
        assert (last["action"], last["actor"]) == ("approve", "reviewer")
        brain = api.content.find(UID=evidence.UID())[0]
        assert brain.nr_approver == "reviewer"
        assert brain.nr_submitter == "author"

    def test_manager_may_approve_own_and_history_says_so(self, criterion):
        evidence = add_evidence(criterion, user_id="manager")
        transition(evidence, "manager", "submit")
        transition(evidence, "manager", "approve", comment="Urgent")
        assert api.content.get_state(evidence) == "approved"
        comment = evidence.workflow_history["nr_evidence_workflow"][-1]["comments"]
        assert comment.startswith("Urgent — ")
        assert "Manager" in comment


class TestRejection:
    def test_reason_required(self, criterion):
        evidence = evidence_in_state(criterion, "pending")
        with pytest.raises(WorkflowException, match="reason is required"):
            transition(evidence, "reviewer", "reject", comment="   ")
        assert api.content.get_state(evidence) == "pending"

    def test_reject_then_revise(self, criterion):
        evidence = evidence_in_state(criterion, "rejected")
        transition(evidence, "author", "revise")
        assert api.content.get_state(evidence) == "draft"


class TestSupportedCriteria:
    def test_evidence_listed_on_the_criteria_it_supports(self, programme, criterion):
        other = programme["2"]["2.1"]["2.1.1"]
        intids = getUtility(IIntIds)
        evidence = add_evidence(
            criterion, supported_criteria=[RelationValue(intids.getId(other))]
        )
        evidence.reindexObject()
        assert [b.UID for b in evidence_of_criterion(other)] == [evidence.UID()]
        assert [b.UID for b in evidence_of_criterion(criterion)] == [evidence.UID()]
        assert not evidence_of_criterion(programme["2"]["2.1"]["2.1.2"])


class TestVersioning:
    def test_file_history_kept(self, criterion):
        evidence = add_evidence(criterion, file=pdf(name="v1.pdf"))
        repository = api.portal.get_tool("portal_repository")
        repository.save(evidence, comment="v1")
        evidence.file = pdf(name="v2.pdf", size=4096)
        repository.save(evidence, comment="v2")
        length = repository.getHistoryMetadata(evidence).getLength(countPurged=False)
        names = [
            repository.retrieve(evidence, i).object.file.filename for i in range(length)
        ]
        assert names[0] == "v1.pdf"
        assert names[-1] == "v2.pdf"
        assert len(names) >= 2
