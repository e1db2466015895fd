"""followup.tasks.kolada_fetch: the nightly beat task that fetches the indicators linked to
Kolada (the work is followup.services.indicators', tested there), and the first fetch of
one indicator, queued when it is linked."""

import httpx
import respx
from celery.schedules import crontab
from django.conf import settings

from followup.tasks import kolada_fetch, kolada_fetch_indicator
from strategy.models import Indicator
from tests.kolada_responses import BASE, entry, page


def test_it_runs_each_night():
    schedule = settings.CELERY_BEAT_SCHEDULE["followup-kolada-values"]
    assert schedule["task"] == "followup.tasks.kolada_fetch"
    assert isinstance(schedule["schedule"], crontab)
    assert schedule["schedule"].hour == {3}
    assert kolada_fetch.time_limit > settings.CELERY_TASK_TIME_LIMIT


@respx.mock
def test_the_task_fetches_and_counts(programme, settings):
    settings.KOLADA_BASE_URL = BASE
    settings.KOLADA_RETRIES = 0
    # Only this test's indicator is linked (the demo's is linked to the same KPI).
    Indicator.objects.exclude(kolada_kpi="").update(kolada_kpi="")
    linked = Indicator.objects.create(
        strategy=programme.strategy,
        focus_area=programme.focus_area,
        title="Bredband",
        kolada_kpi="N07918",
    )
    Indicator.objects.create(
        strategy=programme.strategy, focus_area=programme.focus_area, title="Ej kopplad"
    )
    respx.get(url__startswith=f"{BASE}/data/kpi/N07918/").mock(
        return_value=httpx.Response(200, json=page(entry("0000", 2023, 88.0)))
    )
    assert kolada_fetch.apply().get() == {
        "fetched": 1,
        "failed": 0,
        "created": 1,
        "updated": 0,
        "deleted": 0,
    }
    assert kolada_fetch_indicator.apply(args=[linked.pk]).get() is True
    assert linked.values.count() == 1
