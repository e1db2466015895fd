"""strategy.services.tree and strategy.services.strategies: the editor's writes, the copy
of a whole tree, the version check and the workflow's rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.dates import today
from portal.models import Decision, Meeting
from portal.services import agenda_item_add
from strategy.access import strategy_access
from strategy.models import (
    TREE_NODES,
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Indicator,
    OverallGoal,
    Perspective,
    StrategicDirection,
    Strategy,
    TacticalPoint,
)
from strategy.services import strategies, tree
from strategy.services.consultations import consultation_send
from strategy.services.strategies import NewStrategy

pytestmark = pytest.mark.django_db

FOCUS_AREAS = TREE_NODES["fokusomraden"]
DIRECTIONS = TREE_NODES["inriktningar"]


def _as(user, strategy):
    return {"user": user, "access": strategy_access(user, strategy)}


def _draft(programme, **kwargs) -> Strategy:
    """A copy of the programme's strategy, for 2027–2030, made by its coordinator."""
    new = NewStrategy("Digitaliseringsstrategi 2027–2030", "strategi-2027", 2027, 2030)
    return strategies.strategy_copy(
        source=programme.strategy, new=new, **_as(programme.coordinator, programme.strategy)
    )


def _tree(strategy: Strategy) -> dict:
    return {
        "goals": list(
            OverallGoal.objects.filter(strategy=strategy).values_list("title", flat=True)
        ),
        "perspectives": list(
            Perspective.objects.filter(strategy=strategy).values_list("title", flat=True)
        ),
        "areas": list(FocusArea.objects.filter(strategy=strategy).values_list("slug", "goal")),
        "directions": list(
            StrategicDirection.objects.filter(focus_area__strategy=strategy).values_list(
                "focus_area__slug", "title"
            )
        ),
        "points": list(
            TacticalPoint.objects.filter(direction__focus_area__strategy=strategy).values_list(
                "direction__title", "text"
            )
        ),
        "effect_goals": list(
            EffectGoal.objects.filter(strategy=strategy).values_list("focus_area__slug", "title")
        ),
        "areas_of_collaboration": list(
            CollaborationArea.objects.filter(strategy=strategy).values_list("slug", "name")
        ),
        "indicators": list(
            Indicator.objects.filter(strategy=strategy).values_list(
                "focus_area__slug", "effect_goal__title", "title"
            )
        ),
    }


def test_copy_keeps_the_whole_tree(programme):
    source = programme.strategy
    OverallGoal.objects.create(strategy=source, title="Hållbar tillväxt")
    Perspective.objects.create(strategy=source, title="Jämställdhet")
    TacticalPoint.objects.create(direction=programme.direction, text="Erbjud utbildning")
    goal = EffectGoal.objects.create(strategy=source, focus_area=programme.focus_area, title="Mål")
    indicator = Indicator.objects.create(
        strategy=source, effect_goal=goal, focus_area=goal.focus_area, title="I"
    )
    for year in (2026, 2027, 2030, 2031):
        indicator.targets.create(year=year, value=year - 2000)

    draft = _draft(programme)

    assert draft.state == Strategy.State.DRAFT
    assert draft.based_on == source
    assert (draft.period_start, draft.period_end) == (2027, 2030)
    assert _tree(draft) == _tree(source)
    # Copies, not the same rows: the old tree stays as it was.
    assert not FocusArea.objects.filter(strategy=draft, pk=programme.focus_area.pk).exists()
    copied = FocusArea.objects.get(strategy=draft)
    assert copied.history.get().history_user == programme.coordinator
    assert set(draft.governing_bodies.all()) == set(source.governing_bodies.all())
    assert strategy_access(programme.coordinator, draft).can_edit_tree
    # The targets of the years 2027–2030 come along; the old period's and later ones do not.
    copied_indicator = Indicator.objects.get(strategy=draft)
    assert list(copied_indicator.targets.values_list("year", "value")) == [(2027, 27), (2030, 30)]
    assert list(indicator.targets.values_list("year", flat=True)) == [2026, 2027, 2030, 2031]


def test_a_copy_without_a_period_takes_no_targets(programme):
    source = programme.strategy
    indicator = Indicator.objects.create(
        strategy=source, focus_area=programme.focus_area, title="I"
    )
    indicator.targets.create(year=2027, value=1)
    draft = strategies.strategy_copy(
        source=source,
        new=NewStrategy("Utan period", "utan-period"),
        **_as(programme.coordinator, source),
    )
    assert Indicator.objects.get(strategy=draft).targets.count() == 0


def test_an_empty_strategy_has_the_owner_and_bodies_but_no_tree(programme):
    new = NewStrategy("Tom strategi", "tom", 2027, 2030)
    draft = strategies.strategy_create(
        source=programme.strategy, new=new, **_as(programme.coordinator, programme.strategy)
    )
    assert draft.owner == programme.strategy.owner
    assert not FocusArea.objects.filter(strategy=draft).exists()
    assert strategy_access(programme.steering, draft).is_steering_group


def test_a_new_strategy_needs_a_free_address_and_an_ordered_period(programme):
    kwargs = {"source": programme.strategy, **_as(programme.coordinator, programme.strategy)}
    taken = NewStrategy("X", programme.strategy.slug, 2027, 2030)
    with pytest.raises(ValidationError, match="En annan strategi har redan den adressen"):
        strategies.strategy_copy(new=taken, **kwargs)
    with pytest.raises(ValidationError, match="Perioden måste sluta samma år"):
        strategies.strategy_copy(new=NewStrategy("X", "x", 2030, 2027), **kwargs)
    with pytest.raises(ValidationError, match="Adressen används av en sida i portalen"):
        strategies.strategy_copy(new=NewStrategy("X", "ny", 2027, 2030), **kwargs)
    assert not Strategy.objects.filter(slug="x").exists()


def test_only_coordinators_start_a_strategy(programme):
    new = NewStrategy("X", "x", 2027, 2030)
    with pytest.raises(PermissionDenied, match="coordinators start one"):
        strategies.strategy_copy(
            source=programme.strategy, new=new, **_as(programme.steering, programme.strategy)
        )


def test_a_stale_edit_is_refused_and_nothing_is_written(programme):
    draft = _draft(programme)
    area = FocusArea.objects.get(strategy=draft)
    kwargs = {"strategy": draft, "node": FOCUS_AREAS, **_as(programme.coordinator, draft)}
    tree.node_update(obj=area, values={"goal": "Först"}, expected_version=1, **kwargs)

    with pytest.raises(tree.TreeConflict, match="after it was opened") as conflict:
        tree.node_update(obj=area, values={"goal": "Sent"}, expected_version=1, **kwargs)

    assert conflict.value.changed_by == programme.coordinator
    assert [c.after for c in conflict.value.changes] == ["Först"]
    area.refresh_from_db()
    assert (area.goal, area.version) == ("Först", 2)


def test_an_edit_without_a_version_is_refused(programme):
    draft = _draft(programme)
    with pytest.raises(tree.TreeConflict, match="did not say which version"):
        tree.strategy_update(
            strategy=draft,
            data=tree.StrategyFields(title="Ny"),
            expected_version=None,
            **_as(programme.coordinator, draft),
        )
    draft.refresh_from_db()
    assert draft.title == "Digitaliseringsstrategi 2027–2030"


def test_a_strategy_in_force_is_not_edited(programme):
    area = programme.focus_area
    with pytest.raises(ValidationError, match="kan bara ändras som utkast eller under bearbetning"):
        tree.node_update(
            strategy=programme.strategy,
            node=FOCUS_AREAS,
            obj=area,
            values={"goal": "Nytt"},
            expected_version=1,
            **_as(programme.coordinator, programme.strategy),
        )


def test_others_do_not_edit(programme):
    draft = _draft(programme)
    with pytest.raises(PermissionDenied, match="coordinators edit it"):
        tree.node_create(
            strategy=draft,
            node=FOCUS_AREAS,
            parent=draft,
            values={"title": "Nytt"},
            **_as(programme.steering, draft),
        )


def test_add_move_and_remove(programme):
    draft = _draft(programme)
    area = FocusArea.objects.get(strategy=draft)
    kwargs = {"strategy": draft, **_as(programme.coordinator, draft)}
    added = tree.node_create(
        node=DIRECTIONS, parent=area, values={"title": "Ny inriktning"}, **kwargs
    )
    titles = lambda: list(area.directions.order_by("order").values_list("title", flat=True))  # noqa: E731
    assert titles() == ["Stärka den digitala förmågan", "Ny inriktning"]
    tree.node_move(node=DIRECTIONS, obj=added, direction="up", **kwargs)
    assert titles() == ["Ny inriktning", "Stärka den digitala förmågan"]
    second = tree.node_create(
        node=FOCUS_AREAS, parent=draft, values={"title": area.title}, **kwargs
    )
    assert second.slug == f"{area.slug}-2"
    tree.node_remove(node=DIRECTIONS, obj=added, **kwargs)
    assert titles() == ["Stärka den digitala förmågan"]


def test_a_direction_is_added_only_under_the_strategys_own_focus_area(programme):
    draft = _draft(programme)
    with pytest.raises(ValidationError, match="hör inte till den här strategin"):
        tree.node_create(
            strategy=draft,
            node=DIRECTIONS,
            parent=programme.focus_area,
            values={"title": "Fel"},
            **_as(programme.coordinator, draft),
        )


def test_a_focus_area_with_effect_goals_is_not_removed(programme):
    draft = _draft(programme)
    area = FocusArea.objects.get(strategy=draft)
    EffectGoal.objects.create(strategy=draft, focus_area=area, title="Mål")
    with pytest.raises(ValidationError, match="hänvisar fortfarande till den"):
        tree.node_remove(
            strategy=draft, node=FOCUS_AREAS, obj=area, **_as(programme.coordinator, draft)
        )
    assert FocusArea.objects.filter(pk=area.pk).exists()


def test_the_bare_step_does_not_send_on_consultation(programme):
    """Without the send form there would be a consultation with nobody asked and no last day
    (tests/test_strategy_services_consultations.py sends one)."""
    draft = _draft(programme)
    with pytest.raises(ValidationError, match="skicka det med formuläret ”Skicka på remiss”"):
        strategies.strategy_transition(
            strategy=draft, name="consult", **_as(programme.coordinator, draft)
        )
    draft.refresh_from_db()
    assert draft.state == Strategy.State.DRAFT


def test_the_workflow_from_draft_to_decided(programme):
    draft = _draft(programme)
    consultation = consultation_send(
        strategy=draft,
        deadline=today() + timedelta(days=14),
        reminder_days=7,
        organisations=[programme.municipality],
        **_as(programme.coordinator, draft),
    )
    draft = consultation.strategy
    assert draft.state == Strategy.State.CONSULTATION
    draft = strategies.strategy_transition(
        strategy=draft, name="revise", **_as(programme.coordinator, draft)
    )
    with pytest.raises(PermissionDenied, match="does not let this user"):
        strategies.strategy_transition(
            strategy=draft, name="decide", **_as(programme.coordinator, draft)
        )
    # The decision is taken at a meeting with the strategy on its agenda
    # (tests/test_strategy_views_decision.py); the dates take the later steps
    # (tests/test_strategy_services_dates.py).
    starts = timezone.now()
    meeting = Meeting.objects.create(
        body=programme.steering_group, title="Möte", starts_at=starts, ends_at=starts
    )
    agenda_item_add(meeting=meeting, title="Strategin", user=None, subject=draft)
    draft = strategies.strategy_transition(
        strategy=draft, name="decide", meeting=meeting, **_as(programme.steering, draft)
    )
    assert draft.state == Strategy.State.DECIDED
    decision = Decision.objects.get(body=programme.steering_group)
    assert draft.title in decision.title
    assert decision.subject_url == draft.get_absolute_url()


def test_a_step_from_the_wrong_state_is_refused(programme):
    with pytest.raises(ValidationError, match="går inte längre"):
        strategies.strategy_transition(
            strategy=programme.strategy,
            name="consult",
            **_as(programme.coordinator, programme.strategy),
        )


def test_a_decided_strategy_changes_through_a_revision(programme):
    source = programme.strategy
    revision = strategies.strategy_revise(strategy=source, **_as(programme.coordinator, source))
    assert (revision.revises, revision.state) == (source, Strategy.State.DRAFT)
    assert revision.slug == f"{source.slug}-revidering"
    assert _tree(revision) == _tree(source)
    with pytest.raises(ValidationError, match="Strategin revideras redan"):
        strategies.strategy_revise(strategy=source, **_as(programme.coordinator, source))
    with pytest.raises(ValidationError, match="bara en beslutad strategi revideras"):
        strategies.strategy_revise(strategy=revision, **_as(programme.coordinator, revision))
