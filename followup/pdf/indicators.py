"""The report's indicators: each indicator of the plan's strategy with its yearly targets and
values, as a table and a chart.

A value for the whole strategy (no organisation) is the year's value; for an indicator
reported per organisation without one, the mean of the organisations' values is shown, with
how many organisations it is the mean of. The whole country's values (Kolada's, for
comparison) are not among them. Values fetched from Kolada name their source.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from followup.charts import Chart, format_number, indicator_chart
from followup.models import FollowUpRound, IndicatorValue
from strategy.models import Indicator


@dataclass
class IndicatorRow:
    year: int
    target: Decimal | None
    value: Decimal | None
    #: For indicators reported per organisation: how many organisations the value is the
    #: mean of (None for an overall value).
    organisations: int | None

    @property
    def target_text(self) -> str:
        return format_number(self.target)

    @property
    def value_text(self) -> str:
        return format_number(self.value)


@dataclass
class IndicatorEntry:
    indicator: Indicator
    rows: list[IndicatorRow]
    chart: Chart | None
    #: Some of the values shown come from Kolada ("Källa: Kolada" beside them).
    from_kolada: bool = False

    @property
    def anchor(self) -> str:
        return f"indicator-{self.indicator.pk}"


@dataclass
class IndicatorGroup:
    title: str
    anchor: str
    entries: list[IndicatorEntry]


def _strategy_values(indicator: Indicator) -> list[IndicatorValue]:
    """The values of the strategy's area (prefetched), without the whole country's."""
    return [v for v in indicator.values.all() if v.scope == IndicatorValue.Scope.STRATEGY]


def _indicator_rows(indicator: Indicator) -> list[IndicatorRow]:
    targets = {target.year: target.value for target in indicator.targets.all()}
    overall: dict[int, Decimal] = {}
    per_organisation: dict[int, list[Decimal]] = defaultdict(list)
    for entered in _strategy_values(indicator):
        if entered.organisation_id is None:
            overall[entered.year] = entered.value
        else:
            per_organisation[entered.year].append(entered.value)
    rows = []
    value: Decimal | None
    count: int | None
    for year in sorted(set(targets) | set(overall) | set(per_organisation)):
        if year in overall:
            value, count = overall[year], None
        elif per_organisation.get(year):
            figures = per_organisation[year]
            value = (sum(figures, Decimal(0)) / len(figures)).quantize(Decimal("0.01"))
            count = len(figures)
        else:
            value, count = None, None
        rows.append(
            IndicatorRow(year=year, target=targets.get(year), value=value, organisations=count)
        )
    return rows


def indicator_groups(followup_round: FollowUpRound) -> list[IndicatorGroup]:
    """The strategy's indicators grouped by focus area, those without one last."""
    indicators = (
        Indicator.objects.filter(strategy_id=followup_round.plan.strategy_id)
        .select_related("focus_area")
        .prefetch_related(
            "targets",
            Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "organisation_id")),
        )
        .order_by("focus_area__order", "focus_area_id", "order", "pk")
    )
    groups: dict[int | None, IndicatorGroup] = {}
    for indicator in indicators:
        area = indicator.focus_area
        if area is None:
            group = groups.setdefault(
                None,
                IndicatorGroup(title=_("Other indicators"), anchor="indicators-other", entries=[]),
            )
        else:
            group = groups.setdefault(
                area.pk,
                IndicatorGroup(title=area.title, anchor=f"indicators-{area.pk}", entries=[]),
            )
        rows = _indicator_rows(indicator)
        chart = indicator_chart(
            title=indicator.title,
            unit=indicator.unit,
            years=[row.year for row in rows],
            targets={row.year: row.target for row in rows if row.target is not None},
            values={row.year: row.value for row in rows if row.value is not None},
        )
        from_kolada = any(v.from_kolada for v in _strategy_values(indicator))
        group.entries.append(
            IndicatorEntry(indicator=indicator, rows=rows, chart=chart, from_kolada=from_kolada)
        )
    # The indicators without a focus area come last.
    return sorted(groups.values(), key=lambda group: group.anchor == "indicators-other")
