"""actionplans.selectors.carry_over, actionplans.services.carry_over and
actionplans.views.carry_over: the last plan of a strategy carried into the first plan of the
strategy that follows, its links mapped to the new tree as the coordinator confirms."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplans.access import CarryOverAccess, plan_access
from actionplans.models import ActionPlan, Activity
from actionplans.selectors import carry_over as selectors
from actionplans.services.carry_over import plan_carry_over
from strategy.access import strategy_access
from strategy.models import CollaborationArea, FocusArea, StrategicDirection, Strategy
from strategy.services import strategies
from strategy.services.strategies import NewStrategy
from tests.factories import ActionPlanFactory, ActivityFactory

pytestmark = pytest.mark.django_db


@dataclass
class Setting:
    plan: ActionPlan
    new: Strategy
    continuing: list[Activity]
    done: Activity


@pytest.fixture
def setting(programme) -> Setting:
    """The programme's 2026 plan (its last year) with two continuing activities and a done
    one, and the decided strategy for 2027–2030 copied from it, where the focus area kept its
    title in other case, the direction was reworded and the other area removed."""
    old = programme.strategy
    plan = ActionPlanFactory(strategy=old, year=2026, title="Handlingsplan 2026")
    continuing = [
        ActivityFactory(
            plan=plan, title="E-tjänster", collaboration_area=programme.area, order=1,
            status=Activity.Status.ONGOING,
        ),
        ActivityFactory(
            plan=plan, title="Öppna data i kommunerna", collaboration_area=programme.other_area,
            order=2, status=Activity.Status.PLANNED,
        ),
    ]  # fmt: skip
    done = ActivityFactory(
        plan=plan, title="Klar", collaboration_area=programme.area, status=Activity.Status.DONE
    )
    for activity in (*continuing, done):
        activity.focus_areas.add(programme.focus_area)
        activity.directions.add(programme.direction)
    user = programme.coordinator
    new = strategies.strategy_copy(
        source=old,
        new=NewStrategy("Digitaliseringsstrategi 2027–2030", "strategi-2027", 2027, 2030),
        user=user,
        access=strategy_access(user, old),
    )
    FocusArea.objects.filter(strategy=new).update(title="  DIGITAL   förmåga ")
    StrategicDirection.objects.filter(focus_area__strategy=new).update(
        title="Stärka den digitala förmågan i länet"
    )
    CollaborationArea.objects.filter(strategy=new, name="Öppna data").update(name="Data")
    Strategy.objects.filter(pk=new.pk).update(state=Strategy.State.DECIDED)
    new.refresh_from_db()
    return Setting(plan, new, continuing, done)


def _rows(setting: Setting) -> dict[tuple[str, str], selectors.MappingRow]:
    rows = selectors.carry_over_mapping(setting.plan.strategy, setting.new)
    return {(row.kind.name, row.label): row for row in rows}


def test_the_next_strategy_covers_the_next_year(programme, setting):
    assert selectors.next_strategy(setting.plan) == setting.new
    assert selectors.next_strategy(programme.draft_plan) is None  # 2025 is the old one's


def test_the_suggestion_exact_similar_or_none(setting):
    rows = _rows(setting)
    exact = rows[("focus_areas", "Digital förmåga")]
    assert (str(exact.suggestion), exact.score) == ("  DIGITAL   förmåga ", 1.0)
    similar = rows[("directions", "Stärka den digitala förmågan")]
    assert str(similar.suggestion) == "Stärka den digitala förmågan i länet"
    assert similar.score is not None and 0.6 <= similar.score < 1.0
    none = rows[("collaboration_area", "Öppna data")]
    assert (none.suggestion, none.score) == (None, None)


def test_the_suggestion_ranks_by_similarity():
    candidates = {selectors.normalised(t): t for t in ("Digital kompetens", "Öppna data")}
    assert selectors.suggestion("Digitala kompetenser", candidates)[0] == "Digital kompetens"
    assert selectors.suggestion("Välfärdsteknik", candidates) == (None, None)


def _access(user, setting: Setting) -> CarryOverAccess:
    return CarryOverAccess(plan_access(user, setting.plan), strategy_access(user, setting.new))


def _mapping(setting: Setting, **overrides) -> dict:
    mapping: dict = {}
    for row in selectors.carry_over_mapping(setting.plan.strategy, setting.new):
        mapping.setdefault(row.kind.name, {})[row.old.pk] = (
            row.suggestion.pk if row.suggestion else None
        )
    for name, values in overrides.items():
        mapping[name].update(values)
    return mapping


def test_the_continuing_activities_go_over_with_their_links_mapped(programme, setting):
    new_area = CollaborationArea.objects.get(strategy=setting.new, name="Data")
    mapping = _mapping(
        setting,
        collaboration_area={programme.other_area.pk: new_area.pk},
        directions={programme.direction.pk: None},
    )
    result = plan_carry_over(
        plan=setting.plan, strategy=setting.new, user=programme.coordinator,
        access=_access(programme.coordinator, setting),
        activity_ids=[a.pk for a in setting.continuing], title="", mapping=mapping,
    )  # fmt: skip
    plan = result.plan
    assert (plan.strategy, plan.year, plan.title) == (setting.new, 2027, "Handlingsplan 2027")
    copies = {a.title: a for a in plan.activities.all()}
    assert set(copies) == {"E-tjänster", "Öppna data i kommunerna"}
    new_focus = FocusArea.objects.get(strategy=setting.new)
    for copy in copies.values():
        assert list(copy.focus_areas.all()) == [new_focus]
        assert not copy.directions.exists()  # mapped to no link: dropped
    assert copies["Öppna data i kommunerna"].collaboration_area == new_area
    assert copies["E-tjänster"].collaboration_area.strategy == setting.new
    assert copies["E-tjänster"].status == Activity.Status.ONGOING
    assert len(result.dropped) == 2
    assert "Stärka den digitala förmågan" in result.dropped[0]
    assert "följde inte med" in plan.events.get().comment
    assert setting.plan.activities.count() == 3  # the old plan is untouched


def test_a_collaboration_area_must_be_mapped(programme, setting):
    with pytest.raises(ValidationError, match="Välj ett samverkansområde"):
        plan_carry_over(
            plan=setting.plan, strategy=setting.new, user=programme.coordinator,
            access=_access(programme.coordinator, setting),
            activity_ids=[a.pk for a in setting.continuing], title="",
            mapping=_mapping(setting),
        )  # fmt: skip
    assert not ActionPlan.objects.filter(strategy=setting.new).exists()


def test_a_mapping_into_another_tree_is_refused(programme, setting):
    mapping = _mapping(setting, focus_areas={programme.focus_area.pk: programme.focus_area.pk})
    with pytest.raises(ValidationError, match="en annan strategis"):
        plan_carry_over(
            plan=setting.plan, strategy=setting.new, user=programme.coordinator,
            access=_access(programme.coordinator, setting),
            activity_ids=[setting.continuing[0].pk], title="", mapping=mapping,
        )  # fmt: skip


def test_only_the_coordinators_carry_over(programme, setting):
    with pytest.raises(PermissionDenied, match="coordinators of both"):
        plan_carry_over(
            plan=setting.plan, strategy=setting.new, user=programme.steering,
            access=_access(programme.steering, setting),
            activity_ids=[], title="", mapping=_mapping(setting),
        )  # fmt: skip


# --- The page ---------------------------------------------------------------------------------


def test_the_rollover_asks_for_the_mapping(client, programme, setting):
    client.force_login(programme.coordinator)
    url = f"/planarbete/{setting.plan.pk}/ny-strategi/"
    assert client.get(f"/planarbete/{setting.plan.pk}/nasta-ar/").url == url
    page = client.get(url).content.decode()
    assert "Digitaliseringsstrategi 2027–2030" in page
    assert "Samma titel" in page and "Liknande (0," in page and "Ingen träff" in page
    # The suggestion is pre-selected; the done activity is not chosen.
    new_focus = FocusArea.objects.get(strategy=setting.new)
    assert f'<option value="{new_focus.pk}" selected>' in page
    assert f'value="{setting.done.pk}" checked' not in page


def test_the_page_creates_the_plan(client, programme, setting):
    client.force_login(programme.coordinator)
    form = {"title": "Handlingsplan 2027", "activities": [setting.continuing[0].pk]}
    for row in selectors.carry_over_mapping(setting.plan.strategy, setting.new):
        form[row.field_name] = (
            row.suggestion.pk
            if row.suggestion
            else (row.choices[0].pk if row.kind.required else "")
        )
    response = client.post(f"/planarbete/{setting.plan.pk}/ny-strategi/", form, follow=True)
    plan = ActionPlan.objects.get(strategy=setting.new, year=2027)
    assert response.redirect_chain[-1][0] == f"/planarbete/{plan.pk}/"
    assert [a.title for a in plan.activities.all()] == ["E-tjänster"]


@pytest.mark.parametrize("who", ["steering", "lead", "outsider"])
def test_others_may_not(client, programme, setting, who):
    client.force_login(getattr(programme, who))
    response = client.get(f"/planarbete/{setting.plan.pk}/ny-strategi/")
    assert response.status_code in (403, 404)


def test_without_a_following_strategy_there_is_no_page(client, programme):
    client.force_login(programme.coordinator)
    assert client.get(f"/planarbete/{programme.draft_plan.pk}/ny-strategi/").status_code == 404
