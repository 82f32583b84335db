"""What an auditor may see of a programme during the audit window, in one place.

The auditor judges the organisation's claims, not its back office. The overview
therefore shows readiness as ``readiness.readiness()`` computes it (the one
computation: coverage, lights and score never differ from the dashboard's) and
the approved evidence behind it, and leaves out every internal-only number: no
pending reviews or pending counts, no drafts, no rejected evidence, no overdue
actions, no owners.

The NR lead previews the same page: everything here is computed from approved
evidence only, so that the lead sees exactly what the auditor will see, whatever
else the lead may read.
"""

from collective.nrlabel import clock
from collective.nrlabel.readiness import AMBER
from collective.nrlabel.readiness import readiness
from collective.nrlabel.readiness import RED
from collective.nrlabel.relations import related_object
from collective.nrlabel.scoring import code_sort_key
from collective.nrlabel.settings import maturity_label
from collective.nrlabel.settings import maturity_levels
from collective.nrlabel.vocabularies import term_title
from dataclasses import dataclass
from dataclasses import field
from plone import api


GAP_LIGHTS = (RED, AMBER)


@dataclass(frozen=True)
class EvidenceLink:
    """Approved evidence supporting a criterion; ``reused`` when it is attached
    to another criterion and supports this one too ("also supports")."""

    title: str
    url: str
    valid_until: str | None
    reused: bool = False
    home_code: str = ""


@dataclass(frozen=True)
class CriterionStatus:
    code: str
    title: str
    url: str
    theme: str
    principle: str | None
    light: str
    applicable: bool
    justification: str
    maturity: int | None
    maturity_label: str
    approved: int
    evidence: tuple = ()


@dataclass
class GroupCoverage:
    """A theme or a principle: its coverage and what lies below it."""

    code: str
    title: str
    covered: int
    applicable: int
    percent: int | None
    principles: list = field(default_factory=list)  # themes only
    criteria: list = field(default_factory=list)  # CriterionStatus


@dataclass(frozen=True)
class FindingItem:
    title: str
    url: str
    type_title: object
    text: str
    criterion_code: str
    criterion_title: str
    audit_title: str


@dataclass
class AuditorOverview:
    reference_date: str
    covered: int
    applicable: int
    percent: int | None
    score: object  # scoring.ScoreReport
    themes: list
    criteria: list
    gaps: list
    findings: list


def auditor_light(criterion) -> str:
    """The light as approved evidence alone sets it.

    Readiness turns a criterion amber when evidence waits for review; that says
    something is pending, an internal-only fact. Without approved evidence such a
    criterion has nothing to show an auditor: red. Amber stays for approved
    evidence that lapses before the end of the audit window.
    """
    if criterion.light == AMBER and not criterion.approved:
        return RED
    return criterion.light


def auditor_overview(programme, on=None) -> AuditorOverview:
    """What an auditor may see of ``programme`` (as the current user sees it)."""
    on = on or clock.today()
    result = readiness(programme, on)
    records = _criterion_records(programme)
    evidence = _approved_evidence(programme, records, on.isoformat())
    levels = maturity_levels()
    criteria = [
        _criterion_status(c, records.get(c.code), evidence, levels)
        for c in result.criteria
    ]
    return AuditorOverview(
        reference_date=result.reference_date,
        covered=result.total.covered,
        applicable=result.total.applicable,
        percent=result.total.percent,
        score=result.score,
        themes=_themes(programme, result, criteria),
        criteria=criteria,
        gaps=[c for c in criteria if c.applicable and c.light in GAP_LIGHTS],
        findings=findings(programme),
    )


@dataclass(frozen=True)
class _Record:
    uid: str
    path: str
    justification: str


def _criterion_records(programme) -> dict:
    """Criteria by code: UID, path and, for those that do not apply, the
    justification (the only objects woken up: usually a handful)."""
    records = {}
    for brain in api.content.find(
        portal_type="nr_criterion", path="/".join(programme.getPhysicalPath())
    ):
        justification = ""
        if brain.nr_applicable is False:
            justification = brain.getObject().justification or ""
        records[brain.nr_code] = _Record(brain.UID, brain.getPath(), justification)
    return records


def _approved_evidence(programme, records, today) -> dict:
    """Approved evidence valid today, by criterion UID, each listed under every
    criterion it supports (``nr_criteria``: its own, then "also supports"), as
    readiness counts it."""
    code_of_path = {r.path: code for code, r in records.items()}
    found = {}
    for brain in api.content.find(
        portal_type="nr_evidence",
        review_state="approved",
        path="/".join(programme.getPhysicalPath()),
        sort_on="sortable_title",
    ):
        until = brain.nr_valid_until
        if until and until < today:
            continue  # expired: covers nothing (readiness skips it too)
        home = brain.getPath().rsplit("/", 1)[0]
        for uid in brain.nr_criteria or ():
            home_record = records.get(code_of_path.get(home, ""))
            reused = home_record is None or home_record.uid != uid
            found.setdefault(uid, []).append(
                EvidenceLink(
                    title=brain.Title,
                    url=brain.getURL(),
                    valid_until=until,
                    reused=reused,
                    home_code=code_of_path.get(home, "") if reused else "",
                )
            )
    return found


def _criterion_status(c, record, evidence, levels) -> CriterionStatus:
    links = tuple(evidence.get(record.uid, ())) if record is not None else ()
    maturity = c.maturity
    label = maturity_label(maturity, levels)
    return CriterionStatus(
        code=c.code,
        title=c.title,
        url=c.url,
        theme=c.theme,
        principle=c.principle,
        light=auditor_light(c),
        applicable=c.applicable,
        justification="" if c.applicable or record is None else record.justification,
        maturity=maturity,
        maturity_label=label,
        approved=c.approved,
        evidence=links,
    )


def _titles(programme) -> dict:
    """Theme and principle titles by code: one catalog query."""
    return {
        brain.nr_code: brain.Title
        for brain in api.content.find(
            portal_type=("nr_theme", "nr_principle"),
            path="/".join(programme.getPhysicalPath()),
        )
    }


def _themes(programme, result, criteria) -> list:
    """Themes in referential order, each with its principles and criteria
    (criteria sitting directly in a theme are listed on the theme)."""
    titles = _titles(programme)

    def group(code, coverage):
        return GroupCoverage(
            code=code,
            title=titles.get(code, code),
            covered=coverage.covered,
            applicable=coverage.applicable,
            percent=coverage.percent,
        )

    themes = {
        code: group(code, cov)
        for code, cov in sorted(
            result.by_theme.items(), key=lambda kv: code_sort_key(kv[0] or "")
        )
    }
    principles = {code: group(code, cov) for code, cov in result.by_principle.items()}
    for c in criteria:
        theme = themes.get(c.theme)
        if theme is None:
            continue
        principle = principles.get(c.principle)
        if principle is None:
            theme.criteria.append(c)
            continue
        if principle not in theme.principles:
            theme.principles.append(principle)
        principle.criteria.append(c)
    return list(themes.values())


def findings(programme) -> list:
    """The findings of the programme's audits, audit by audit."""
    rows = []
    for brain in api.content.find(
        portal_type="nr_finding",
        path="/".join(programme.getPhysicalPath()),
        sort_on="path",
    ):
        finding = brain.getObject()
        criterion = related_object(finding.criterion)
        rows.append(
            FindingItem(
                title=brain.Title,
                url=brain.getURL(),
                type_title=term_title(
                    "collective.nrlabel.FindingTypes", finding.finding_type
                ),
                text=finding.text or "",
                criterion_code=getattr(criterion, "code", "") or "",
                criterion_title=criterion.Title() if criterion is not None else "",
                audit_title=finding.__parent__.Title(),
            )
        )
    return rows
