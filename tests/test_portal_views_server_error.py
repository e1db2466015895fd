"""portal.views.server_error: a database that cannot be reached just now is a 503 that
says when to try again, on the pages and in the API; any other error is still the 500."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader() -> Client:
    return Client(raise_request_exception=False)


def _database_raises(monkeypatch, error: Exception) -> None:
    def cursor(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", cursor)


def test_a_page_says_the_portal_is_briefly_unavailable(monkeypatch, reader):
    _database_raises(monkeypatch, OperationalError("server closed the connection unexpectedly"))

    response = reader.get("/beslut/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    text = response.content.decode()
    assert "Portalen är tillfälligt otillgänglig" in text
    assert "server closed" not in text, "the database's own message is for the log"


def test_the_api_answers_503_in_json(monkeypatch, reader):
    _database_raises(monkeypatch, OperationalError("the database system is starting up"))

    response = reader.get("/api/v1/strategies/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "Tjänsten är tillfälligt otillgänglig. Försök igen om några sekunder."
    }


def test_any_other_error_is_still_the_500_page(monkeypatch, reader):
    _database_raises(monkeypatch, ValueError("a bug"))

    response = reader.get("/beslut/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Något gick fel" in response.content.decode()
