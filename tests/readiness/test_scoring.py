"""Score out of 1000 and predicted level on a hand-computed data set."""

from collective.nrlabel.scoring import assessments
from collective.nrlabel.scoring import predicted_level
from collective.nrlabel.scoring import score_report
from nr_setup import assess
from plone import api

import pytest


def test_nothing_assessed_scores_zero(programme):
    report = score_report(programme)
    assert (report.score, report.level, report.applicable, report.assessed) == (
        0,
        0,
        47,
        0,
    )


def test_hand_computed_scores(programme):
    """Theme 5 (8 criteria), maturity out of 3:

    5.1.1=3, 5.1.2=2, 5.1.3=1, 5.1.4 not applicable;
    5.2.1=3, 5.2.2=3, 5.2.3=0, 5.2.4 not assessed (counts 0).
    Principle 5.1: (3+2+1)/3 over 3 applicable = 6/9 → 667.
    Principle 5.2: (3+3+0+0)/3 over 4 → 6/12 → 500.
    Theme 5: 12/3 = 4 over 7 applicable → 571.
    Programme: 4 over 46 applicable → 1000 × 4/46 = 87.
    """
    assess(programme, "5.1.1", 3)
    assess(programme, "5.1.2", 2)
    assess(programme, "5.1.3", 1)
    assess(programme, "5.1.4", None, applicable=False, justification="Pas de clients.")
    assess(programme, "5.2.1", 3)
    assess(programme, "5.2.2", 3)
    assess(programme, "5.2.3", 0)
    report = score_report(programme)
    assert report.by_principle["5.1"] == 667
    assert report.by_principle["5.2"] == 500
    assert report.by_theme["5"] == 571
    assert report.by_theme["1"] == 0
    assert report.score == 87
    assert report.applicable == 46
    assert report.assessed == 6
    assert report.level == 0


def test_levels_from_thresholds(programme):
    for item in assessments(programme):
        assess(programme, item.code, 1)  # 1/3 everywhere → 333
    report = score_report(programme)
    assert (report.score, report.level) == (333, 1)
    for item in assessments(programme):
        assess(programme, item.code, 2)  # 667
    assert score_report(programme).level == 2
    api.portal.set_registry_record(
        "collective.nrlabel.level_thresholds", [300, 500, 700]
    )
    assert score_report(programme).level == 2
    api.portal.set_registry_record(
        "collective.nrlabel.level_thresholds", [300, 500, 600]
    )
    assert score_report(programme).level == 3


def test_scale_from_control_panel(programme):
    api.portal.set_registry_record(
        "collective.nrlabel.maturity_levels", ["0", "1", "2", "3", "4"]
    )
    assess(programme, "1.1.1", 4)
    assert score_report(programme).by_principle["1.1"] == 333  # 1 over 3 criteria


@pytest.mark.parametrize(
    "value, level",
    [(None, 0), (0, 0), (299, 0), (300, 1), (499, 1), (500, 2), (1000, 2)],
)
def test_predicted_level(value, level):
    assert predicted_level(value, [300, 500]) == level


def test_not_applicable_needs_a_justification(programme):
    from collective.nrlabel.content.criterion import ICriterion
    from zope.interface import Invalid

    class Data:
        applicability = "not_applicable"
        justification = "  "

    with pytest.raises(Invalid):
        ICriterion.validateInvariants(Data())
    Data.justification = "Nous n'avons pas de centre de données."
    ICriterion.validateInvariants(Data())


def test_level_progress_says_what_the_next_level_needs():
    from collective.nrlabel.scoring import level_progress

    below = level_progress(180, [300, 500])
    assert (below.level, below.next_level, below.next_threshold, below.missing) == (
        0,
        1,
        300,
        120,
    )
    between = level_progress(420, [500, 300])
    assert (between.level, between.next_level, between.missing) == (1, 2, 80)
    top = level_progress(730, [300, 500])
    assert (top.level, top.next_level, top.missing) == (2, None, None)
    nothing = level_progress(None, [300, 500])
    assert (nothing.level, nothing.missing) == (0, 300)
