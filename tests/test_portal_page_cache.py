"""portal.page_cache: whole public pages for anonymous readers, per content version."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Activity
from tests.factories import published_content_make

NONCE = re.compile(r'<script nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def counting_page():
    from tests import page_cache_urls

    page_cache_urls.rendered["count"] = 0
    return page_cache_urls.rendered


@pytest.mark.urls("tests.page_cache_urls")
def test_a_kept_page_gets_a_nonce_of_its_own_that_its_header_names(client, counting_page):
    nonces = []
    for _ in range(3):
        response = client.get("/sida/")
        nonce = NONCE.search(response.content.decode())[1]
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert counting_page["count"] == 1, "rendered once, then served from the cache"
    assert len(set(nonces)) == 3


@pytest.mark.urls("tests.page_cache_urls")
def test_a_kept_page_carries_a_csrf_token_that_works_for_its_reader(db, counting_page):
    Client().get("/sida/")  # renders and keeps the page
    reader = Client(enforce_csrf_checks=True)
    response = reader.get("/sida/")
    assert counting_page["count"] == 1
    token = TOKEN.search(response.content.decode())[1]
    assert "@@" not in token
    answer = reader.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302, "the kept page's form is accepted"


@pytest.mark.urls("tests.page_cache_urls")
def test_a_signed_in_reader_gets_the_page_rendered_for_them(client, counting_page, programme):
    client.get("/sida/")
    client.force_login(programme.member)
    client.get("/sida/")
    assert counting_page["count"] == 2


@pytest.mark.urls("tests.page_cache_urls")
def test_a_query_the_page_does_not_declare_is_rendered_and_not_kept(client, counting_page):
    client.get("/sida/?x=1")
    client.get("/sida/?x=1")
    assert counting_page["count"] == 2


@pytest.mark.urls("tests.page_cache_urls")
def test_a_pending_message_is_not_lost_to_a_kept_page(client, counting_page):
    client.get("/sida/")
    client.cookies["messages"] = "something"
    client.get("/sida/")
    assert counting_page["count"] == 2


@pytest.mark.urls("tests.page_cache_urls")
def test_a_current_copy_gets_a_304(client, counting_page):
    etag = client.get("/sida/")["ETag"]
    assert etag.startswith('W/"')
    assert client.get("/sida/", headers={"if-none-match": etag}).status_code == 304


@pytest.mark.urls("tests.page_cache_urls")
def test_each_language_is_kept_apart(client, counting_page, settings):
    client.get("/sida/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get("/sida/")
    client.get("/sida/")
    assert counting_page["count"] == 2


def test_a_change_to_a_published_plan_shows_at_once(client, programme):
    content = published_content_make(programme)
    url = programme.published_plan.get_absolute_url()
    assert content.secure.title in client.get(url).content.decode()
    activity = Activity.objects.get(pk=content.secure.pk)
    activity.title = "Ett helt nytt namn på aktiviteten"
    activity.save()
    assert "Ett helt nytt namn på aktiviteten" in client.get(url).content.decode()


def test_a_kept_plan_page_costs_only_its_version(client, programme, settings):
    # What the page costs behind the front door (portal.front_door), where it answers from
    # another process's copy or after a write.
    settings.PUBLIC_PAGE_FRONT_DOOR = False
    published_content_make(programme)
    url = programme.published_plan.get_absolute_url()
    first = client.get(url).content
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url).content
    # The plan's lookup, its content version and the strategies' newest change.
    assert len(queries) == 3
    assert TOKEN.sub("", first.decode()) == TOKEN.sub("", again.decode())


def test_the_plan_page_keeps_its_filters_only_as_its_form_sends_them(client, programme, settings):
    settings.PUBLIC_PAGE_FRONT_DOOR = False
    published_content_make(programme)
    url = programme.published_plan.get_absolute_url()
    form = "?status=&typ=&organisation=&fokusomrade=&visa=fokusomraden"
    client.get(url + form)
    with CaptureQueriesContext(connection) as queries:
        client.get(url + form)
    assert len(queries) == 3
    # A query the form never sends is rendered as usual (only a kept page has an ETag).
    assert "ETag" in client.get(url + form)
    assert "ETag" not in client.get(url + "?visa=fokusomraden&hittepa=1")
    assert "ETag" not in client.get(url + "?status=planned&status=done")


@pytest.mark.parametrize("name", ["start", "strategy:list", "actionplans:list"])
def test_the_public_lists_are_kept(client, programme, name, settings):
    settings.PUBLIC_PAGE_FRONT_DOOR = False
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]


def test_a_strategy_page_shows_a_changed_focus_area_at_once(client, programme):
    url = programme.strategy.get_absolute_url()
    client.get(url)
    programme.focus_area.title = "Ett nytt fokusområde"
    programme.focus_area.save()
    assert "Ett nytt fokusområde" in client.get(url).content.decode()


def _fragment_request():
    from django.test import RequestFactory

    return RequestFactory().get("/")


def _form():
    from django.middleware.csrf import get_token

    request = _fragment_request()
    return f'<form><input name="csrfmiddlewaretoken" value="{get_token(request)}"></form>'


def test_a_kept_fragment_is_answered_from_memory_without_the_shared_cache(monkeypatch):
    from portal import page_cache

    renders = []
    html = page_cache.kept_fragment("k", _fragment_request(), lambda: renders.append(1) or _form())

    def unreachable(*_args, **_kwargs):
        raise AssertionError("the shared cache was asked")

    monkeypatch.setattr(page_cache.django_cache, "get", unreachable)
    again = page_cache.kept_fragment("k", _fragment_request(), lambda: renders.append(1) or "")
    assert renders == [1]
    first, second = TOKEN.search(html)[1], TOKEN.search(again)[1]
    assert first != second, "each response has a token of its own"


def test_a_fragment_another_process_kept_is_read_from_the_shared_cache_and_remembered():
    from portal import page_cache

    renders = []
    page_cache.kept_fragment("k", _fragment_request(), lambda: renders.append(1) or _form())
    page_cache.fragments.clear()  # as in another web process
    again = page_cache.kept_fragment("k", _fragment_request(), lambda: renders.append(1) or "")
    assert renders == [1]
    assert TOKEN.search(again)
    assert page_cache.fragments.get("k") is not None


def test_memory_keeps_a_fragment_no_longer_than_the_shared_cache(settings):
    from portal import page_cache

    settings.PAGE_FRAGMENT_CACHE_SECONDS = 0
    renders = []
    for _ in range(2):
        page_cache.kept_fragment("k", _fragment_request(), lambda: renders.append(1) or "<p>")
    assert renders == [1, 1]


def test_memory_counts_a_fragment_in_bytes_not_characters(settings):
    from portal import page_cache

    settings.PAGE_FRAGMENT_MEMORY_MB = 1
    # 300 000 characters, but four bytes each in memory: over the 1 MB limit.
    wide = "<p>" + "\N{SLIGHTLY SMILING FACE}" * 300_000
    page_cache.kept_fragment("wide", _fragment_request(), lambda: wide)
    assert page_cache.fragments.get("wide") is None
    narrow = "<p>" + "å" * 300_000  # one byte each
    page_cache.kept_fragment("narrow", _fragment_request(), lambda: narrow)
    assert page_cache.fragments.get("narrow") is not None
