"""The public strategy and plan pages: open to anyone, drafts never shown."""

import pytest
from django.urls import reverse

COUNTY = "orebro-lan-2021-2026"


@pytest.fixture
def anonymous(client):
    return client


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "Digitaliseringsstrategi för Örebro län 2021–2026"),
        ("/strategier/", "Program för digitalisering 2021–2026"),
        (f"/strategier/{COUNTY}/", "Förbättrad tillgång till hård infrastruktur"),
        (f"/strategier/{COUNTY}/", "Stark konkurrenskraft"),
        (f"/strategier/{COUNTY}/", "Barn och unga"),
        (f"/strategier/{COUNTY}/digital-infrastruktur/", "höja tempot i utbyggnaden"),
        (f"/strategier/{COUNTY}/samverkansomraden/", "Ta fram alternativa infrastrukturlösningar"),
        ("/handlingsplaner/", "Aktiviteter 2023"),
        (f"/handlingsplaner/{COUNTY}/2023/", "SDK (Säker Digital Kommunikation)"),
        ("/strategier/region-orebro-program-2021-2026/", "Effektmål"),
    ],
)
def test_public_pages_show_the_seed_content(demo, anonymous, url, expected):
    response = anonymous.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    # No template syntax leaks into the page (a {# #} comment is one line only).
    assert "{#" not in html and "{%" not in html and "{{" not in html


def test_a_draft_plan_is_not_public(demo, anonymous):
    assert anonymous.get(f"/handlingsplaner/{COUNTY}/2024/").status_code == 404
    assert "Aktiviteter 2024" not in anonymous.get("/handlingsplaner/").content.decode()


def test_a_non_public_strategy_is_hidden(demo, anonymous):
    from strategy.models import Strategy

    Strategy.objects.filter(slug=COUNTY).update(is_public=False)
    assert anonymous.get(f"/strategier/{COUNTY}/").status_code == 404
    assert anonymous.get(f"/strategier/{COUNTY}/digital-infrastruktur/").status_code == 404
    assert anonymous.get(f"/strategier/{COUNTY}/samverkansomraden/").status_code == 404
    assert anonymous.get(f"/handlingsplaner/{COUNTY}/2023/").status_code == 404


def test_pages_are_swedish_by_default_and_english_on_request(demo, anonymous):
    swedish = anonymous.get(f"/strategier/{COUNTY}/").content.decode()
    assert '<html lang="sv">' in swedish
    assert "Fokusområden, strategiska inriktningar och taktiska punkter" in swedish
    anonymous.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = anonymous.get(f"/strategier/{COUNTY}/").content.decode()
    assert '<html lang="en">' in english
    assert "Focus areas, strategic directions and tactical points" in english
    # The seeds' own content stays in Swedish.
    assert "Förbättrad tillgång till hård infrastruktur" in english


def test_landmarks_and_skip_link(demo, anonymous):
    html = anonymous.get("/").content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html


def test_plan_page_shows_the_project_budget_once_published(demo, anonymous):
    from actionplans.models import ActionPlan

    ActionPlan.objects.filter(year=2024).update(state=ActionPlan.State.PUBLISHED)
    html = anonymous.get(f"/handlingsplaner/{COUNTY}/2024/").content.decode()
    assert "Regional digitaliseringsutveckling" in html
    assert "3\xa0200\xa0358" in html or "3 200 358" in html


def test_unknown_pages_are_404(demo, anonymous):
    assert anonymous.get("/strategier/finns-inte/").status_code == 404
    assert anonymous.get(f"/strategier/{COUNTY}/finns-inte/").status_code == 404
    assert anonymous.get(f"/handlingsplaner/{COUNTY}/1999/").status_code == 404


def test_swedish_even_when_the_browser_asks_for_english(demo, anonymous):
    response = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="sv">' in response.content.decode()
    assert response["Content-Language"] == "sv"
    assert "Cookie" in response["Vary"]


def test_favicon_redirects_to_the_static_icon(anonymous, db):
    response = anonymous.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
