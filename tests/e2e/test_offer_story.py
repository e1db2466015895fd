"""Issue 5's story: samordnare sends an offer, kontakt-kumla and kontakt-nora answer, the
matrix shows it, and a late answer is refused with a clear message."""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.e2e

TITLE = "Erbjudande om videomöten och SDK"


def _answer(visitor, username, answers):
    page = visitor.page
    visitor.sign_in(username)
    with page.expect_navigation():
        page.locator("main section[aria-labelledby='offers-heading'] a", has_text=TITLE).click()
    visitor.check()
    for index, value in answers.items():
        page.locator("fieldset.answer-group").nth(index).locator(f"input[value={value}]").check()
    page.locator("fieldset.answer-group").first.locator("input[name$='-contact']").fill(
        f"Kontakt {username}"
    )
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    assert page.locator(".message-success").is_visible()
    visitor.sign_out()


def test_offer_answers_and_matrix(visitor):
    from actionplans.models import Offer

    page = visitor.page
    visitor.sign_in("samordnare")
    visitor.goto("/planarbete/")
    visitor.follow("Aktiviteter 2023")
    with page.expect_navigation():
        page.locator("main a[href$='/nytt-erbjudande/']").click()
    visitor.check()
    page.fill("#id_title", TITLE)
    page.fill("#id_text", "Anmäl intresse per aktivitet.")
    page.fill("#id_deadline", "2099-12-31")
    for title in ("Säkra digitala videomöten", "SDK (Säker Digital Kommunikation)"):
        page.locator("#id_activities label", has_text=title).locator("input").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    offer_url = page.url
    visitor.sign_out()

    _answer(visitor, "kontakt-kumla", {0: "yes", 1: "no"})
    _answer(visitor, "kontakt-nora", {0: "yes", 1: "undecided"})

    visitor.sign_in("samordnare")
    visitor.goto(offer_url.removeprefix(visitor.base_url))
    matrix = page.locator("table.matrix")
    assert matrix.locator("th", has_text="Kumla kommun").is_visible()
    row = matrix.locator("tbody tr", has_text="Säkra digitala videomöten")
    assert row.locator("td.num").first.inner_text() == "2"  # two take part
    visitor.sign_out()

    # After the deadline a contact's change is refused, with what to do instead.
    offer = Offer.objects.get(title=TITLE)
    Offer.objects.filter(pk=offer.pk).update(deadline=offer.sent_at.date() - timedelta(days=1))
    visitor.sign_in("kontakt-kumla")
    visitor.goto(f"/erbjudanden/{offer.pk}/svara/")
    alert = page.locator("[role=alert]").first
    assert "2099" not in alert.inner_text()
    assert alert.is_visible()
    assert page.locator("main form button[type=submit]").count() == 0
    response = page.request.post(
        f"{visitor.base_url}/erbjudanden/{offer.pk}/svara/",
        form={
            "csrfmiddlewaretoken": page.locator(
                "input[name=csrfmiddlewaretoken]"
            ).first.input_value()
        },
    )
    assert response.status == 200
    assert "samordnare" in response.text().lower()
