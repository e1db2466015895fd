"""The follow-up pages through HTTP: opening a round, filling a report, the round's page,
the report version's page and its file."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from followup.models import ActivityReport, FollowUpRound, Report
from tests.factories import BodyFactory, activities_make, project_make


@pytest.fixture
def published_plan(programme):
    activities_make(programme)
    return programme.published_plan


@pytest.fixture
def round_(published_plan, programme_round):
    return programme_round(published_plan)


def test_the_coordinator_opens_a_round_from_the_plan(
    client, programme, published_plan, django_capture_on_commit_callbacks
):
    client.force_login(programme.coordinator)
    url = f"/planarbete/{published_plan.pk}/uppfoljning/"
    page = client.get(url)
    assert "Öppna uppföljningen" in page.content.decode()
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            url, {"year": 2023, "term": "", "deadline": deadline, "reminder_days": 5}
        )
    followup_round = FollowUpRound.objects.get(plan=published_plan)
    assert response.status_code == 302
    assert response["Location"] == followup_round.get_absolute_url()
    assert len(callbacks) == 1  # the mail to the leads, after the commit
    # The same period again: the form says why, and nothing is created or sent.
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            url, {"year": 2023, "term": "", "deadline": deadline, "reminder_days": 5}
        )
    assert response.status_code == 200
    assert "redan" in response.content.decode()
    assert FollowUpRound.objects.filter(plan=published_plan).count() == 1
    assert callbacks == []


def test_others_see_no_open_form(client, programme, published_plan):
    client.force_login(programme.steering)
    page = client.get(f"/planarbete/{published_plan.pk}/uppfoljning/").content.decode()
    assert "Öppna uppföljningen" not in page
    response = client.post(
        f"/planarbete/{published_plan.pk}/uppfoljning/",
        {"year": 2023, "deadline": "2099-01-01", "reminder_days": 5},
    )
    assert response.status_code == 403


def _form(report, **data):
    return {"version": report.version, "status": "", "progress": ""} | data


def test_the_lead_saves_a_draft_then_submits(client, programme, round_):
    report = round_.reports.filter(
        activity__collaboration_area__name="Digital infrastruktur"
    ).first()
    client.force_login(programme.lead)
    url = report.get_absolute_url()
    assert client.get(url).status_code == 200
    response = client.post(url, _form(report, progress=20, work_done="Kartläggning", save="1"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.progress) == (ActivityReport.State.DRAFT, 20)
    # Submitting without a status and a light: the form tells what is missing.
    response = client.post(url, _form(report, progress=20, work_done="Kartläggning", submit="1"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Välj aktivitetens status" in body
    assert "trafikljus" in body
    response = client.post(
        url,
        _form(
            report,
            status="ongoing",
            traffic_light="red",
            progress=20,
            work_done="Kartläggning",
            submit="1",
        ),
    )
    assert "Ett rött ljus behöver en kommentar" in response.content.decode()
    response = client.post(
        url,
        _form(
            report,
            status="ongoing",
            traffic_light="red",
            traffic_light_comment="Leverantören är sen.",
            progress=20,
            work_done="Kartläggning",
            submit="1",
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ActivityReport.State.SUBMITTED
    round_page = client.get(round_.get_absolute_url()).content.decode()
    assert "20,0 %" in round_page
    assert "Leverantören" not in round_page  # the comment is on the report's own page


def test_a_stale_form_is_refused_and_keeps_the_text(client, programme, round_):
    report = round_.reports.filter(
        activity__collaboration_area__name="Digital infrastruktur"
    ).first()
    client.force_login(programme.lead)
    stale = _form(report, progress=50, work_done="Min text", save="1")
    client.post(report.get_absolute_url(), _form(report, progress=10, save="1"))
    response = client.post(report.get_absolute_url(), stale)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Någon annan sparade" in body
    assert "Min text" in body
    report.refresh_from_db()
    assert report.progress == 10


@pytest.fixture
def project_report(programme, programme_round):
    """The 2024 project's report: five sub-goals and four budget lines for 2024."""
    project_make(programme)
    return programme_round(programme.draft_plan).reports.select_related("activity").get()


def _conflict_alert(html: str) -> str:
    """The conflict's box above the form (the form below holds what was typed)."""
    start = html.index('<div class="conflict"')
    return html[start : html.index("</div>", start)]


@pytest.mark.parametrize("version", [None, "", "²"], ids=["missing", "empty", "²"])
def test_a_save_without_its_version_is_a_conflict(client, programme, project_report, version):
    client.force_login(programme.coordinator)
    url = project_report.get_absolute_url()
    client.post(url, _form(project_report, progress=10, work_done="Deras text", save="1"))
    data = _form(project_report, progress=50, work_done="Min text", version=version, save="1")
    if version is None:
        del data["version"]
    response = client.post(url, data)
    assert response.status_code == 200
    alert = _conflict_alert(response.content.decode())
    # Which version the form was opened at is not known: the box shows what is stored.
    assert "Deras text" in alert and "10" in alert
    assert "Min text" in response.content.decode()
    project_report.refresh_from_db()
    assert (project_report.work_done, project_report.version) == ("Deras text", 2)
    # The form now carries the stored version: saving again is a deliberate overwrite.
    assert response.context["form"]["version"].value() == "2"


def test_the_conflict_shows_every_field_the_other_person_changed(client, programme, project_report):
    client.force_login(programme.coordinator)
    url = project_report.get_absolute_url()
    sub_goal = project_report.activity.sub_goals.order_by("order")[1]
    line = project_report.activity.budget_lines.filter(year=2024).order_by("kind", "order")[0]
    stale = _form(project_report, work_done="Min text", save="1")
    theirs = _form(
        project_report,
        status="ongoing",
        traffic_light="red",
        traffic_light_comment="Leverantören är sen.",
        progress=30,
        work_done="Två rådsmöten hölls.",
        realised_benefits="Bättre samordning.",
        save="1",
        **{f"outcome_{sub_goal.pk}": 2, f"budget_{line.pk}": 500000},
    )
    assert client.post(url, theirs).status_code == 302
    response = client.post(url, stale)
    changes = {(c.field, c.before, c.after) for c in response.context["conflict"].changes}
    assert changes >= {
        ("status", "Planerad", "Pågående"),
        ("trafikljus", "–", "Röd"),
        ("kommentar till trafikljuset", "–", "Leverantören är sen."),
        ("genomförandegrad (%)", "–", "30"),
        ("vad som har gjorts", "–", "Två rådsmöten hölls."),
        ("realiserad nytta", "–", "Bättre samordning."),
        (f"{sub_goal.title}: genomfört", "–", "2"),
        (f"{line.label}: utfall (kr)", "–", "500000"),
    }
    alert = _conflict_alert(response.content.decode())
    assert "Leverantören är sen." in alert and "Bättre samordning." in alert
    assert sub_goal.title in alert


def test_the_pdf_page_polls_while_building_and_then_offers_the_file(client, programme, round_):
    client.force_login(programme.coordinator)
    response = client.post(f"/uppfoljning/{round_.pk}/ny-rapport/")
    report = Report.objects.get(round=round_)
    assert response["Location"] == report.get_absolute_url()
    fragment = client.get(report.get_absolute_url(), headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert body.lstrip().startswith('<section id="report-status"')
    assert 'hx-trigger="every 2s"' in body
    assert "HX-Request" in fragment["Vary"]
    assert "HX-Refresh" not in fragment
    report.file.save("v1.pdf", ContentFile(b"%PDF-1.7 demo"), save=False)
    report.state = Report.State.DONE
    report.sha256 = "b" * 64
    report.finished_at = timezone.now()
    report.save()
    finished = client.get(report.get_absolute_url(), headers={"HX-Request": "true"})
    assert "hx-trigger" not in finished.content.decode()
    assert finished["HX-Refresh"] == "true"  # the page reloads to show preview and review
    download = client.get(f"/uppfoljning/pdf/{report.pk}/fil/")
    assert b"".join(download.streaming_content) == b"%PDF-1.7 demo"
    assert download["Content-Type"] == "application/pdf"
    assert report.file_name in download["Content-Disposition"]
    assert download["ETag"] == f'"{"b" * 64}"'
    assert download["X-Frame-Options"] == "DENY"
    inline = client.get(f"/uppfoljning/pdf/{report.pk}/fil/?visa=1")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in inline["Content-Security-Policy"]


def _done(followup_round, version=1) -> Report:
    report = Report(
        round=followup_round, version=version, state=Report.State.DONE, sha256="c" * 64, pages=4
    )
    report.file.save(f"v{version}.pdf", ContentFile(b"%PDF"), save=False)
    report.save()
    return report


def test_two_clicks_queue_one_build(client, programme, round_, django_capture_on_commit_callbacks):
    client.force_login(programme.coordinator)
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(f"/uppfoljning/{round_.pk}/ny-rapport/")
        second = client.post(f"/uppfoljning/{round_.pk}/ny-rapport/")
    report = Report.objects.get(round=round_)
    assert first["Location"] == second["Location"] == report.get_absolute_url()
    assert len(callbacks) == 1  # one build queued, after the commit


def test_the_steering_group_approves_in_the_browser(
    client, programme, round_, django_capture_on_commit_callbacks
):
    report = _done(round_)
    client.force_login(programme.steering)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Godkänn rapporten" in page
    review_url = f"/uppfoljning/pdf/{report.pk}/granska/"
    assert f'action="{review_url}"' in page
    response = client.post(review_url, {"review": "1", "review-decision": "send_back"})
    assert response.status_code == 200
    assert "Skriv en kommentar" in response.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(review_url, {"review": "1", "review-decision": "approve"})
    assert response.status_code == 302
    assert callbacks == []  # no recipient chosen: nothing to mail
    report.refresh_from_db()
    assert report.review == Report.Review.APPROVED
    assert "Godkänn rapporten" not in client.get(report.get_absolute_url()).content.decode()
    # A second decision, from a page loaded before the first, changes nothing.
    response = client.post(
        review_url, {"review": "1", "review-decision": "send_back", "review-comment": "Nej"}
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.review == Report.Review.APPROVED


def test_the_approved_report_is_queued_for_its_recipients(
    client, programme, round_, django_capture_on_commit_callbacks
):
    from portal.models import Body

    report = _done(round_)
    network = BodyFactory(
        kind=Body.Kind.NETWORK, organisation=programme.region, email="natverk@example.org"
    )
    client.force_login(programme.steering)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            f"/uppfoljning/pdf/{report.pk}/granska/",
            {"review-decision": "approve", "review-recipients": [network.pk]},
        )
    assert response.status_code == 302
    assert list(report.recipients.all()) == [network]
    assert len(callbacks) == 1  # the mail, after the commit


def test_comments_are_posted_to_their_own_url(client, programme, round_):
    report = _done(round_)
    client.force_login(programme.commenter)
    page = client.get(report.get_absolute_url()).content.decode()
    comment_url = f"/uppfoljning/pdf/{report.pk}/kommentera/"
    assert f'action="{comment_url}"' in page
    assert "Godkänn rapporten" not in page  # the strategy group comments, does not review
    response = client.post(comment_url, {"comment": " "})
    assert response.status_code == 200
    # Django REST framework's catalogue words the required field's message.
    assert "Det här fältet är obligatoriskt." in response.content.decode()
    response = client.post(comment_url, {"comment": "Tydlig sammanfattning."})
    assert response["Location"] == report.get_absolute_url()
    assert report.comments.get().text == "Tydlig sammanfattning."
    # The page is read only: a post to it is refused.
    assert client.post(report.get_absolute_url(), {"comment": "x"}).status_code == 405


def test_a_failed_build_is_retried_once(
    client, programme, round_, django_capture_on_commit_callbacks
):
    report = _done(round_)
    Report.objects.filter(pk=report.pk).update(state=Report.State.FAILED, error="Tidsgräns")
    client.force_login(programme.coordinator)
    page = client.get(report.get_absolute_url()).content.decode()
    retry_url = f"/uppfoljning/pdf/{report.pk}/forsok-igen/"
    assert f'action="{retry_url}"' in page
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(retry_url)
        second = client.post(retry_url)
    assert first["Location"] == second["Location"] == report.get_absolute_url()
    assert len(callbacks) == 1  # the second click finds it queued
    report.refresh_from_db()
    assert report.state == Report.State.QUEUED


def test_home_lists_reports_to_fill_and_to_review(client, programme, round_):
    client.force_login(programme.lead)
    assert "Uppföljningsrapporter att fylla i" in client.get("/hem/").content.decode()
    report = Report(round=round_, version=1, state=Report.State.DONE, pages=1)
    report.file.save("v1.pdf", ContentFile(b"%PDF"), save=False)
    report.save()
    client.force_login(programme.steering)
    page = client.get("/hem/").content.decode()
    assert "Uppföljningsrapporter att granska" in page
    assert report.get_absolute_url() in page


def test_meetings_held_for_a_sub_goal_count_as_performed(client, programme, programme_round):
    from datetime import datetime, timedelta

    from django.utils import timezone

    from portal.models import Body, Meeting

    draft_plan = programme.draft_plan
    project_make(programme)
    followup_round = programme_round(draft_plan)  # 2024: the project's sub-goals
    report = followup_round.reports.select_related("activity").get()
    council_meetings = report.activity.sub_goals.order_by("order").first()
    council = BodyFactory(kind=Body.Kind.DIGITALISATION_COUNCIL, organisation=programme.region)
    zone = timezone.get_current_timezone()
    for month in (3, 5, 9):
        starts = datetime(2024, month, 10, 13, tzinfo=zone)
        meeting = Meeting.objects.create(
            body=council, title="Rådsmöte", starts_at=starts, ends_at=starts + timedelta(hours=2)
        )
        council_meetings.meetings.add(meeting)
    other_year = datetime(2023, 5, 10, 13, tzinfo=zone)
    council_meetings.meetings.add(
        Meeting.objects.create(
            body=council, title="Rådsmöte 2023", starts_at=other_year, ends_at=other_year
        )
    )
    client.force_login(programme.coordinator)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "3 möten hållna i portalen" in page
    assert (
        f'name="outcome_{council_meetings.pk}" id="id_outcome_{council_meetings.pk}" value="3"'
        in page
    )
    # A spring-term round counts the spring meetings only.
    spring = programme_round(draft_plan, term="spring")
    spring_report = spring.reports.get()
    page = client.get(spring_report.get_absolute_url()).content.decode()
    assert "2 möten hållna i portalen" in page


def test_the_round_page_charts_indicators_against_their_targets(client, programme, round_):
    from decimal import Decimal

    from followup.models import IndicatorValue
    from strategy.models import Indicator, IndicatorTarget

    strategy = round_.plan.strategy
    indicator = Indicator.objects.create(
        strategy=strategy,
        focus_area=strategy.focus_areas.first(),
        title="Andel <e-tjänster>",
        unit="%",
    )
    for year, target, value in ((2022, 20, 18), (2023, 30, 31)):
        IndicatorTarget.objects.create(indicator=indicator, year=year, value=target)
        IndicatorValue.objects.create(indicator=indicator, year=year, value=Decimal(value))
    client.force_login(programme.steering)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Indikatorer mot målvärden" in page
    assert "Andel &lt;e-tjänster&gt;" in page  # escaped
    assert 'src="data:image/svg+xml;base64,' in page
    assert '<th scope="row">2023</th>' in page


def test_the_round_page_keeps_its_report_table_until_a_report_changes(client, programme, round_):
    """followup.views.rounds._reports_html: the summary and the table are kept per content
    version; a submitted report shows at once, and each reader's own forms stay live."""
    client.force_login(programme.coordinator)
    url = round_.get_absolute_url()
    first = client.get(url).content.decode()
    assert "Skickad" not in first and "Close the round" not in first
    assert 'name="action" value="close"' in first
    report = round_.reports.first()
    report.state = ActivityReport.State.SUBMITTED
    report.progress = 40
    report.save()
    html = client.get(url).content.decode()
    assert "40 %" in html
    # Another reader with other rights gets the same table and no close button.
    client.force_login(programme.steering)
    other = client.get(url).content.decode()
    assert "40 %" in other and 'name="action" value="close"' not in other
