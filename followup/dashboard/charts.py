"""The dashboard's charts, drawn from the same figures as the tables beside them
(``followup.charts`` draws them)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from followup.charts import Chart, Series, bar_chart, indicator_chart
from followup.dashboard.selectors import AreaTrend, IndicatorTrend, Overview

PERCENT = Decimal(100)


def _percent(progress) -> Decimal | None:
    return None if progress is None or progress.value is None else Decimal(str(progress.value))


def progress_chart(title: str, trends: list[AreaTrend], periods: list[str]) -> Chart | None:
    """Each area's weighted progress, one bar per round."""
    return bar_chart(
        title=title,
        description=_("Weighted progress in percent per area, one bar per follow-up period."),
        categories=[trend.title for trend in trends],
        series=[
            Series(label=period, values=[_percent(trend.progress[index]) for trend in trends])
            for index, period in enumerate(periods)
        ],
        maximum=PERCENT,
        suffix=" %",
    )


def lights_chart(overview: Overview) -> Chart | None:
    lights = overview.lights
    return bar_chart(
        title=_("Traffic lights per collaboration area"),
        description=_("Number of activities with a green, yellow and red light per area."),
        categories=[row.title for row in lights],
        series=[
            Series(label=_("Green"), values=[Decimal(row.green) for row in lights]),
            Series(label=_("Yellow"), values=[Decimal(row.yellow) for row in lights]),
            Series(label=_("Red"), values=[Decimal(row.red) for row in lights]),
        ],
        styles=("green", "yellow", "red"),
    )


def budget_chart(overview: Overview) -> Chart | None:
    budget = overview.budget
    return bar_chart(
        title=_("Costs: budget against outcome"),
        description=_(
            "Per follow-up period, in SEK: the budget of the cost lines that have an outcome, "
            "and the outcome."
        ),
        categories=[row.round.period for row in budget],
        series=[
            Series(label=_("Budget"), values=[row.planned_reported for row in budget]),
            Series(label=_("Outcome"), values=[row.outcome for row in budget]),
        ],
    )


def participation_chart(overview: Overview) -> Chart | None:
    rows = overview.participation
    return bar_chart(
        title=_("Activities each organisation takes part in"),
        description=_("Number of activities of the plan each organisation takes part in."),
        categories=[row.organisation for row in rows],
        series=[Series(label=_("Takes part"), values=[Decimal(row.takes_part) for row in rows])],
    )


def trend_indicator_chart(trend: IndicatorTrend) -> Chart | None:
    years = trend.years
    return indicator_chart(
        title=trend.indicator.title,
        unit=trend.indicator.unit,
        years=[row.year for row in years],
        targets={row.year: row.target for row in years if row.target is not None},
        values={row.year: row.value for row in years if row.value is not None},
        comparison={row.year: row.country for row in years if row.country is not None},
        comparison_label=_("Whole country"),
        value_label=_("The strategy's area"),
    )


@dataclass
class Charts:
    collaboration_areas: Chart | None
    focus_areas: Chart | None
    lights: Chart | None
    budget: Chart | None
    participation: Chart | None
    #: Each indicator's figures with their chart.
    indicators: list[tuple[IndicatorTrend, Chart | None]]


def overview_charts(overview: Overview) -> Charts:
    return Charts(
        collaboration_areas=progress_chart(
            _("Progress per collaboration area"), overview.collaboration_areas, overview.periods
        ),
        focus_areas=progress_chart(
            _("Progress per focus area"), overview.focus_areas, overview.periods
        ),
        lights=lights_chart(overview),
        budget=budget_chart(overview),
        participation=participation_chart(overview),
        indicators=[(trend, trend_indicator_chart(trend)) for trend in overview.indicators],
    )
