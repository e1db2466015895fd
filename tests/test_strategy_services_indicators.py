"""strategy.services: a coordinator creates an indicator on a focus area or an effect goal,
changes it, sets its yearly targets and links it to a Kolada KPI. (The tests run in Swedish,
so the messages matched are the Swedish ones.)"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from strategy.access import strategy_access
from strategy.models import EffectGoal, Indicator, IndicatorTarget
from strategy.services import (
    IndicatorInput,
    indicator_create,
    indicator_kolada_link,
    indicator_targets_set,
    indicator_update,
)
from tests.factories import FocusAreaFactory, StrategyFactory


@pytest.fixture
def coordinator(programme):
    user = programme.coordinator
    return {"user": user, "access": strategy_access(user, programme.strategy)}


def test_only_coordinators_manage_indicators(programme):
    for user in (programme.steering, programme.lead, programme.contact, programme.outsider):
        access = strategy_access(user, programme.strategy)
        assert not access.can_manage_indicators
        with pytest.raises(PermissionDenied, match="Only the strategy's coordinators"):
            indicator_create(
                strategy=programme.strategy,
                data=IndicatorInput(title="X", focus_area=programme.focus_area),
                user=user,
                access=access,
            )
    assert strategy_access(programme.coordinator, programme.strategy).can_manage_indicators


def test_an_indicator_on_a_focus_area(programme, coordinator):
    indicator = indicator_create(
        strategy=programme.strategy,
        data=IndicatorInput(
            title="  Andel hushåll med 1 Gbit/s ",
            unit="%",
            direction=Indicator.Direction.INCREASE,
            per_organisation=True,
            focus_area=programme.focus_area,
        ),
        **coordinator,
    )
    assert (indicator.title, indicator.unit, indicator.per_organisation) == (
        "Andel hushåll med 1 Gbit/s",
        "%",
        True,
    )
    assert indicator.order == 1
    assert indicator.history.get().history_user == programme.coordinator
    second = indicator_create(
        strategy=programme.strategy,
        data=IndicatorInput(title="Andra", focus_area=programme.focus_area),
        **coordinator,
    )
    assert second.order == 2


def test_an_indicator_on_an_effect_goal_takes_its_focus_area(programme, coordinator):
    goal = EffectGoal.objects.create(
        strategy=programme.strategy, focus_area=programme.focus_area, title="Fler har bredband"
    )
    indicator = indicator_create(
        strategy=programme.strategy,
        data=IndicatorInput(title="Bredband", effect_goal=goal),
        **coordinator,
    )
    assert (indicator.effect_goal, indicator.focus_area) == (goal, programme.focus_area)
    other_area = FocusAreaFactory(strategy=programme.strategy)
    with pytest.raises(ValidationError, match="hör till ett annat fokusområde"):
        indicator_update(
            indicator=indicator,
            data=IndicatorInput(title="Bredband", effect_goal=goal, focus_area=other_area),
            **coordinator,
        )


def test_an_indicator_needs_a_place_of_the_strategy_s_own(programme, coordinator):
    unplaced = "Koppla indikatorn till ett fokusområde eller ett effektmål"
    with pytest.raises(ValidationError, match=unplaced):
        indicator_create(
            strategy=programme.strategy, data=IndicatorInput(title="Lös"), **coordinator
        )
    foreign = FocusAreaFactory(strategy=StrategyFactory())
    with pytest.raises(ValidationError, match="Fokusområdet hör inte till strategin"):
        indicator_create(
            strategy=programme.strategy,
            data=IndicatorInput(title="Fel", focus_area=foreign),
            **coordinator,
        )
    with pytest.raises(ValidationError, match="Ge indikatorn en rubrik"):
        indicator_create(
            strategy=programme.strategy,
            data=IndicatorInput(title=" ", focus_area=programme.focus_area),
            **coordinator,
        )
    assert not Indicator.objects.filter(strategy=programme.strategy).exists()


def test_an_update_writes_only_what_changed(programme, coordinator):
    data = IndicatorInput(title="Bredband", unit="%", focus_area=programme.focus_area)
    indicator = indicator_create(strategy=programme.strategy, data=data, **coordinator)
    indicator_update(indicator=indicator, data=data, **coordinator)
    assert indicator.history.count() == 1
    changed = IndicatorInput(
        title="Bredband",
        unit="%",
        direction=Indicator.Direction.DECREASE,
        focus_area=programme.focus_area,
    )
    stored = indicator_update(indicator=indicator, data=changed, **coordinator)
    assert stored.direction == Indicator.Direction.DECREASE
    assert indicator.history.count() == 2


@pytest.fixture
def indicator(programme, coordinator):
    return indicator_create(
        strategy=programme.strategy,
        data=IndicatorInput(title="Bredband", unit="%", focus_area=programme.focus_area),
        **coordinator,
    )


def test_yearly_targets_are_set_changed_and_removed(indicator, coordinator):
    changes = indicator_targets_set(
        indicator=indicator,
        targets={2024: Decimal("90"), 2025: Decimal("95"), 2026: None},
        **coordinator,
    )
    assert changes == 2
    assert dict(indicator.targets.values_list("year", "value")) == {
        2024: Decimal("90.00"),
        2025: Decimal("95.00"),
    }
    changes = indicator_targets_set(
        indicator=indicator,
        targets={2024: None, 2025: Decimal("95"), 2026: Decimal("98")},
        **coordinator,
    )
    assert changes == 2  # 2024 removed, 2026 added; 2025 unchanged
    assert dict(indicator.targets.values_list("year", "value")) == {
        2025: Decimal("95.00"),
        2026: Decimal("98.00"),
    }
    assert IndicatorTarget.history.filter(indicator_id=indicator.pk, history_type="-").count() == 1


def test_a_target_year_must_be_reasonable(indicator, coordinator):
    with pytest.raises(ValidationError, match="Ange ett år från 1990 till 2100"):
        indicator_targets_set(indicator=indicator, targets={20255: Decimal(1)}, **coordinator)


def test_linking_to_kolada(indicator, coordinator, programme):
    assert indicator_kolada_link(indicator=indicator, kpi=" n07918 ", **coordinator) is True
    indicator.refresh_from_db()
    assert indicator.kolada_kpi == "N07918"
    assert indicator_kolada_link(indicator=indicator, kpi="N07918", **coordinator) is False
    with pytest.raises(ValidationError, match="N eller U och fem siffror"):
        indicator_kolada_link(indicator=indicator, kpi="07918", **coordinator)
    assert indicator_kolada_link(indicator=indicator, kpi="", **coordinator) is True
    indicator.refresh_from_db()
    assert indicator.kolada_kpi == ""
    steering = strategy_access(programme.steering, programme.strategy)
    with pytest.raises(PermissionDenied, match="Only the strategy's coordinators"):
        indicator_kolada_link(
            indicator=indicator, kpi="N07918", user=programme.steering, access=steering
        )
