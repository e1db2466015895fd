"""Issue 19's story: styrgrupp signs in, finds the follow-up report to review on the home
page, opens it, then the programme's overview: the deviations first, then charts with
their figures beside them. In Swedish and in English, with axe-core and the CSP watch on
every page (tests/e2e/conftest.py). The demo holds the whole of 2023; the story adds the
autumn's report, built as the worker would."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.e2e

STRATEGY = "orebro-lan-2021-2026"


def _autumn_report_awaiting_review():
    from actionplans.models import ActionPlan
    from followup.access import round_access
    from followup.models import FollowUpRound, Report
    from followup.pdf.task import build_report
    from followup.services.pdf_reports import pdf_report_request
    from followup.services.rounds import round_open
    from portal.models import User

    coordinator = User.objects.get(username="samordnare")
    plan = ActionPlan.objects.get(strategy__slug=STRATEGY, year=2023)
    autumn = round_open(
        plan=plan,
        user=coordinator,
        access=round_access(coordinator, FollowUpRound(plan=plan)),
        year=2023,
        term=FollowUpRound.Term.AUTUMN,
        deadline=timezone.localdate() + timedelta(days=14),
    )
    report, _new = pdf_report_request(
        followup_round=autumn, user=coordinator, access=round_access(coordinator, autumn)
    )
    build_report(report.pk)  # what the worker runs
    report.refresh_from_db()
    assert report.state == Report.State.DONE
    return report


def test_the_steering_group_reviews_and_reads_the_overview(visitor):
    report = _autumn_report_awaiting_review()
    page = visitor.page
    visitor.sign_in("styrgrupp")
    review = page.locator("main section[aria-labelledby='review-heading']")
    link = review.locator(f"a[href='{report.get_absolute_url()}']")
    assert link.is_visible()
    with page.expect_navigation():
        link.click()
    visitor.check()

    visitor.goto(f"/strategier/{STRATEGY}/")
    with page.expect_navigation():
        page.locator("main a[href$='/uppfoljning/oversikt/']").click()
    visitor.check()
    main = page.locator("main")
    # The deviations come first: the demo's 2023 has red and yellow activities.
    first_heading = main.locator("h2").first
    assert first_heading.get_attribute("id") == "deviations-heading"
    deviations = main.locator("section[aria-labelledby='deviations-heading']")
    assert deviations.locator("li, tr").count() > 0
    # Every chart is an image with its figures in a table beside it.
    charts = main.locator("img[src^='data:image/svg+xml']")
    assert charts.count() >= 3
    assert main.locator("table caption").count() >= charts.count()
    assert "Kolada" in main.inner_text()
    visitor.sign_out()
