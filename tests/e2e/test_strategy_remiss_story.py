"""The next strategy on consultation (remiss): samordnare starts "Digitaliseringsstrategi för
Örebro län 2027–2030" as a copy of today's and sends it on remiss to three municipalities,
Kumla among them; kontakt-kumla answers from the home page; the compilation shows the
answer under its part, with Kumla's name."""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.e2e

TITLE = "Digitaliseringsstrategi för Örebro län 2027–2030"
SLUG = "orebro-lan-2027-2030"
ASKED = ("Kumla kommun", "Nora kommun", "Laxå kommun")
COMMENT = "Kumla vill se mer om digital kompetens i skolan."


def test_the_draft_goes_on_remiss_and_kumla_answers(visitor):
    from portal.dates import today
    from strategy.models import Consultation, ConsultationAnswer, Strategy

    current = Strategy.objects.get(slug="orebro-lan-2021-2026")
    page = visitor.page
    visitor.sign_in("samordnare")
    visitor.goto("/strategier/ny/")
    page.select_option("#id_source", str(current.pk))
    page.locator("input[name=start][value=copy]").check()
    page.fill("#id_title", TITLE)
    page.fill("#id_slug", SLUG)
    page.fill("#id_period_start", "2027")
    page.fill("#id_period_end", "2030")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()

    # From the editor's workflow to the send page.
    with page.expect_navigation():
        page.locator(f"main a[href='/strategier/{SLUG}/remiss/skicka/']").click()
    visitor.check()
    for name in ASKED:
        page.locator("main").get_by_label(name, exact=True).check()
    page.fill("#id_deadline", (today() + timedelta(days=21)).isoformat())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    consultation = Consultation.objects.get(strategy__slug=SLUG)
    assert sorted(r.organisation.name for r in consultation.recipients.all()) == sorted(ASKED)
    assert Strategy.objects.get(slug=SLUG).state == Strategy.State.CONSULTATION
    visitor.sign_out()

    # Kumla's contact answers from the home page.
    visitor.sign_in("kontakt-kumla")
    answer_url = f"/strategier/{SLUG}/remiss/{consultation.pk}/svar/"
    with page.expect_navigation():
        page.locator(f"main a[href='{answer_url}']").click()
    visitor.check()
    page.locator("input[name=strategy-stance][value=changes]").check()
    page.fill("#id_strategy-comment", COMMENT)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    answer = ConsultationAnswer.objects.get(recipient__consultation=consultation)
    assert (answer.recipient.organisation.name, answer.stance) == ("Kumla kommun", "changes")
    visitor.sign_out()

    # The compilation shows the answer, with Kumla's name, under the whole.
    visitor.sign_in("samordnare")
    visitor.goto(f"/strategier/{SLUG}/remiss/{consultation.pk}/")
    whole = page.locator(f"#answer-{answer.pk}")
    assert "Kumla kommun" in whole.inner_text()
    assert COMMENT in whole.inner_text()
    assert "Nora kommun" in page.locator("main").inner_text()  # among those not answered yet
