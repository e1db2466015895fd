"""List and detail pages make as many queries with 200 rows as with 5, and none while the
template renders (everything is fetched by the view)."""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.template.backends.django import Template
from django.test.utils import CaptureQueriesContext

from actionplans.models import ActionPlan
from portal.models import Membership
from strategy.models import EffectGoal, OverallGoal, Perspective, Strategy, TacticalPoint
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    CollaborationAreaFactory,
    DirectionFactory,
    FocusAreaFactory,
    MembershipFactory,
    OrganisationFactory,
    StrategyFactory,
    UserFactory,
)


class QueryDuringRendering(AssertionError):
    pass


@contextmanager
def no_queries_while_rendering(monkeypatch):
    original = Template.render

    def blocker(execute, sql, params, many, context):
        raise QueryDuringRendering(f"query while rendering a template: {sql}")

    def render(self, *args, **kwargs):
        with connection.execute_wrapper(blocker):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Template, "render", render)
    yield


def build_strategy(n: int) -> str:
    strategy = StrategyFactory(slug="s")
    for i in range(n):
        area = FocusAreaFactory(strategy=strategy, order=i)
        direction = DirectionFactory(focus_area=area)
        TacticalPoint.objects.create(direction=direction, text=f"punkt {i}")
        EffectGoal.objects.create(strategy=strategy, focus_area=area, title=f"mål {i}")
        CollaborationAreaFactory(strategy=strategy)
        StrategyFactory(parent=strategy)  # programmes under it
    return "/strategier/s/"


def build_focus_area(n: int) -> str:
    area = FocusAreaFactory(strategy=StrategyFactory(slug="s"), slug="f")
    for _ in range(n):
        direction = DirectionFactory(focus_area=area)
        TacticalPoint.objects.create(direction=direction, text="punkt")
        EffectGoal.objects.create(strategy=area.strategy, focus_area=area, title="mål")
    return "/strategier/s/f/"


def build_strategy_list(n: int) -> str:
    parent = StrategyFactory()
    for _ in range(n):
        FocusAreaFactory(strategy=StrategyFactory(parent=parent))
    return "/strategier/"


def build_start(n: int) -> str:
    build_strategy_list(n)
    build_plan_list(n)
    return "/"


def build_collaboration_areas(n: int) -> str:
    strategy = StrategyFactory(slug="s")
    for _ in range(n):
        CollaborationAreaFactory(strategy=strategy).questions.create(text="fråga")
    return "/strategier/s/samverkansomraden/"


def build_plan_list(n: int) -> str:
    for year in range(2000, 2000 + n):
        ActivityFactory(plan=ActionPlanFactory(year=year))
    return "/handlingsplaner/"


def build_plan(n: int) -> str:
    plan = ActionPlanFactory(strategy=StrategyFactory(slug="s"), year=2025)
    areas = [CollaborationAreaFactory(strategy=plan.strategy) for _ in range(3)]
    focus = FocusAreaFactory(strategy=plan.strategy)
    direction = DirectionFactory(focus_area=focus)
    for i in range(n):
        activity = ActivityFactory(plan=plan, collaboration_area=areas[i % 3])
        activity.focus_areas.add(focus)
        activity.directions.add(direction)
        activity.sub_goals.create(title="delmål", planned_count=2, count_period="term")
        activity.budget_lines.create(kind="cost", year=2025, label="Egen personal", amount=100)
        activity.budget_lines.create(kind="financing", year=2025, label="Anslag", amount=100)
    assert plan.state == ActionPlan.State.PUBLISHED
    return "/handlingsplaner/s/2025/"


def _coordinator_of(strategy):
    """A signed-in coordinator of the strategy, with the permissions the workspace checks."""
    from actionplans.services.permissions import access_sync
    from portal.models import Body

    membership = MembershipFactory(body__kind=Body.Kind.COORDINATORS, role="coordinator")
    strategy.governing_bodies.add(membership.body)
    access_sync(strategy=strategy)
    return membership.user


def build_workspace(n: int):
    url = build_plan(n)
    plan = ActionPlan.objects.get(strategy__slug="s")
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.DRAFT)
    for i in range(n):
        plan.events.create(kind="comment", comment=f"kommentar {i}")
    assert url
    return plan.get_edit_url(), _coordinator_of(plan.strategy)


def build_strategy_editor(n: int):
    """A draft's editor with every kind of row, n of each, and a form to add under each."""
    strategy = StrategyFactory(slug="s", state=Strategy.State.DRAFT)
    for i in range(n):
        area = FocusAreaFactory(strategy=strategy, order=i)
        direction = DirectionFactory(focus_area=area)
        TacticalPoint.objects.create(direction=direction, text=f"punkt {i}")
        EffectGoal.objects.create(strategy=strategy, focus_area=area, title=f"mål {i}")
        OverallGoal.objects.create(strategy=strategy, title=f"övergripande mål {i}")
        Perspective.objects.create(strategy=strategy, title=f"perspektiv {i}")
        CollaborationAreaFactory(strategy=strategy)
    return "/strategier/s/redigera/", _coordinator_of(strategy)


def build_carry_over(n: int):
    """The carry-over page: a 2026 plan with n activities linked to n focus areas and
    directions, into a decided strategy with n of each to map them to."""
    from actionplans.services.permissions import access_sync

    old = StrategyFactory(slug="s")
    new = StrategyFactory(
        slug="s2", period_start=2027, period_end=2030, state=Strategy.State.DECIDED, based_on=old
    )
    plan = ActionPlanFactory(strategy=old, year=2026)
    area = CollaborationAreaFactory(strategy=old)
    CollaborationAreaFactory(strategy=new, name=area.name)
    for i in range(n):
        focus = FocusAreaFactory(strategy=old, order=i, title=f"Fokus {i}")
        direction = DirectionFactory(focus_area=focus, title=f"Inriktning {i}")
        FocusAreaFactory(strategy=new, order=i, title=f"Fokus {i}")
        activity = ActivityFactory(plan=plan, collaboration_area=area, order=i)
        activity.focus_areas.add(focus)
        activity.directions.add(direction)
    user = _coordinator_of(old)
    new.governing_bodies.add(*old.governing_bodies.all())
    access_sync(strategy=new)
    return f"/planarbete/{plan.pk}/ny-strategi/", user


def build_activity_history(n: int):
    build_plan(3)
    plan = ActionPlan.objects.get(strategy__slug="s")
    activity = plan.activities.first()
    for i in range(n):
        activity.title = f"Titel {i}"
        activity.save()
        activity.sub_goals.create(title=f"delmål {i}")
        activity.focus_areas.add(FocusAreaFactory(strategy=plan.strategy))
    return f"/aktiviteter/{activity.pk}/historik/", _coordinator_of(plan.strategy)


def build_activity_edit(n: int):
    build_plan(3)
    plan = ActionPlan.objects.get(strategy__slug="s")
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.DRAFT)
    activity = plan.activities.first()
    for i in range(n):
        activity.sub_goals.create(title=f"delmål {i}")
        activity.budget_lines.create(kind="cost", year=2000 + i, label="Konsult", amount=1)
        activity.risks.create(description=f"risk {i}")
    return activity.get_edit_url(), _coordinator_of(plan.strategy)


def build_offer(n: int):
    from actionplans.models import Offer, OfferRecipient, Participation

    build_plan(n)
    plan = ActionPlan.objects.get(strategy__slug="s")
    coordinator = _coordinator_of(plan.strategy)
    offer = Offer.objects.create(
        plan=plan, title="Erbjudande", deadline="2099-12-31", sent_by=coordinator
    )
    activities = list(plan.activities.all())
    offer.activities.set(activities)
    for i in range(n):
        organisation = OrganisationFactory()
        OfferRecipient.objects.create(offer=offer, organisation=organisation)
        Participation.objects.create(
            offer=offer,
            activity=activities[i],
            organisation=organisation,
            answer="yes",
            answered_by=coordinator,
        )
    return offer.get_absolute_url(), coordinator


def build_consultation(n: int):
    """A draft on consultation with n focus areas (a direction each) and n organisations,
    each of which answered on the whole and on a focus area."""
    from strategy.models import Consultation, ConsultationAnswer, ConsultationRecipient

    strategy = StrategyFactory(slug="s", state=Strategy.State.CONSULTATION)
    coordinator = _coordinator_of(strategy)
    consultation = Consultation.objects.create(
        strategy=strategy, deadline="2099-12-31", sent_by=coordinator
    )
    for i in range(n):
        area = FocusAreaFactory(strategy=strategy, order=i)
        DirectionFactory(focus_area=area)
        recipient = ConsultationRecipient.objects.create(
            consultation=consultation, organisation=OrganisationFactory()
        )
        for part, focus_area in (("strategy", None), (f"focus_area:{area.pk}", area)):
            ConsultationAnswer.objects.create(
                recipient=recipient,
                part=part,
                focus_area=focus_area,
                stance="changes",
                comment=f"kommentar {i}",
                answered_by=coordinator,
            )
    return f"/strategier/s/remiss/{consultation.pk}/", coordinator


def _round_of(plan, n: int):
    from django.core.files.base import ContentFile

    from followup.models import ActivityReport, FollowUpRound, Report

    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.PUBLISHED)
    followup_round = FollowUpRound.objects.create(plan=plan, year=plan.year, deadline="2099-12-31")
    for i, activity in enumerate(plan.activities.all()):
        ActivityReport.objects.create(
            round=followup_round,
            activity=activity,
            state="submitted" if i % 2 else "draft",
            status="ongoing",
            traffic_light="green",
            progress=i % 100,
        )
    for version in range(1, min(n, 20) + 1):
        report = Report(round=followup_round, version=version, state=Report.State.DONE, pages=2)
        report.file.save(f"q{version}.pdf", ContentFile(b"%PDF"), save=False)
        report.save()
    return followup_round


def build_round(n: int):
    build_plan(n)
    plan = ActionPlan.objects.get(strategy__slug="s")
    followup_round = _round_of(plan, n)
    return followup_round.get_absolute_url(), _coordinator_of(plan.strategy)


def _indicators_of(strategy, n: int, *, per_organisation: bool = False):
    from strategy.models import Indicator

    indicators = []
    for i in range(n):
        area = FocusAreaFactory(strategy=strategy, order=i)
        goal = EffectGoal.objects.create(strategy=strategy, focus_area=area, title=f"mål {i}")
        indicator = Indicator.objects.create(
            strategy=strategy,
            focus_area=area,
            effect_goal=goal,
            title=f"indikator {i}",
            per_organisation=per_organisation,
            kolada_kpi="N07918" if i % 2 else "",
        )
        for year in (2024, 2025):
            indicator.targets.create(year=year, value=10 + i)
        indicators.append(indicator)
    return indicators


def build_indicator_list(n: int):
    strategy = StrategyFactory(slug="s")
    _indicators_of(strategy, n)
    return "/strategier/s/indikatorer/", _coordinator_of(strategy)


def build_indicator_values(n: int):
    """An indicator with values for n organisations, the strategy and the country."""
    from followup.models import IndicatorValue

    strategy = StrategyFactory(slug="s")
    indicator = _indicators_of(strategy, 1, per_organisation=True)[0]
    for year in (2023, 2024):
        IndicatorValue.objects.create(indicator=indicator, year=year, value=1)
        IndicatorValue.objects.create(indicator=indicator, year=year, value=2, scope="country")
        for i in range(n):
            organisation = OrganisationFactory(name=f"Kommun {year} {i}")
            IndicatorValue.objects.create(
                indicator=indicator, year=year, organisation=organisation, value=i
            )
    url = f"/strategier/s/indikatorer/{indicator.pk}/varden/"
    return url, _coordinator_of(strategy)


def build_round_indicators(n: int):
    """A round's page with n indicators of the strategy, each with targets and values from
    Kolada for the strategy and the country."""
    from followup.models import IndicatorValue

    build_plan(3)
    plan = ActionPlan.objects.get(strategy__slug="s")
    for indicator in _indicators_of(plan.strategy, n):
        IndicatorValue.objects.create(indicator=indicator, year=2024, value=5, source="kolada")
        IndicatorValue.objects.create(
            indicator=indicator, year=2024, value=6, source="kolada", scope="country"
        )
    followup_round = _round_of(plan, 1)
    return followup_round.get_absolute_url(), _coordinator_of(plan.strategy)


def build_dashboard(n: int):
    """The programme dashboard with n collaboration areas, focus areas and indicators, and
    one approved round a year for 1 + n // 50 years, an activity per area in each year's
    plan with a budget line and a submitted report; seen by a coordinator (every round)."""
    from followup.models import ActivityReport, FollowUpRound, IndicatorValue, Report

    strategy = StrategyFactory(slug="s")
    lead = OrganisationFactory()
    areas = [CollaborationAreaFactory(strategy=strategy, order=i) for i in range(n)]
    indicators = _indicators_of(strategy, n)  # a focus area each
    for indicator in indicators:
        IndicatorValue.objects.create(indicator=indicator, year=2024, value=5, source="kolada")
        IndicatorValue.objects.create(indicator=indicator, year=2024, value=6, scope="country")
    for year in range(2020, 2021 + n // 50):
        plan = ActionPlanFactory(strategy=strategy, year=year)
        followup_round = FollowUpRound.objects.create(plan=plan, year=year, deadline="2099-12-31")
        for i, area in enumerate(areas):
            activity = ActivityFactory(plan=plan, collaboration_area=area, lead_organisation=lead)
            activity.focus_areas.add(indicators[i].focus_area)
            activity.budget_lines.create(kind="cost", year=year, label="Konsult", amount=10)
            ActivityReport.objects.create(
                round=followup_round,
                activity=activity,
                state="submitted",
                traffic_light=("green", "yellow", "red")[i % 3],
                progress=i % 100,
            )
        Report.objects.create(round=followup_round, version=1, state="done", review="approved")
    return "/strategier/s/uppfoljning/oversikt/", _coordinator_of(strategy)


def build_report_edit(n: int):
    build_plan(3)
    plan = ActionPlan.objects.get(strategy__slug="s")
    activity = plan.activities.first()
    for i in range(n):
        activity.sub_goals.create(title=f"delmål {i}", planned_count=2)
        activity.budget_lines.create(kind="cost", year=plan.year, label=f"Konsult {i}", amount=1)
    followup_round = _round_of(plan, 1)
    report = followup_round.reports.get(activity=activity)
    return report.get_absolute_url(), _coordinator_of(plan.strategy)


def build_meeting(n: int):
    """A meeting with n agenda items and n decisions, kept by a coordinator who is offered
    n initiatives awaiting the body."""
    from datetime import timedelta

    from django.utils import timezone

    from actionplans.models import Initiative
    from portal.models import Body, Decision, Meeting

    build_plan(3)
    plan = ActionPlan.objects.get(strategy__slug="s")
    body = Body.objects.create(
        name="Styrgrupp",
        slug="styr",
        kind=Body.Kind.STEERING_GROUP,
        organisation=plan.strategy.owner,
    )
    plan.strategy.governing_bodies.add(body)
    meeting = Meeting.objects.create(
        body=body, title="Möte", starts_at=timezone.now(), ends_at=timezone.now() + timedelta(1)
    )
    for i in range(n):
        meeting.items.create(title=f"punkt {i}", order=i)
        Decision.objects.create(
            body=body, meeting=meeting, decided_on=timezone.localdate(), title=f"beslut {i}"
        )
        Initiative.objects.create(
            strategy=plan.strategy,
            title=f"initiativ {i}",
            problem="p",
            expected_benefit="n",
            proposed_kind="prestudy",
            organisation=plan.strategy.owner,
            submitted_by=UserFactory(),
        )
    # The offered subjects are keyed by content type, which Django caches after its first
    # query: fill the cache here, so that both counts start alike.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Initiative)
    user = UserFactory(is_superuser=True)
    return f"/organ/styr/moten/{meeting.pk}/", user


def build_home(n: int):
    """The home page of a steering group member who also leads an area and answers offers,
    sits in n bodies more, and has n of everything that needs them: plans under review,
    initiatives to decide, meetings, offers to answer, reports to fill, versions of the
    round's report; and the year's plan steps, offers and rounds in the yearly cycle."""
    from datetime import timedelta

    from django.utils import timezone

    from actionplans.models import Initiative, Offer, PlanEvent
    from actionplans.services.permissions import access_sync
    from followup.access import round_access
    from followup.models import FollowUpRound, Report
    from followup.services.rounds import round_open
    from portal.models import Meeting
    from portal.services import contact_access_sync
    from tests.factories import programme_make

    p = programme_make(name="Hem")
    user = p.steering
    user.is_contact = True
    user.save()
    contact_access_sync(user=user)
    MembershipFactory(user=user, body=p.group, role=Membership.Role.LEAD)
    access_sync(strategy=p.strategy)
    now = timezone.now()
    plan = p.published_plan
    activities = [
        ActivityFactory(plan=plan, collaboration_area=p.area, lead_organisation=p.region)
        for _ in range(n)
    ]
    for i in range(n):
        MembershipFactory(user=user, role=Membership.Role.MEMBER)
        review = ActionPlanFactory(strategy=p.strategy, year=2100 + i, state="review")
        PlanEvent.objects.create(
            plan=review, kind="transition", transition="submit", to_state="review", actor=user
        )
        Initiative.objects.create(
            strategy=p.strategy,
            title=f"initiativ {i}",
            problem="p",
            expected_benefit="n",
            proposed_kind="prestudy",
            organisation=p.region,
            submitted_by=p.contact,
            state=Initiative.State.ANALYSIS,
            preparer=p.commenter,
            **dict.fromkeys(Initiative.CRITERIA, 3),
        )
        starts = now + timedelta(minutes=i + 1)
        Meeting.objects.create(
            body=p.steering_group, title=f"möte {i}", starts_at=starts, ends_at=starts
        )
        offer = Offer.objects.create(
            plan=plan, title=f"erbjudande {i}", deadline=timezone.localdate(), sent_by=user
        )
        offer.recipients.create(organisation=p.region)
        offer.activities.add(activities[i])
    coordinator = p.coordinator
    followup_round = round_open(
        plan=plan,
        user=coordinator,
        access=round_access(coordinator, FollowUpRound(plan=plan)),
        year=plan.year,
        term="",
        deadline=timezone.localdate(),
    )
    for i in range(n):
        Report.objects.create(
            round=followup_round, version=i + 1, state=Report.State.DONE, file=f"v{i}.pdf"
        )
    return "/hem/", user


def build_member_search(n: int):
    """A body's page searching for someone to add, with n people who match, some with an
    organisation and a membership elsewhere, searched by one of the programme's coordinators."""
    from portal.models import Body

    region = OrganisationFactory(name="Region S", kind="region")
    Body.objects.create(
        name="Styrgrupp", slug="styr", kind=Body.Kind.STEERING_GROUP, organisation=region
    )
    coordinator = UserFactory(organisation=region)
    MembershipFactory(
        user=coordinator, body__kind=Body.Kind.COORDINATORS, body__organisation=region
    )
    for i in range(n):
        person = UserFactory(last_name=f"Sökbar {i}", organisation=OrganisationFactory())
        MembershipFactory(user=person, body__organisation=region)
    return "/organ/styr/medlemmar/sok/?q=s%C3%B6kbar", coordinator


def build_security_keys(n: int):
    """Someone's own list of their n security keys."""
    from allauth.mfa.models import Authenticator

    user = UserFactory()
    Authenticator.objects.bulk_create(
        Authenticator(
            user=user,
            type=Authenticator.Type.WEBAUTHN,
            data={"name": f"Nyckel {i}", "credential": {}},
        )
        for i in range(n)
    )
    return "/accounts/2fa/webauthn/", user


def build_search(n: int):
    """The activity search with n matching activities across plans, by a coordinator."""
    url = build_plan(n)
    plan = ActionPlan.objects.get(strategy__slug="s")
    plan.activities.update(title="Sökbar aktivitet om bredband")
    assert url
    return "/handlingsplaner/sok/?q=bredband", _coordinator_of(plan.strategy)


def build_api_activities(n: int) -> str:
    build_plan(n)
    return "/api/v1/activities/?limit=100"


def build_api_plan(n: int) -> str:
    build_plan(n)
    return f"/api/v1/plans/{ActionPlan.objects.get(strategy__slug='s').pk}/"


PAGES = {
    "start": (build_start, False),
    "strategy-list": (build_strategy_list, False),
    "strategy-detail": (build_strategy, False),
    "focus-area": (build_focus_area, False),
    "collaboration-areas": (build_collaboration_areas, False),
    "plan-list": (build_plan_list, False),
    "plan-detail": (build_plan, False),
    "home": (build_home, False),
    "workspace": (build_workspace, False),
    "activity-history": (build_activity_history, False),
    "strategy-editor": (build_strategy_editor, False),
    "offer-matrix": (build_offer, False),
    "consultation-compilation": (build_consultation, False),
    "followup-round": (build_round, False),
    "followup-round-indicators": (build_round_indicators, False),
    "followup-dashboard": (build_dashboard, False),
    "indicator-list": (build_indicator_list, False),
    "indicator-values": (build_indicator_values, False),
    "meeting": (build_meeting, False),
    "member-search": (build_member_search, False),
    "security-keys": (build_security_keys, False),
    "search": (build_search, False),
    "api-activities": (build_api_activities, False),
    "api-plan": (build_api_plan, False),
}
#: Pages with forms: a choice field reads its options while the form renders, so these
#: are held only to a constant number of queries.
FORM_PAGES = {
    "activity-edit": build_activity_edit,
    "followup-report": build_report_edit,
    "plan-carry-over": build_carry_over,
}


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", list(PAGES))
def test_queries_do_not_grow_with_rows(client, db, monkeypatch, page):
    builder, _signed_in = PAGES[page]
    counts = []
    for rows in (5, 200):
        # Each round builds its rows in a savepoint and rolls them back afterwards.
        with transaction.atomic(), no_queries_while_rendering(monkeypatch):
            url = builder(rows)
            if isinstance(url, tuple):
                url, user = url
                client.force_login(user)
            counts.append(_count(client, url))
            transaction.set_rollback(True)
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 5 rows, {counts[1]} with 200"


@pytest.mark.parametrize("page", list(FORM_PAGES))
def test_form_page_queries_do_not_grow_with_rows(client, db, page):
    counts = []
    for rows in (5, 200):
        with transaction.atomic():
            url, user = FORM_PAGES[page](rows)
            client.force_login(user)
            counts.append(_count(client, url))
            transaction.set_rollback(True)
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 5 rows, {counts[1]} with 200"
