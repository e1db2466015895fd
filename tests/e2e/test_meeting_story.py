"""A body's meeting kept in the portal: samordnare (the programme's secretariat) adds a
steering-group meeting, sets its agenda with the plan awaiting approval and a plain item
(htmx, no reload), records the decision taken on the plan and publishes the minutes; a
visitor who is not signed in reads them."""

import pytest

pytestmark = pytest.mark.e2e

TITLE = "Extra styrgruppsmöte om handlingsplanen"


def test_the_secretariat_keeps_a_meeting(visitor):
    from actionplans.models import ActionPlan
    from portal.models import Decision, Meeting

    plan = ActionPlan.objects.get(strategy__slug="orebro-lan-2021-2026", year=2024)
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.REVIEW)
    page = visitor.page
    visitor.sign_in("samordnare")
    visitor.goto("/organ/programstyrgruppen/")
    with page.expect_navigation():
        page.locator("main a[href='/organ/programstyrgruppen/moten/nytt/']").click()
    visitor.check()
    page.fill("#id_title", TITLE)
    page.fill("#id_starts_at", "2026-12-15T13:00")
    page.fill("#id_ends_at", "2026-12-15T15:00")
    page.fill("#id_location", "Regionens hus, sal Berget")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    meeting = Meeting.objects.get(title=TITLE)
    meeting_url = page.url.removeprefix(visitor.base_url)
    assert meeting_url == f"/organ/programstyrgruppen/moten/{meeting.pk}/"

    # The agenda: the plan awaiting approval, chosen from the list, then a plain item.
    page.select_option("#id_agenda-subject", index=1)
    page.locator("#agenda form.form button[type=submit]").click()
    page.wait_for_selector("ol.agenda-list li")
    page.fill("#id_agenda-title", "Övriga frågor")
    page.locator("#agenda form.form button[type=submit]").click()
    page.wait_for_selector("ol.agenda-list li:nth-child(2)")
    visitor.check()
    items = list(meeting.items.order_by("order"))
    assert [item.subject for item in items] == [plan, None]
    assert page.locator(f"ol.agenda-list a[href='{plan.get_edit_url()}']").count() == 1

    # The decision on the plan's item, public.
    page.fill("#id_decision-title", "Planen återremitteras")
    page.select_option("#id_decision-item", index=1)
    page.locator("#id_decision-is_public").check()
    with page.expect_navigation():
        page.locator("main form[action$='/beslut/'] button[type=submit]").click()
    visitor.check()
    decision = Decision.objects.get(title="Planen återremitteras")
    assert decision.meeting == meeting and decision.subject == plan and decision.is_public

    # The minutes, published.
    with page.expect_navigation():
        page.locator(f"main a[href='{meeting_url}andra/']").click()
    visitor.check()
    page.fill("#id_minutes", "§ 1 Handlingsplanen återremitterades till programledningen.")
    page.locator("#id_minutes_published").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    visitor.check()
    visitor.sign_out()

    # Anyone reads the meeting: agenda, decision, minutes.
    visitor.goto(meeting_url)
    main = page.locator("main").inner_text()
    assert "Planen återremitteras" in main and "§ 1 Handlingsplanen" in main
    assert page.locator("main form").count() == 0
    visitor.goto("/beslut/?organ=programstyrgruppen")
    assert "Planen återremitteras" in page.locator("main").inner_text()
