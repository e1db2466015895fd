"""Issue 14's roles from memberships: samordnare finds Kumla's contact on the steering
group's page (live results, htmx), adds them as a member, and they may approve plans at
once; samordnare then ends the membership, which stays among the former members and takes
the right away."""

import pytest

pytestmark = pytest.mark.e2e


def test_the_coordinator_adds_and_ends_a_member(visitor):
    from actionplans.access import plan_access
    from actionplans.models import ActionPlan
    from portal.models import Membership, User

    contact = User.objects.get(username="kontakt-kumla")
    plan = ActionPlan.objects.get(strategy__slug="orebro-lan-2021-2026", year=2024)
    assert not plan_access(contact, plan).can_approve
    page = visitor.page
    visitor.sign_in("samordnare")
    visitor.goto("/organ/programstyrgruppen/")

    # The results come as the name is typed, without a reload.
    page.fill("#person-q", "kontakt kumla")
    page.wait_for_selector(f"#person-results input[value='{contact.pk}']")
    visitor.check()
    page.check(f"#person-results input[value='{contact.pk}']")
    page.select_option("#id_role", Membership.Role.MEMBER)
    with page.expect_navigation():
        page.locator("#person-results button[type=submit]").click()
    visitor.check()
    membership = Membership.objects.get(user=contact, body__slug="programstyrgruppen")
    assert plan_access(contact, plan).can_approve
    members = page.locator("main table").first
    assert members.get_by_role("cell", name=str(contact), exact=True).count() == 1

    end = f"form[action$='/medlemmar/{membership.pk}/avsluta/'] button"
    with page.expect_navigation():
        page.locator(end).click()
    visitor.check()
    membership.refresh_from_db()
    assert membership.ended_on is not None
    assert not plan_access(contact, plan).can_approve
    page.locator("main details summary").click()
    former = page.locator("main details table")
    assert former.get_by_role("cell", name=str(contact), exact=True).count() == 1
    visitor.check()
