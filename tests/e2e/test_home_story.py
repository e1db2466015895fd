"""Issue 19's story: a steering group member's home page shows what needs them now (a plan
under review to approve, the meetings of their body) and the programme's yearly cycle;
an insatsledare's shows the reports to fill. In Swedish and in English, with axe-core and
the CSP watch on every page (tests/e2e/conftest.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.e2e

PLAN = "orebro-lan-2021-2026"


def _open_the_autumn_2023_round() -> None:
    """The demo holds a whole year: the 2024 plan already awaits the steering group, and
    2023 is followed up; its autumn term is opened here so the insatsledare has reports."""
    from actionplans.models import ActionPlan
    from followup.access import round_access
    from followup.models import FollowUpRound
    from followup.services.rounds import round_open
    from portal.models import User

    coordinator = User.objects.get(username="samordnare")
    published = ActionPlan.objects.get(strategy__slug=PLAN, year=2023)
    round_open(
        plan=published,
        user=coordinator,
        access=round_access(coordinator, FollowUpRound(plan=published)),
        year=2023,
        term=FollowUpRound.Term.AUTUMN,
        deadline=timezone.localdate() + timedelta(days=14),
    )


def test_home_page_of_the_steering_group_and_an_insatsledare(visitor):
    from actionplans.models import ActionPlan

    _open_the_autumn_2023_round()
    plan = ActionPlan.objects.get(strategy__slug=PLAN, year=2024)
    page = visitor.page
    visitor.sign_in("styrgrupp")
    main = page.locator("main")
    plans = main.locator("section[aria-labelledby='plans-review-heading']")
    assert plans.locator(f"a[href='{plan.get_edit_url()}']").is_visible()
    assert main.locator("#meetings-heading").is_visible()
    cycle = main.locator("section[aria-labelledby='cycle-heading']")
    assert cycle.locator("ol.cycle-phases > li").count() == 4
    assert cycle.locator("li[aria-current='step']").count() == 1
    assert cycle.locator("li.cycle-today").count() == 1
    assert cycle.locator("img.cycle-wheel").is_visible()
    with page.expect_navigation():
        plans.locator(f"a[href='{plan.get_edit_url()}']").click()
    visitor.check()
    visitor.sign_out()

    visitor.sign_in("insatsledare-digital-infrastruktur")
    assert page.locator("main #fill-heading").is_visible()
    assert page.locator("main #plans-review-heading").count() == 0
    visitor.sign_out()
