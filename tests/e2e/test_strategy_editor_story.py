"""The next strategy written in the portal: samordnare starts "Digitaliseringsstrategi för
Örebro län 2027–2030" as a copy of today's, changes a focus area's goal in place (htmx, no
reload), adds a strategic direction and moves it up; the draft is not public."""

import pytest

pytestmark = pytest.mark.e2e

TITLE = "Digitaliseringsstrategi för Örebro län 2027–2030"
SLUG = "orebro-lan-2027-2030"
GOAL = "Alla i länet har den digitala förmåga som 2030 kräver."


def test_the_coordinator_writes_the_next_strategy(visitor):
    from strategy.models import FocusArea, StrategicDirection, Strategy

    today = Strategy.objects.get(slug="orebro-lan-2021-2026")
    page = visitor.page
    visitor.sign_in("samordnare")
    visitor.goto("/strategier/ny/")
    page.select_option("#id_source", str(today.pk))
    page.locator("input[name=start][value=copy]").check()
    page.fill("#id_title", TITLE)
    page.fill("#id_slug", SLUG)
    page.fill("#id_period_start", "2027")
    page.fill("#id_period_end", "2030")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    assert page.url == f"{visitor.base_url}/strategier/{SLUG}/redigera/"
    draft = Strategy.objects.get(slug=SLUG)
    assert draft.state == Strategy.State.DRAFT
    areas = list(FocusArea.objects.filter(strategy=draft).order_by("order"))
    assert [a.title for a in areas] == [
        a.title for a in FocusArea.objects.filter(strategy=today).order_by("order")
    ]

    # A focus area's goal, changed in place.
    area = areas[0]
    row = page.locator(f"#fokusomraden-{area.pk}")
    row.locator(".activity-actions a").click()
    page.wait_for_selector("#andra-fokusomraden-goal")
    visitor.check()
    page.fill("#andra-fokusomraden-goal", GOAL)
    page.locator(f"#fokusomraden-{area.pk} form button[type=submit]").click()
    page.wait_for_selector(f"#fokusomraden-{area.pk} >> text={GOAL}")
    area.refresh_from_db()
    assert (area.goal, area.version) == (GOAL, 2)

    # A strategic direction added under it, then moved to the top.
    page.locator(f"#ny-{area.pk}-inriktningar-title").locator("xpath=ancestor::details").locator(
        "summary"
    ).click()
    page.fill(f"#ny-{area.pk}-inriktningar-title", "Digital kompetens i varje verksamhet")
    page.locator(f"#ny-{area.pk}-inriktningar-title").locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).click()
    page.wait_for_selector("text=Digital kompetens i varje verksamhet")
    added = StrategicDirection.objects.get(
        focus_area=area, title="Digital kompetens i varje verksamhet"
    )
    visitor.check()
    # Last, it has no "move down"; one place up, it has.
    assert page.locator(f"#inriktningar-{added.pk} button[value=down]").count() == 0
    page.locator(f"#inriktningar-{added.pk} button[value=up]").click()
    page.wait_for_selector(f"#inriktningar-{added.pk} button[value=down]")
    titles = list(area.directions.order_by("order").values_list("title", flat=True))
    assert titles.index(added.title) == len(titles) - 2
    visitor.check()
    visitor.sign_out()

    # The draft is not public.
    visitor.goto(f"/strategier/{SLUG}/", expect_status=404)
    visitor.goto("/strategier/")
    assert TITLE not in page.locator("main").inner_text()
