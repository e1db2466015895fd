import pytest
from django.db import OperationalError


def test_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_broker_down_is_503(client, db, monkeypatch):
    from portal import health

    monkeypatch.setattr(health, "broker_url", lambda: "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"


def test_database_down_is_503(client, db, monkeypatch):
    from portal import health

    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405


def test_embedded_broker_without_its_folders_is_503(client, db, monkeypatch, tmp_path):
    from portal import health

    monkeypatch.setattr(health, "broker_url", lambda: "filesystem://")
    monkeypatch.setattr(health, "embedded_broker_folders", lambda: [tmp_path / "missing"])
    assert client.get("/healthz").status_code == 503
