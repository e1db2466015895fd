"""One story per role through the pages that exist, in Swedish and in English."""

import pytest

COUNTY = "/strategier/orebro-lan-2021-2026/"

pytestmark = pytest.mark.e2e


def test_anonymous_reader(visitor):
    page = visitor.page
    visitor.goto("/")
    visitor.follow("Digitaliseringsstrategi för Örebro län 2021–2026")
    assert page.locator("h1").inner_text() == "Digitaliseringsstrategi för Örebro län 2021–2026"
    visitor.follow("Digital trygghet")
    assert "Digital trygghet" in page.locator("h1").inner_text()
    visitor.goto(COUNTY + "samverkansomraden/")
    assert page.locator("h2", has_text="Öppna data").is_visible()
    visitor.goto("/handlingsplaner/")
    visitor.follow("Aktiviteter 2023")
    assert page.locator("h3", has_text="SDK (Säker Digital Kommunikation)").is_visible()
    visitor.goto("/tillganglighet/")
    visitor.goto("/handlingsplaner/orebro-lan-2021-2026/2024/", expect_status=404)
    # The skip link is the first stop for a keyboard user and moves focus to the content.
    visitor.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_switching_language(visitor):
    page = visitor.page
    visitor.goto(COUNTY)
    other = "English" if visitor.language == "sv" else "Svenska"
    with page.expect_navigation():
        page.click(f"header button:has-text('{other}')")
    expected = "en" if visitor.language == "sv" else "sv"
    assert page.get_attribute("html", "lang") == expected
    assert page.url.endswith(COUNTY)


def test_coordinator(visitor):
    page = visitor.page
    visitor.sign_in("samordnare")
    assert page.locator("text=Programledning och samordning").is_visible()
    visitor.goto("/admin/actionplans/activity/")
    assert page.locator("text=SDK (Säker Digital Kommunikation)").first.is_visible()
    visitor.goto("/hem/")
    visitor.sign_out()


def test_steering_group_member(visitor):
    page = visitor.page
    visitor.sign_in("styrgrupp")
    assert page.locator("text=Programstyrgruppen för digitalisering Örebro län").first.is_visible()
    visitor.goto("/handlingsplaner/orebro-lan-2021-2026/2023/")
    visitor.goto("/organ/programstyrgruppen/")
    visitor.goto("/beslut/?organ=programstyrgruppen")
    # Not staff: the admin's sign-in (through the portal's, allauth's secure_admin_login)
    # refuses a signed-in person who is not staff with the portal's 403 page.
    visitor.goto("/admin/", expect_status=403)
    assert "/admin/login/" in page.url
    visitor.goto("/hem/")
    visitor.sign_out()


def test_municipal_contact(visitor):
    page = visitor.page
    visitor.sign_in("kontakt-kumla")
    assert page.locator("text=Kumla kommun").is_visible()
    visitor.goto("/handlingsplaner/orebro-lan-2021-2026/2024/", expect_status=404)
    visitor.goto("/hem/")
    visitor.sign_out()
