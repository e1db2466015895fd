"""Issue 7's story: kontakt-laxa submits an initiative, strategigrupp prepares and scores
it, styrgrupp prioritises it into the 2025 plan at its meeting; the decision is in the
register and the activity in the plan."""

import pytest

pytestmark = pytest.mark.e2e

TITLE = "Gemensam e-tjänst för bygglov"


def _post(page, button):
    with page.expect_navigation():
        page.locator(f"main form button[name={button}]").click()


def test_initiative_from_need_to_plan(visitor):
    from actionplans.models import Initiative
    from portal.models import Decision

    page = visitor.page
    visitor.sign_in("kontakt-laxa")
    with page.expect_navigation():
        page.locator("main a[href='/initiativ/']").click()
    visitor.check()
    with page.expect_navigation():
        page.locator("main a[href='/initiativ/nytt/']").click()
    visitor.check()
    page.fill("#id_title", TITLE)
    page.fill("#id_problem", "Varje kommun bygger och förvaltar sin egen e-tjänst för bygglov.")
    page.fill("#id_expected_benefit", "Lägre kostnad och samma service i hela länet.")
    page.locator("#id_focus_areas input").first.check()
    page.select_option("#id_proposed_kind", "prestudy")
    page.fill("#id_rough_cost", "250000")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    initiative_url = page.url.removeprefix(visitor.base_url)
    assert TITLE in page.locator("h1").inner_text()
    visitor.sign_out()

    # The strategy group takes it on and scores it.
    visitor.sign_in("strategigrupp")
    visitor.goto("/initiativ/")
    visitor.goto(initiative_url)
    page.select_option("#id_preparer", label="Demo Strategigrupp")
    _post(page, "assign")
    visitor.check()
    for name in Initiative.CRITERIA:
        page.locator(f"input[name={name}][value='4']").check()
    page.fill("#id_analysis", "Stark koppling till fokusområdet och hög nytta för små kommuner.")
    _post(page, "score")
    visitor.check()
    assert "20" in page.locator("main table caption").first.inner_text()
    # Today's meeting of the steering group is the first coming one.
    page.select_option("#id_agenda-meeting", index=1)
    _post(page, "agenda")
    visitor.check()
    visitor.sign_out()

    # The steering group prioritises it into 2025 at today's meeting.
    visitor.sign_in("styrgrupp")
    visitor.goto(initiative_url)
    page.locator("input[name=outcome][value=prioritised]").check()
    page.fill("#id_reason", "Hög nytta för alla kommuner; förstudie 2025.")
    page.fill("#id_year", "2025")
    page.select_option("#id_collaboration_area", label="Välfärdstjänster")
    # The meeting whose agenda it is on is chosen.
    agenda_meeting = page.locator("#id_meeting").input_value()
    assert agenda_meeting
    _post(page, "decide")
    visitor.check()
    initiative = Initiative.objects.get(title=TITLE)
    assert initiative.outcome == Initiative.Outcome.PRIORITISED
    assert initiative.activity.plan.year == 2025
    decision = Decision.objects.get(subject_id=initiative.pk, subject_type__model="initiative")
    assert str(decision.meeting_id) == agenda_meeting
    assert decision.meeting.items.get().subject_id == initiative.pk

    visitor.goto("/beslut/?organ=programstyrgruppen")
    assert decision.title in page.locator("main").inner_text()
    visitor.goto("/organ/programstyrgruppen/")
    assert page.locator(f"ol.agenda a[href='{initiative.get_absolute_url()}']").count() == 1
    visitor.goto(f"/planarbete/{initiative.activity.plan_id}/")
    assert TITLE in page.locator("main").inner_text()
    visitor.sign_out()

    # The submitter sees the whole timeline.
    visitor.sign_in("kontakt-laxa")
    visitor.goto(initiative_url)
    assert page.locator("ol.timeline li").count() == 5
