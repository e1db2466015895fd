"""The next strategy decided and the work carried over: styrgrupp decides
"Digitaliseringsstrategi för Örebro län 2027–2030" (made here from today's by the editor's
service and worked through) at its meeting, where samordnare put it on the agenda; then
samordnare starts the first plan of 2027 from the plan of 2026, taking over two continuing
activities and confirming the mapping of their links to the new tree."""

import pytest

pytestmark = pytest.mark.e2e

TITLE = "Digitaliseringsstrategi för Örebro län 2027–2030"
SLUG = "orebro-lan-2027-2030"


def _worked_through_draft():
    """The new strategy, as the editor and the consultation leave it: in revision."""
    from datetime import timedelta

    from portal.dates import today as today_date
    from portal.models import Organisation, User
    from strategy.access import strategy_access
    from strategy.models import Strategy
    from strategy.services import strategies
    from strategy.services.consultations import consultation_send
    from strategy.services.strategies import NewStrategy

    user = User.objects.get(username="samordnare")
    today = Strategy.objects.get(slug="orebro-lan-2021-2026")
    draft = strategies.strategy_copy(
        source=today,
        new=NewStrategy(TITLE, SLUG, 2027, 2030),
        user=user,
        access=strategy_access(user, today),
    )
    draft = consultation_send(
        strategy=draft,
        user=user,
        access=strategy_access(user, draft),
        deadline=today_date() + timedelta(days=14),
        reminder_days=7,
        organisations=[Organisation.objects.get(name="Kumla kommun")],
    ).strategy
    return strategies.strategy_transition(
        strategy=draft, name="revise", user=user, access=strategy_access(user, draft)
    )


def _plan_of_2026():
    """The demo's 2024 plan rolled on to 2025 and 2026 (the old strategy's last year)."""
    from actionplans.access import plan_access
    from actionplans.models import ActionPlan, Activity
    from actionplans.services.plans import plan_rollover
    from portal.models import User

    user = User.objects.get(username="samordnare")
    plan = ActionPlan.objects.get(strategy__slug="orebro-lan-2021-2026", year=2024)
    for _year in (2025, 2026):
        activities = plan.activities.filter(removed_at__isnull=True)
        plan = plan_rollover(
            plan=plan, user=user, access=plan_access(user, plan),
            activity_ids=list(activities.values_list("pk", flat=True)), title="",
        )  # fmt: skip
    # The demo's 2024 plan has one activity: 2026 gets a second, under way, to carry over.
    first = plan.activities.get()
    second = Activity.objects.create(
        plan=plan,
        title="Gemensam e-arkivlösning",
        status=Activity.Status.ONGOING,
        collaboration_area=first.collaboration_area,
        lead_organisation=first.lead_organisation,
        order=first.order + 1,
    )
    second.focus_areas.set(first.focus_areas.all())
    second.directions.set(first.directions.all())
    return plan


def test_the_next_strategy_is_decided_and_the_work_carried_over(visitor):
    from django.contrib.contenttypes.models import ContentType

    from actionplans.models import ActionPlan
    from portal.models import Decision, Meeting
    from strategy.models import Strategy

    draft = _worked_through_draft()
    last_plan = _plan_of_2026()
    meeting = Meeting.objects.filter(body__slug="programstyrgruppen").order_by("starts_at")[0]
    page = visitor.page

    # The secretariat puts the strategy on the steering group's agenda.
    visitor.sign_in("samordnare")
    visitor.goto(f"/organ/programstyrgruppen/moten/{meeting.pk}/")
    key = f"{ContentType.objects.get_for_model(Strategy).pk}:{draft.pk}"
    page.select_option("#id_agenda-subject", key)
    page.locator("#agenda form.form button[type=submit]").click()
    page.wait_for_selector(f"ol.agenda-list a[href='/strategier/{SLUG}/beslut/']")
    visitor.check()
    visitor.sign_out()

    # The steering group decides it at the meeting.
    visitor.sign_in("styrgrupp")
    visitor.goto(f"/strategier/{SLUG}/beslut/")
    page.select_option("#id_meeting", str(meeting.pk))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    assert page.url == f"{visitor.base_url}/strategier/{SLUG}/"
    draft.refresh_from_db()
    assert draft.state == Strategy.State.DECIDED
    decision = Decision.objects.get(subject_id=draft.pk, body__slug="programstyrgruppen")
    assert decision.meeting == meeting
    visitor.sign_out()

    # The first plan of 2027 takes over two continuing activities.
    visitor.sign_in("samordnare")
    with page.expect_navigation():
        page.goto(f"{visitor.base_url}/planarbete/{last_plan.pk}/nasta-ar/")
    assert page.url == f"{visitor.base_url}/planarbete/{last_plan.pk}/ny-strategi/"
    visitor.check()
    boxes = page.locator("input[name=activities]")
    for index in range(boxes.count()):
        boxes.nth(index).uncheck()
    taken = [int(boxes.nth(i).get_attribute("value")) for i in (0, 1)]
    for index in (0, 1):
        boxes.nth(index).check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    first = ActionPlan.objects.get(strategy=draft, year=2027)
    assert page.url == f"{visitor.base_url}/planarbete/{first.pk}/"
    titles = set(last_plan.activities.filter(pk__in=taken).values_list("title", flat=True))
    assert set(first.activities.values_list("title", flat=True)) == titles
    for activity in first.activities.all():
        assert activity.collaboration_area.strategy_id == draft.pk
        assert all(area.strategy_id == draft.pk for area in activity.focus_areas.all())
