"""The Kolada client against recorded answers in the v3 shape (respx stands in for Kolada):
the values it reads, its pages, its retries and its failures."""

from decimal import Decimal

import httpx
import pytest
import respx

from followup.kolada import MAX_IDS, KoladaClient, KoladaError, KoladaValue, parse_values
from tests.kolada_responses import BASE, BROADBAND_PAGE_1, BROADBAND_PAGE_2, entry, page

URL = f"{BASE}/data/kpi/N07918/municipality/1880,1881/year/2022,2023"


@pytest.fixture
def waits():
    return []


@pytest.fixture
def kolada(waits):
    with KoladaClient(base_url=BASE, retries=2, backoff=0.5, sleep=waits.append) as client:
        yield client


@respx.mock
def test_values_over_two_pages_with_a_missing_one(kolada, waits):
    # The more particular route first: respx tries them in order.
    second = respx.get(URL, params={"page": "2", "per_page": "2"}).mock(
        return_value=httpx.Response(200, json=BROADBAND_PAGE_2)
    )
    first = respx.get(URL).mock(return_value=httpx.Response(200, json=BROADBAND_PAGE_1))
    values = kolada.kpi_values("N07918", ["1881", "1880"], [2023, 2022])
    assert values == [
        KoladaValue("N07918", "1880", 2022, Decimal("93.1")),
        KoladaValue("N07918", "1880", 2023, Decimal("95.46")),
        KoladaValue("N07918", "1881", 2022, Decimal("88.0")),
        # Missing in Kolada: missing here, never 0.
        KoladaValue("N07918", "1881", 2023, None),
    ]
    assert first.calls.last.request.url.params["per_page"] == "5000"
    assert second.call_count == 1
    assert waits == []


def test_the_total_is_read_and_genders_are_not():
    values = parse_values(page(entry("0000", 2023, 77.7, genders=True)))
    assert values == [KoladaValue("N07918", "0000", 2023, Decimal("77.7"))]
    only_women = {
        "kpi": "N07918",
        "municipality": "0000",
        "period": 2023,
        "values": [{"gender": "K", "value": 1.0}],
    }
    assert parse_values(page(only_women))[0].value is None


@respx.mock
def test_a_server_error_is_tried_again_after_a_wait(kolada, waits):
    route = respx.get(URL).mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json=page(entry("1880", 2023, 95.0))),
        ]
    )
    values = kolada.kpi_values("N07918", ["1880", "1881"], [2022, 2023])
    assert [v.value for v in values] == [Decimal("95.0")]
    assert route.call_count == 2
    assert waits == [0.5]


@respx.mock
def test_timeouts_are_tried_again_then_given_up(kolada, waits):
    route = respx.get(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(KoladaError, match="ReadTimeout"):
        kolada.kpi_values("N07918", ["1880", "1881"], [2022, 2023])
    assert route.call_count == 3  # the first try and two retries
    assert waits == [0.5, 1.0]  # doubling


@respx.mock
def test_a_lost_connection_is_tried_again(kolada, waits):
    route = respx.get(URL).mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=page())]
    )
    assert kolada.kpi_values("N07918", ["1880", "1881"], [2022, 2023]) == []
    assert route.call_count == 2


@respx.mock
def test_an_unknown_kpi_fails_at_once(kolada, waits):
    route = respx.get(f"{BASE}/data/kpi/N99999/municipality/1880/year/2023").mock(
        return_value=httpx.Response(404, json={"detail": "Not found"})
    )
    with pytest.raises(KoladaError, match="HTTP 404"):
        kolada.kpi_values("N99999", ["1880"], [2023])
    assert route.call_count == 1
    assert waits == []


@respx.mock
def test_server_errors_to_the_end_fail(kolada):
    respx.get(URL).mock(return_value=httpx.Response(502))
    with pytest.raises(KoladaError, match="HTTP 502"):
        kolada.kpi_values("N07918", ["1880", "1881"], [2022, 2023])


@respx.mock
def test_an_answer_that_is_not_kolada_s_fails(kolada):
    route = respx.get(URL)
    route.mock(return_value=httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(KoladaError, match="not JSON"):
        kolada.kpi_values("N07918", ["1880", "1881"], [2022, 2023])
    route.mock(return_value=httpx.Response(200, json={"error": "x"}))
    with pytest.raises(KoladaError, match="no list of values"):
        kolada.kpi_values("N07918", ["1880", "1881"], [2022, 2023])
    route.mock(return_value=httpx.Response(200, json=page(entry("1880", 2023, "n/a"))))
    with pytest.raises(KoladaError, match="not a number"):
        kolada.kpi_values("N07918", ["1880", "1881"], [2022, 2023])


@respx.mock
def test_a_next_url_elsewhere_is_not_followed(kolada):
    respx.get(URL).mock(
        return_value=httpx.Response(200, json=page(next_url="https://elsewhere.test/v3/?page=2"))
    )
    with pytest.raises(KoladaError, match="another host"):
        kolada.kpi_values("N07918", ["1880", "1881"], [2022, 2023])


@respx.mock
def test_a_next_url_that_loops_is_not_followed_again(kolada):
    respx.get(URL).mock(return_value=httpx.Response(200, json=page(next_url=f"{URL}?page=1")))
    with pytest.raises(KoladaError, match="asked for before"):
        kolada.kpi_values("N07918", ["1880", "1881"], [2022, 2023])


@respx.mock
def test_long_lists_are_asked_for_in_parts(kolada):
    route = respx.get(url__startswith=f"{BASE}/data/kpi/N07918/municipality/").mock(
        return_value=httpx.Response(200, json=page())
    )
    ids = [f"{1000 + n}" for n in range(MAX_IDS + 1)]
    kolada.kpi_values("N07918", ids, [2023])
    assert route.call_count == 2
    sizes = {
        len(str(call.request.url).split("/municipality/")[1].split("/")[0].split(","))
        for call in route.calls
    }
    assert sizes == {MAX_IDS, 1}


def test_ids_are_checked_before_they_go_into_the_address(kolada):
    with pytest.raises(KoladaError, match="not a Kolada KPI"):
        kolada.kpi_values("N0791/../x", ["1880"], [2023])
    with pytest.raises(KoladaError, match="not Kolada municipality ids"):
        kolada.kpi_values("N07918", ["18800"], [2023])


@respx.mock
def test_the_base_url_comes_from_the_settings(settings):
    settings.KOLADA_BASE_URL = "http://127.0.0.1:8765/v3"
    route = respx.get("http://127.0.0.1:8765/v3/data/kpi/N07918/municipality/0000/year/2023")
    route.mock(return_value=httpx.Response(200, json=page(entry("0000", 2023, 80))))
    with KoladaClient() as client:
        assert client.kpi_values("N07918", ["0000"], [2023])[0].value == Decimal(80)
