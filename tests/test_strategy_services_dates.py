"""strategy.services.dates and strategy.tasks.strategies_by_date: a decided strategy goes in
force on its first day, the one it replaces ends after its last, a revision in force
replaces what it revises, and a second run changes nothing."""

from datetime import date

import pytest

from strategy import tasks
from strategy.models import Strategy
from strategy.services import dates
from tests.factories import StrategyFactory

pytestmark = pytest.mark.django_db

State = Strategy.State


def _on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(dates, "today", lambda: day)


def _states(*strategies: Strategy) -> list[str]:
    return [Strategy.objects.get(pk=s.pk).state for s in strategies]


@pytest.fixture
def old_and_new(db):
    old = StrategyFactory(title="Strategi 2021–2026", state=State.IN_FORCE)
    new = StrategyFactory(
        title="Strategi 2027–2030",
        period_start=2027,
        period_end=2030,
        state=State.DECIDED,
        based_on=old,
    )
    return old, new


def test_nothing_changes_before_the_first_day(monkeypatch, old_and_new):
    _on(monkeypatch, date(2026, 12, 31))
    changed = {s.pk for s in dates.strategies_by_date()}
    assert not changed & {s.pk for s in old_and_new}
    assert _states(*old_and_new) == [State.IN_FORCE, State.DECIDED]


def test_in_force_on_the_first_day_and_the_old_one_ended_after_its_last(monkeypatch, old_and_new):
    _on(monkeypatch, date(2027, 1, 1))
    changed = {s.pk for s in dates.strategies_by_date()}
    assert {s.pk for s in old_and_new} <= changed
    assert _states(*old_and_new) == [State.ENDED, State.IN_FORCE]
    new = Strategy.objects.get(pk=old_and_new[1].pk)
    assert new.history.first().history_user is None


def test_the_task_is_idempotent(monkeypatch, old_and_new):
    _on(monkeypatch, date(2027, 1, 1))
    # The session's demo strategies may move too (its county strategy ends after 2026).
    assert tasks.strategies_by_date() >= 2
    versions = list(Strategy.objects.order_by("pk").values_list("version", flat=True))
    assert tasks.strategies_by_date() == 0
    assert list(Strategy.objects.order_by("pk").values_list("version", flat=True)) == versions
    assert _states(*old_and_new) == [State.ENDED, State.IN_FORCE]


def test_a_revision_in_force_replaces_what_it_revises(monkeypatch):
    _on(monkeypatch, date(2025, 3, 1))
    revised = StrategyFactory(title="Strategi 2021–2026", state=State.IN_FORCE)
    revision = StrategyFactory(
        title="Strategi 2021–2026 reviderad",
        state=State.DECIDED,
        based_on=revised,
        revises=revised,
    )
    dates.strategies_by_date()
    assert _states(revised, revision) == [State.ENDED, State.IN_FORCE]


def test_the_dated_steps_are_nobodys_to_take(programme):
    from strategy.access import strategy_access
    from strategy.services.strategies import strategy_transition

    Strategy.objects.filter(pk=programme.strategy.pk).update(state=State.DECIDED)
    strategy = Strategy.objects.get(pk=programme.strategy.pk)
    with pytest.raises(Exception, match="portalen tar de stegen själv"):
        strategy_transition(
            strategy=strategy,
            name="put_in_force",
            user=programme.steering,
            access=strategy_access(programme.steering, strategy),
        )
