"""Issue 4's story: the coordinator takes the 2024 plan back from review (the demo has it
awaiting the steering group), adds an activity and links it, submits the plan again, the
strategy group comments, the steering group approves, the coordinator publishes, and the
activity is on the public page."""

import re

import pytest

pytestmark = pytest.mark.e2e

PUBLIC = "/handlingsplaner/orebro-lan-2021-2026/2024/"
TITLE = "Gemensam kartläggning av bredband"


def _workspace(visitor):
    visitor.goto("/planarbete/")
    visitor.follow("Aktiviteter 2024")


def _step(visitor, name, comment=""):
    form = visitor.page.locator(f"form[action$='/steg/{name}/']")
    if comment:
        form.locator("textarea").fill(comment)
    with visitor.page.expect_navigation():
        form.locator("button").click()
    visitor.check()


def test_plan_from_draft_to_public(visitor):
    page = visitor.page
    visitor.sign_in("samordnare")
    _workspace(visitor)
    _step(visitor, "send_back", "Vi lägger till en kartläggning av bredbandet.")
    assert page.locator(".badge-draft").first.is_visible()

    # A new activity, linked to a focus area and a strategic direction.
    with page.expect_navigation():
        page.locator("main a[href$='/ny-aktivitet/']").click()
    visitor.check()
    page.fill("#id_title", TITLE)
    page.fill("#id_description", "Kartlägga täckningen i länets kommuner.")
    page.select_option("#id_kind", "prestudy")
    page.select_option("#id_collaboration_area", label="Digital infrastruktur")
    page.select_option("#id_lead_organisation", label="Region Örebro län")
    page.locator("#id_focus_areas label", has_text="Digital infrastruktur").locator("input").check()
    page.locator("#id_directions label").first.locator("input").check()
    page.fill("#id_sub_goals-0-title", "Kartläggning klar")
    page.fill("#id_sub_goals-0-planned_count", "1")
    page.select_option("#id_sub_goals-0-count_period", "total")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    card = page.locator("article", has_text=TITLE)
    assert card.is_visible()

    # Edited in place (htmx): the form replaces the card, saving brings the card back.
    workspace_url = page.url
    card.locator("a[href$='/andra/']").click()
    form = page.locator("form.activity-form")
    form.wait_for()
    visitor.check()
    form.locator("[name=title]").fill(TITLE + " i länet")
    form.locator("button[type=submit]").click()
    page.locator("article", has_text=TITLE + " i länet").wait_for()
    assert page.url == workspace_url  # no page load
    visitor.check()

    _step(visitor, "submit", "Klar för granskning")
    assert page.locator(".badge-review").first.is_visible()
    visitor.sign_out()

    visitor.sign_in("strategigrupp")
    _workspace(visitor)
    page.fill("#id_comment", "Bra, lägg gärna till ett mätetal.")
    with page.expect_navigation():
        page.locator("form[action$='/kommentar/'] button").click()
    visitor.check()
    assert page.locator(".timeline", has_text="lägg gärna till ett mätetal").is_visible()
    visitor.sign_out()

    visitor.sign_in("styrgrupp")
    _workspace(visitor)
    _step(visitor, "approve")
    visitor.sign_out()

    visitor.sign_in("samordnare")
    _workspace(visitor)
    _step(visitor, "publish")
    visitor.goto(PUBLIC)
    assert page.locator("h3", has_text=TITLE + " i länet").is_visible()

    # The history shows the in-place edit as before and after.
    _workspace(visitor)
    with page.expect_navigation():
        page.locator("article", has_text=TITLE).locator("a[href$='/historik/']").click()
    visitor.check()
    row = page.locator("tr", has_text=TITLE + " i länet").first
    assert re.search(re.escape(TITLE), row.inner_text())


def test_a_lead_cannot_edit_another_area(visitor):
    visitor.sign_in("insatsledare-digital-infrastruktur")
    _workspace(visitor)
    project = visitor.page.locator("article", has_text="Regional digitaliseringsutveckling")
    assert project.locator("a[href$='/andra/']").count() == 0
    # Opening its edit form directly is refused.
    href = project.locator("a[href$='/historik/']").get_attribute("href")
    visitor.goto(href.replace("/historik/", "/andra/"), expect_status=403)
