"""portal.front_door: kept public pages answered before the middleware behind them."""

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Activity
from portal import front_door, memory, writes
from tests.factories import OrganisationFactory, published_content_make

NONCE = re.compile(r'<script nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def counting_page(db):
    from tests import page_cache_urls

    page_cache_urls.rendered["count"] = 0
    return page_cache_urls.rendered


@pytest.fixture(autouse=True)
def _door_answers(monkeypatch):
    """Counts the answers the front door gives itself."""
    answered = []
    answer = front_door.FrontDoorMiddleware._answer

    def counted(self, request, kept):
        answered.append(request.get_full_path())
        return answer(self, request, kept)

    monkeypatch.setattr(front_door.FrontDoorMiddleware, "_answer", counted)
    return answered


def _answered_at_the_door(client, url, **extra):
    """The response, and whether the front door gave it (at no query)."""
    before = len(_ANSWERED[0])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    at_the_door = len(_ANSWERED[0]) > before
    if at_the_door:
        assert len(queries) == 0, "nothing behind the door ran"
    return response, at_the_door


_ANSWERED: list[list[str]] = [[]]


@pytest.fixture(autouse=True)
def _expose_answers(_door_answers):
    _ANSWERED[0] = _door_answers


@pytest.mark.urls("tests.page_cache_urls")
def test_each_answer_has_a_nonce_of_its_own_that_its_header_names(client, counting_page):
    client.get("/sida/")
    nonces = set()
    for _ in range(3):
        response, at_the_door = _answered_at_the_door(client, "/sida/")
        assert at_the_door
        nonce = NONCE.search(response.content.decode())[1]
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.add(nonce)
    assert counting_page["count"] == 1
    assert len(nonces) == 3, "a nonce is never repeated"


@pytest.mark.urls("tests.page_cache_urls")
def test_the_answer_carries_the_headers_the_stack_gave_the_page(client, counting_page):
    first = client.get("/sida/")
    again, at_the_door = _answered_at_the_door(client, "/sida/")
    assert at_the_door
    for name in (
        "Content-Type",
        "Content-Language",
        "Vary",
        "ETag",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert again[name] == first[name], name
    assert again["Content-Length"] == str(len(again.content))
    nonce = NONCE.search(again.content.decode())[1]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"].replace(
        NONCE.search(first.content.decode())[1], nonce
    )


@pytest.mark.urls("tests.page_cache_urls")
def test_a_new_reader_gets_a_csrf_cookie_and_a_token_the_form_accepts(db, counting_page):
    Client().get("/sida/")
    reader = Client(enforce_csrf_checks=True)
    response, at_the_door = _answered_at_the_door(reader, "/sida/")
    assert at_the_door
    assert "csrftoken" in response.cookies, "set as Django's CSRF middleware would"
    token = TOKEN.search(response.content.decode())[1]
    answer = reader.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


@pytest.mark.urls("tests.page_cache_urls")
def test_a_reader_with_a_csrf_cookie_keeps_it(db, counting_page):
    reader = Client(enforce_csrf_checks=True)
    reader.get("/sida/")
    cookie = reader.cookies["csrftoken"].value
    response, at_the_door = _answered_at_the_door(reader, "/sida/")
    assert at_the_door
    # Sent again, as Django's CSRF middleware does, to renew its expiry: the same secret.
    assert response.cookies["csrftoken"].value == cookie
    token = TOKEN.search(response.content.decode())[1]
    answer = reader.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


@pytest.mark.urls("tests.page_cache_urls")
def test_a_current_copy_gets_a_304_without_a_policy_header(client, counting_page):
    etag = client.get("/sida/")["ETag"]
    response, at_the_door = _answered_at_the_door(client, "/sida/", headers={"if-none-match": etag})
    assert at_the_door
    assert response.status_code == 304
    assert response["ETag"] == etag
    # A policy without the kept copy's nonce would stop that copy's scripts.
    assert "Content-Security-Policy" not in response


@pytest.mark.urls("tests.page_cache_urls")
def test_a_304_from_behind_the_door_has_no_policy_header_either(client, counting_page, settings):
    settings.PUBLIC_PAGE_FRONT_DOOR = False
    etag = client.get("/sida/")["ETag"]
    response = client.get("/sida/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert "Content-Security-Policy" not in response


@pytest.mark.urls("tests.page_cache_urls")
@pytest.mark.parametrize(
    "extra",
    [
        {"headers": {"hx-request": "true"}},
        {"headers": {"authorization": "Bearer abc"}},
        {"QUERY_STRING": "x=1"},
    ],
    ids=["htmx", "authorization", "undeclared query"],
)
def test_what_is_not_a_plain_public_read_goes_through_the_stack(client, counting_page, extra):
    client.get("/sida/")
    client.get("/sida/", **extra)
    _response, at_the_door = _answered_at_the_door(client, "/sida/", **extra)
    assert not at_the_door


@pytest.mark.urls("tests.page_cache_urls")
@pytest.mark.parametrize("cookie", ["sessionid", "messages", "something_else"])
def test_a_reader_with_any_other_cookie_goes_through_the_stack(db, counting_page, cookie):
    Client().get("/sida/")
    reader = Client()
    reader.cookies[cookie] = "x"
    _response, at_the_door = _answered_at_the_door(reader, "/sida/")
    assert not at_the_door


@pytest.mark.urls("tests.page_cache_urls")
def test_a_signed_in_reader_is_never_answered_at_the_door(client, counting_page, programme):
    client.get("/sida/")
    client.force_login(programme.member)
    _response, at_the_door = _answered_at_the_door(client, "/sida/")
    assert not at_the_door
    assert counting_page["count"] == 2


@pytest.mark.urls("tests.page_cache_urls")
def test_a_write_elsewhere_is_seen_through_the_generation(client, counting_page, monkeypatch):
    client.get("/sida/")
    cache.set(writes.GENERATION_KEY, "another process wrote")
    _response, at_the_door = _answered_at_the_door(client, "/sida/")
    assert at_the_door, "the generation read a moment ago is trusted for a moment"
    later = writes.time.monotonic() + 0.051
    monkeypatch.setattr(writes.time, "monotonic", lambda: later)
    _response, at_the_door = _answered_at_the_door(client, "/sida/")
    assert not at_the_door


@pytest.mark.urls("tests.page_cache_urls")
def test_the_door_reads_the_generation_at_most_every_moment(client, counting_page, monkeypatch):
    client.get("/sida/")
    client.get("/sida/")
    asked = []
    monkeypatch.setattr(writes, "current_generation", lambda: asked.append(1) or "g")
    for _ in range(3):
        client.get("/sida/")
    assert asked == []


@pytest.mark.urls("tests.page_cache_urls")
def test_a_write_to_a_session_keeps_the_pages(client, counting_page):
    client.get("/sida/")
    SessionStore().save()
    _response, at_the_door = _answered_at_the_door(client, "/sida/")
    assert at_the_door


@pytest.mark.urls("tests.page_cache_urls")
def test_a_kept_page_is_trusted_only_so_long(client, counting_page, settings, monkeypatch):
    client.get("/sida/")
    later = memory.time.monotonic() + settings.PUBLIC_PAGE_MEMORY_SECONDS + 1
    monkeypatch.setattr(memory.time, "monotonic", lambda: later)
    _response, at_the_door = _answered_at_the_door(client, "/sida/")
    assert not at_the_door


@pytest.mark.urls("tests.page_cache_urls")
def test_the_stack_answers_while_the_cache_is_unreachable(client, counting_page, monkeypatch):
    client.get("/sida/")
    monkeypatch.setattr(front_door, "written_lately", lambda: None)
    response = client.get("/sida/")
    assert response.status_code == 200
    assert counting_page["count"] == 1, "served behind the door, from the page cache"


def test_a_committed_write_changes_the_generation(db, django_capture_on_commit_callbacks):
    before = writes.current_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        SessionStore().save()
    assert writes._bump not in callbacks
    assert writes.current_generation() == before, "a session is no page's content"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            organisation = OrganisationFactory(name="Skrivande kommun")
            organisation.name = "Skrivande kommun igen"
            organisation.save()
        assert writes.current_generation() == before, "not before the commit"
    assert callbacks.count(writes._bump) == 1, "once per transaction"
    assert writes.current_generation() != before


@pytest.mark.parametrize("name", ["start", "strategy:list", "actionplans:list"])
def test_the_public_lists_are_answered_at_the_door(client, programme, name):
    client.get(reverse(name))
    response, at_the_door = _answered_at_the_door(client, reverse(name))
    assert response.status_code == 200
    assert at_the_door


def test_a_published_plan_is_answered_at_the_door_until_it_changes(client, programme):
    content = published_content_make(programme)
    url = programme.published_plan.get_absolute_url()
    first = client.get(url).content.decode()
    again, at_the_door = _answered_at_the_door(client, url)
    assert at_the_door
    assert TOKEN.sub("", NONCE.sub("", first)) == TOKEN.sub(
        "", NONCE.sub("", again.content.decode())
    )
    activity = Activity.objects.get(pk=content.secure.pk)
    activity.title = "Ett helt nytt namn på aktiviteten"
    activity.save()
    changed, at_the_door = _answered_at_the_door(client, url)
    assert not at_the_door
    assert "Ett helt nytt namn på aktiviteten" in changed.content.decode()


def test_a_write_without_a_history_row_still_closes_the_door(client, programme):
    # Any statement that writes counts, not only the saves that services make (the page
    # cache behind the door follows history rows, which every service writes).
    content = published_content_make(programme)
    url = programme.published_plan.get_absolute_url()
    client.get(url)
    Activity.objects.filter(pk=content.secure.pk).update(title="Ändrad utan historik")
    _changed, at_the_door = _answered_at_the_door(client, url)
    assert not at_the_door
