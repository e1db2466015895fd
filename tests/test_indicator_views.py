"""A strategy's indicators through HTTP: the list, a new indicator, its details, its yearly
targets (strategy.views) and its values, entered or linked to Kolada (followup.views
.indicators), with who may open them."""

from decimal import Decimal

import pytest

from followup.models import IndicatorValue
from strategy.models import EffectGoal, Indicator, IndicatorTarget
from tests.factories import StrategyFactory


def _urls(programme, indicator=None) -> dict[str, str]:
    base = f"/strategier/{programme.strategy.slug}/indikatorer/"
    urls = {"list": base, "create": f"{base}ny/"}
    if indicator is not None:
        urls |= {
            "edit": f"{base}{indicator.pk}/",
            "targets": f"{base}{indicator.pk}/mal/",
            "values": f"{base}{indicator.pk}/varden/",
            "kolada": f"{base}{indicator.pk}/kolada/",
        }
    return urls


@pytest.fixture
def indicator(programme):
    return Indicator.objects.create(
        strategy=programme.strategy,
        focus_area=programme.focus_area,
        title="Andel hushåll med 1 Gbit/s",
        unit="%",
    )


def test_the_coordinator_creates_an_indicator_and_sets_its_targets(client, programme):
    goal = EffectGoal.objects.create(
        strategy=programme.strategy, focus_area=programme.focus_area, title="Fler har bredband"
    )
    client.force_login(programme.coordinator)
    urls = _urls(programme)
    assert "Strategin har inga indikatorer." in client.get(urls["list"]).content.decode()
    page = client.get(urls["create"]).content.decode()
    assert "Fler har bredband" in page and "Digital förmåga" in page
    response = client.post(
        urls["create"],
        {
            "title": "Andel hushåll med 1 Gbit/s",
            "effect_goal": goal.pk,
            "unit": "%",
            "direction": "increase",
            "per_organisation": "on",
        },
    )
    indicator = Indicator.objects.get(strategy=programme.strategy)
    assert response.status_code == 302
    assert response["Location"] == _urls(programme, indicator)["targets"]
    assert (indicator.focus_area, indicator.effect_goal, indicator.per_organisation) == (
        programme.focus_area,
        goal,
        True,
    )
    # The strategy runs 2021–2026: a field per year, and the year before as a baseline.
    page = client.get(response["Location"]).content.decode()
    assert 'name="target_2020"' in page and 'name="target_2026"' in page
    response = client.post(
        response["Location"],
        {"target_2024": "80", "target_2026": "95.5", "other_year": "2030", "other_value": "100"},
    )
    assert response.status_code == 302
    assert dict(
        IndicatorTarget.objects.filter(indicator=indicator).values_list("year", "value")
    ) == {
        2024: Decimal("80.00"),
        2026: Decimal("95.50"),
        2030: Decimal("100.00"),
    }
    page = client.get(urls["list"]).content.decode()
    assert "Andel hushåll med 1 Gbit/s" in page and "2030: 100" in page


def test_a_form_with_errors_comes_back(client, programme, indicator):
    client.force_login(programme.coordinator)
    urls = _urls(programme, indicator)
    response = client.post(urls["create"], {"title": "Utan plats", "direction": "increase"})
    assert response.status_code == 200
    assert "Koppla indikatorn till ett fokusområde eller ett effektmål" in response.content.decode()
    response = client.post(urls["targets"], {"other_value": "5"})
    assert response.status_code == 200
    assert "Ange vilket år målvärdet gäller." in response.content.decode()
    response = client.post(
        urls["edit"],
        {"title": "Nytt namn", "focus_area": programme.focus_area.pk, "direction": "decrease"},
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.title, indicator.direction) == ("Nytt namn", "decrease")


def test_others_are_refused(client, programme, indicator):
    urls = _urls(programme, indicator)
    for user in (programme.steering, programme.lead, programme.contact, programme.outsider):
        client.force_login(user)
        for name, url in urls.items():
            response = client.post(url) if name == "kolada" else client.get(url)
            assert response.status_code == 403, (user, name)
    client.logout()
    response = client.get(urls["values"])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_strategy_that_is_not_public_is_not_found_by_others(client, programme, indicator):
    programme.strategy.is_public = False
    programme.strategy.save()
    urls = _urls(programme, indicator)
    client.force_login(programme.steering)
    assert client.get(urls["list"]).status_code == 404
    assert client.get(urls["values"]).status_code == 404
    client.force_login(programme.coordinator)
    assert client.get(urls["list"]).status_code == 200
    # An indicator is found under its own strategy only.
    other = StrategyFactory()
    assert client.get(f"/strategier/{other.slug}/indikatorer/{indicator.pk}/").status_code == 404


def test_the_coordinator_enters_values(client, programme, indicator):
    client.force_login(programme.coordinator)
    urls = _urls(programme, indicator)
    page = client.get(urls["values"]).content.decode()
    assert "Mata in ett värde" in page and 'name="organisation"' not in page
    response = client.post(urls["values"], {"year": "2023", "value": "91.25", "comment": "SCB"})
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator)
    assert (value.year, value.organisation, value.value, value.source, value.entered_by) == (
        2023,
        None,
        Decimal("91.25"),
        IndicatorValue.Source.ENTERED,
        programme.coordinator,
    )
    page = client.get(urls["values"]).content.decode()
    assert "91,25" in page and "Källa: Kolada" not in page
    # An empty value removes the year's.
    assert client.post(urls["values"], {"year": "2023", "value": ""}).status_code == 302
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


def test_per_organisation_values(client, programme, indicator):
    indicator.per_organisation = True
    indicator.save()
    client.force_login(programme.coordinator)
    urls = _urls(programme, indicator)
    page = client.get(urls["values"]).content.decode()
    assert programme.municipality.name in page
    client.post(
        urls["values"],
        {"year": "2023", "organisation": programme.municipality.pk, "value": "70"},
    )
    client.post(urls["values"], {"year": "2023", "value": "75"})
    assert set(
        IndicatorValue.objects.filter(indicator=indicator).values_list("organisation", "value")
    ) == {(programme.municipality.pk, Decimal("70.00")), (None, Decimal("75.00"))}


def test_linking_to_kolada_queues_a_fetch_and_stops_entering(
    client, programme, indicator, django_capture_on_commit_callbacks
):
    client.force_login(programme.coordinator)
    urls = _urls(programme, indicator)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(urls["kolada"], {"kpi": "N07918"})
    assert response.status_code == 302
    assert response["Location"] == urls["values"]
    assert len(callbacks) == 1  # kolada_fetch_indicator, after the commit
    indicator.refresh_from_db()
    assert indicator.kolada_kpi == "N07918"
    page = client.get(urls["values"]).content.decode()
    assert "nyckeltalet N07918" in page
    assert "Mata in ett värde" not in page
    # A value posted all the same (an old page) is refused with the reason.
    response = client.post(urls["values"], {"year": "2023", "value": "1"})
    assert response.status_code == 200
    assert "hämtas från Kolada" in response.content.decode()
    # A malformed KPI is refused with a message; an empty one removes the link.
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(urls["kolada"], {"kpi": "07918"})
    assert callbacks == []
    indicator.refresh_from_db()
    assert indicator.kolada_kpi == "N07918"
    client.post(urls["kolada"], {"kpi": ""})
    indicator.refresh_from_db()
    assert indicator.kolada_kpi == ""


def test_values_from_kolada_name_their_source(client, programme, indicator):
    indicator.kolada_kpi = "N07918"
    indicator.save()
    IndicatorValue.objects.create(
        indicator=indicator, year=2023, value=Decimal("95.5"), source="kolada"
    )
    IndicatorValue.objects.create(
        indicator=indicator, year=2023, value=Decimal("88.1"), source="kolada", scope="country"
    )
    client.force_login(programme.coordinator)
    page = client.get(_urls(programme, indicator)["values"]).content.decode()
    assert "Källa: Kolada" in page
    assert "Hela riket" in page and "88,1" in page and "95,5" in page


def test_the_home_page_links_the_coordinator_to_the_indicators(client, programme):
    link = f"/strategier/{programme.strategy.slug}/indikatorer/"
    client.force_login(programme.coordinator)
    assert link in client.get("/hem/").content.decode()
    client.force_login(programme.steering)
    assert link not in client.get("/hem/").content.decode()
