"""The public strategy and plan pages: open to anyone, drafts never shown."""

import pytest
from django.urls import reverse

from tests.factories import (
    PROJECT,
    PROJECT_TOTAL,
    SECURE,
    plan_project_make,
    published_content_make,
)


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def content(programme):
    """The programme's public content: goals, perspectives, a tactical point, a question
    per area, a programme under the strategy and the published plan's ten activities."""
    from strategy.models import EffectGoal, OverallGoal, Perspective, TacticalPoint
    from tests.factories import StrategyFactory

    p = programme
    OverallGoal.objects.create(strategy=p.strategy, title="Stark konkurrenskraft")
    Perspective.objects.create(strategy=p.strategy, title="Barn och unga")
    TacticalPoint.objects.create(direction=p.direction, text="Höja tempot i arbetet")
    p.area.questions.create(text="Ta fram alternativa infrastrukturlösningar")
    child = StrategyFactory(
        title="Program för digitalisering i Testlän", parent=p.strategy, owner=p.region
    )
    EffectGoal.objects.create(strategy=child, title="Fler e-tjänster")
    published_content_make(p)
    return p


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("start", "Digitaliseringsstrategi för Testlän"),
        ("strategy-list", "Program för digitalisering i Testlän"),
        ("strategy", "Stärka den digitala förmågan"),
        ("strategy", "Stark konkurrenskraft"),
        ("strategy", "Barn och unga"),
        ("focus-area", "Höja tempot i arbetet"),
        ("collaboration-areas", "Ta fram alternativa infrastrukturlösningar"),
        ("plan-list", "/handlingsplaner/digitaliseringsstrategi-for-testlan/2023/"),
        ("plan", SECURE),
        ("programme", "Effektmål"),
    ],
)
def test_public_pages_show_their_content(content, anonymous, page, expected):
    strategy = f"/strategier/{content.strategy.slug}/"
    url = {
        "start": "/",
        "strategy-list": "/strategier/",
        "strategy": strategy,
        "focus-area": f"{strategy}{content.focus_area.slug}/",
        "collaboration-areas": f"{strategy}samverkansomraden/",
        "plan-list": "/handlingsplaner/",
        "plan": content.published_plan.get_absolute_url(),
        "programme": f"/strategier/{content.strategy.programmes.get().slug}/",
    }[page]
    response = anonymous.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    # No template syntax leaks into the page (a {# #} comment is one line only).
    assert "{#" not in html and "{%" not in html and "{{" not in html


def test_a_draft_plan_is_not_public(programme, anonymous):
    draft = programme.draft_plan
    assert anonymous.get(draft.get_absolute_url()).status_code == 404
    html = anonymous.get("/handlingsplaner/").content.decode()
    assert programme.published_plan.get_absolute_url() in html
    assert draft.get_absolute_url() not in html


def test_a_non_public_strategy_is_hidden(content, anonymous):
    from strategy.models import Strategy

    strategy = content.strategy
    Strategy.objects.filter(pk=strategy.pk).update(is_public=False)
    url = f"/strategier/{strategy.slug}/"
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(f"{url}{content.focus_area.slug}/").status_code == 404
    assert anonymous.get(f"{url}samverkansomraden/").status_code == 404
    assert anonymous.get(content.published_plan.get_absolute_url()).status_code == 404


def test_pages_are_swedish_by_default_and_english_on_request(programme, anonymous):
    url = f"/strategier/{programme.strategy.slug}/"
    swedish = anonymous.get(url).content.decode()
    assert '<html lang="sv">' in swedish
    assert "Fokusområden, strategiska inriktningar och taktiska punkter" in swedish
    anonymous.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = anonymous.get(url).content.decode()
    assert '<html lang="en">' in english
    assert "Focus areas, strategic directions and tactical points" in english
    # The strategy's own content stays in Swedish.
    assert programme.direction.title in english


def test_landmarks_and_skip_link(anonymous, db):
    html = anonymous.get("/").content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html


def test_plan_page_shows_the_project_budget_once_published(programme, anonymous):
    from actionplans.models import ActionPlan

    plan = programme.draft_plan
    plan_project_make(plan)
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.PUBLISHED)
    html = anonymous.get(plan.get_absolute_url()).content.decode()
    assert PROJECT in html
    assert PROJECT_TOTAL.replace(" ", "\xa0") in html or PROJECT_TOTAL in html


def test_unknown_pages_are_404(programme, anonymous):
    strategy = programme.strategy.slug
    assert anonymous.get("/strategier/finns-inte/").status_code == 404
    assert anonymous.get(f"/strategier/{strategy}/finns-inte/").status_code == 404
    assert anonymous.get(f"/handlingsplaner/{strategy}/1999/").status_code == 404


def test_swedish_even_when_the_browser_asks_for_english(anonymous, db):
    response = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="sv">' in response.content.decode()
    assert response["Content-Language"] == "sv"
    assert "Cookie" in response["Vary"]


def test_favicon_redirects_to_the_static_icon(anonymous, db):
    response = anonymous.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


@pytest.mark.parametrize("state", ["draft", "consultation", "revision"])
def test_a_draft_strategys_published_plan_is_not_public(content, anonymous, state):
    """A plan published under a strategy not yet decided stays inside the programme, even
    while the draft itself is public on consultation."""
    from django.contrib.auth.models import AnonymousUser

    from actionplans.selectors.plans import readable_plan_ids, readable_plans, search_activities
    from strategy.models import Strategy

    Strategy.objects.filter(pk=content.strategy.pk).update(state=state)
    plan = content.published_plan
    assert anonymous.get(plan.get_absolute_url()).status_code == 404
    assert plan.get_absolute_url() not in anonymous.get("/handlingsplaner/").content.decode()
    assert anonymous.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert not readable_plans(AnonymousUser()).filter(pk=plan.pk).exists()
    found = search_activities(
        query="Anordna webbinarier med goda exempel", plan_ids=readable_plan_ids(AnonymousUser())
    ).activities
    assert plan.pk not in {activity.plan_id for activity in found}
    plan.refresh_from_db()
    assert not plan.is_public


def test_an_ended_strategy_stays_readable_with_its_plans_and_reports(
    content, anonymous, programme_round
):
    from followup.models import ActivityReport, Report
    from strategy.models import Strategy

    plan = content.published_plan
    followup_round = programme_round(plan)
    first = followup_round.reports.order_by("pk").first()
    ActivityReport.objects.filter(pk=first.pk).update(state=ActivityReport.State.SUBMITTED)
    Report.objects.create(
        round=followup_round, version=1, state=Report.State.DONE, review=Report.Review.APPROVED
    )
    Strategy.objects.filter(pk=content.strategy.pk).update(state=Strategy.State.ENDED)
    strategy = f"/strategier/{content.strategy.slug}/"
    assert "Upphörde" in anonymous.get(strategy).content.decode()
    assert anonymous.get(plan.get_absolute_url()).status_code == 200
    assert plan.get_absolute_url() in anonymous.get("/handlingsplaner/").content.decode()
    assert anonymous.get(f"{strategy}uppfoljning/oversikt/").status_code == 200
    reports = anonymous.get("/api/v1/activity-reports/", {"strategy": content.strategy.slug})
    assert {r["id"] for r in reports.json()["results"]} == {first.pk}
