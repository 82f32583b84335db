"""Self-assessment score and predicted level, from the catalog only.

score = 1000 × mean(maturity / highest level) over applicable criteria; a criterion
not yet assessed counts as 0. It is an estimate to prepare the audit: the official
grid belongs to Agence LUCIE.
"""

from collections.abc import Iterable
from collections.abc import Sequence
from collective.nrlabel.index_sets import IndexSets
from collective.nrlabel.settings import get_setting
from dataclasses import dataclass
from dataclasses import field
from plone.api.types import Content


REFERENTIAL_TYPES = ("nr_theme", "nr_principle", "nr_criterion")


@dataclass(frozen=True)
class CriterionAssessment:
    code: str
    title: str
    url: str
    uid: str
    theme: str
    principle: str | None
    applicable: bool
    maturity: int | None
    owner: str | None = None
    needs_reconfirmation: bool = False


@dataclass(frozen=True)
class LevelProgress:
    """Where a score stands on the level thresholds: the level reached (0: none),
    and the next level with the score it needs and the points still missing
    (``None`` past the highest level). "Predicted level 0" means nothing to a
    board; "below level 1 (needs 300/1000), 120 points to go" does."""

    level: int
    next_level: int | None = None
    next_threshold: int | None = None
    missing: int | None = None


@dataclass(frozen=True)
class ScoreReport:
    score: int | None
    level: int
    by_theme: dict[str, int | None] = field(default_factory=dict)
    by_principle: dict[str, int | None] = field(default_factory=dict)
    applicable: int = 0
    assessed: int = 0
    max_level: int = 3
    progress: LevelProgress | None = None


def assessments(programme: Content) -> list[CriterionAssessment]:
    """Every criterion of ``programme`` with its self-assessment, in referential order."""
    root = "/".join(programme.getPhysicalPath())
    # From the index sets: the cost of the referential, not of the evidence.
    sets = IndexSets()
    brains = sets.records_of(programme, REFERENTIAL_TYPES, sort=sets.paths.get)
    code_of = {brain.getPath(): brain.nr_code for brain in brains}
    result = []
    for brain in brains:
        if brain.portal_type != "nr_criterion":
            continue
        parents = brain.getPath()[len(root) + 1 :].split("/")[:-1]
        codes = [
            code_of.get(f"{root}/{'/'.join(parents[: i + 1])}")
            for i in range(len(parents))
        ]
        result.append(
            CriterionAssessment(
                code=brain.nr_code,
                title=brain.Title,
                url=brain.getURL(),
                uid=brain.UID,
                theme=codes[0] if codes else None,
                principle=codes[1] if len(codes) > 1 else None,
                applicable=brain.nr_applicable is not False,
                maturity=brain.nr_maturity,
                owner=brain.nr_owner,
                needs_reconfirmation=bool(brain.nr_reconfirm),
            )
        )
    return sorted(result, key=lambda a: code_sort_key(a.code))


def code_sort_key(code: str) -> list[tuple[int, int, str]]:
    """Sort 1.10 after 1.9 (and letters before numbers as text)."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split(".") if p]


def score(items: Iterable[CriterionAssessment], max_level: int) -> int | None:
    """The score out of 1000 of ``items`` (applicable ones only), or None if none apply."""
    applicable = [item for item in items if item.applicable]
    if not applicable or max_level <= 0:
        return None
    total = sum(min(item.maturity or 0, max_level) / max_level for item in applicable)
    return round(1000 * total / len(applicable))


def predicted_level(value: int | None, thresholds: Iterable[int]) -> int:
    """The highest level whose threshold ``value`` reaches (0: none)."""
    if value is None:
        return 0
    level = 0
    for number, threshold in enumerate(sorted(thresholds), start=1):
        if value >= threshold:
            level = number
    return level


def level_progress(value: int | None, thresholds: Iterable[int]) -> LevelProgress:
    """The level ``value`` reaches and the distance to the next one."""
    ordered = sorted(thresholds)
    level = predicted_level(value, ordered)
    if level >= len(ordered):
        return LevelProgress(level)
    needed = ordered[level]
    return LevelProgress(level, level + 1, needed, needed - (value or 0))


def score_report(
    programme: Content, items: Sequence[CriterionAssessment] | None = None
) -> ScoreReport:
    """Score and predicted level of the programme, per theme and per principle."""
    items = assessments(programme) if items is None else items
    max_level = len(get_setting("maturity_levels")) - 1
    by_theme, by_principle = {}, {}
    for item in items:
        by_theme.setdefault(item.theme, []).append(item)
        if item.principle:
            by_principle.setdefault(item.principle, []).append(item)
    total = score(items, max_level)
    thresholds = get_setting("level_thresholds")
    return ScoreReport(
        score=total,
        level=predicted_level(total, thresholds),
        progress=level_progress(total, thresholds),
        by_theme={code: score(group, max_level) for code, group in by_theme.items()},
        by_principle={
            code: score(group, max_level) for code, group in by_principle.items()
        },
        applicable=sum(1 for item in items if item.applicable),
        assessed=sum(
            1 for item in items if item.applicable and item.maturity is not None
        ),
        max_level=max_level,
    )
