"""Weighted progress roll-up: the empty case, the all-unweighted case and the ordinary one."""

from followup.rollup import Item, weighted_progress


def submitted(weight, progress, status="ongoing", light="green"):
    return Item(
        weight=weight, progress=progress, status=status, traffic_light=light, submitted=True
    )


def test_no_activities_gives_no_figure():
    result = weighted_progress([])
    assert result.value is None
    assert result.is_empty
    assert (result.reported, result.total) == (0, 0)


def test_nothing_submitted_gives_no_figure_but_counts_the_activities():
    result = weighted_progress([Item(weight=1, progress=50), Item(weight=2, progress=None)])
    assert result.value is None
    assert (result.reported, result.total, result.submitted) == (0, 2, 0)


def test_weights_decide_the_mean():
    result = weighted_progress([submitted(3, 100), submitted(1, 0)])
    assert result.value == 75.0
    assert not result.unweighted


def test_equal_weights_give_the_plain_mean():
    assert weighted_progress([submitted(1, 20), submitted(1, 50), submitted(1, 80)]).value == 50.0


def test_weight_zero_leaves_an_activity_out():
    assert weighted_progress([submitted(2, 40), submitted(0, 100)]).value == 40.0


def test_all_unweighted_falls_back_to_the_plain_mean_and_says_so():
    result = weighted_progress([submitted(0, 30), submitted(0, 60)])
    assert result.value == 45.0
    assert result.unweighted


def test_drafts_and_cancelled_activities_do_not_count():
    result = weighted_progress(
        [
            submitted(1, 60),
            Item(weight=1, progress=0, submitted=False),
            submitted(5, 0, status="cancelled"),
        ]
    )
    assert result.value == 60.0
    assert (result.reported, result.total, result.submitted) == (1, 3, 2)


def test_counts_by_status_and_light():
    result = weighted_progress(
        [submitted(1, 10, light="red"), submitted(1, 90, "done", "green"), submitted(1, 50)]
    )
    assert result.by_light == {"red": 1, "green": 2}
    assert result.by_status == {"ongoing": 2, "done": 1}


def test_one_decimal():
    assert weighted_progress([submitted(1, 1), submitted(2, 0)]).value == 0.3


def test_grouping_by_focus_area_lists_every_area_of_the_strategy():
    from types import SimpleNamespace

    from followup.rollup import by_focus_area
    from strategy.models import FocusArea

    first, second, elsewhere = (
        FocusArea(pk=pk, title=title) for pk, title in ((1, "Ett"), (2, "Två"), (9, "Annan"))
    )
    rows = [
        SimpleNamespace(name="a", areas=[second]),
        SimpleNamespace(name="b", areas=[second, elsewhere]),  # in both groups
        SimpleNamespace(name="c", areas=[]),
    ]

    groups = by_focus_area(rows, lambda row: row.areas, [first, second])

    assert [(area and area.title, [row.name for row in group]) for area, group in groups] == [
        ("Ett", []),  # the strategy's area without an activity is shown
        ("Två", ["a", "b"]),
        ("Annan", ["b"]),  # another strategy's area a row is linked to, after
        (None, ["c"]),  # linked to none
    ]
    assert by_focus_area([], lambda row: row.areas, [first])[-1] == (first, [])


def test_grouping_by_collaboration_area_keeps_the_rows_order():
    from types import SimpleNamespace

    from followup.rollup import by_collaboration_area
    from strategy.models import CollaborationArea

    infra, welfare = CollaborationArea(pk=1, name="Infra"), CollaborationArea(pk=2, name="Välfärd")
    rows = [SimpleNamespace(area=a) for a in (infra, infra, welfare)]

    groups = by_collaboration_area(rows, lambda row: row.area)

    assert [(area.name, len(group)) for area, group in groups] == [("Infra", 2), ("Välfärd", 1)]
