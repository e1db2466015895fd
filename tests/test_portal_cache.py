"""portal.cache: the Redis cache turns an outage into misses, and says so once."""

import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from portal import cache as portal_cache
from tests.test_portal_env import run_with_settings

#: Nothing listens on port 1: every command is refused, as with Redis down.
DEAD = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _no_outage_known(monkeypatch):
    """Each test starts with the process knowing of no outage."""
    monkeypatch.setattr(portal_cache, "_outages", {})


def _records(caplog) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "portal.cache"]


def test_a_redis_url_gives_the_degrading_backend():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    result = run_with_settings(code, {"DJANGO_DEBUG": "1", "CACHE_URL": DEAD})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "portal.cache.RedisCache"


def test_every_call_is_a_miss_while_redis_is_down(caplog):
    backend = portal_cache.RedisCache(DEAD, {})
    with caplog.at_level(logging.INFO, logger="portal.cache"):
        assert backend.get("key", "default") == "default"
        assert backend.set("key", "value") is None
        assert backend.add("key", "value") is False
        assert backend.get_many(["a", "b"]) == {}
        assert backend.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert backend.delete("key") is False
        assert backend.delete_many(["a", "b"]) is None
        assert backend.has_key("key") is False
        assert backend.touch("key") is False
        assert backend.get_or_set("key", "computed") == "computed"
        with pytest.raises(ValueError, match="not found"):
            backend.incr("counter")
    # One warning, not one per call; it names the server without any password.
    assert _records(caplog) == [
        (
            "WARNING",
            "The cache at 127.0.0.1:1/0 is unreachable (ConnectionError); "
            "pages are rendered without it until it answers.",
        )
    ]


def test_the_password_is_never_logged(caplog):
    backend = portal_cache.RedisCache("redis://:s3cret@127.0.0.1:1/2", {})
    with caplog.at_level(logging.INFO, logger="portal.cache"):
        backend.get("key")
    assert "s3cret" not in caplog.text
    assert "127.0.0.1:1/2" in caplog.text


class FlakyClient:
    """Stands in for Django's Redis client: refuses while ``down``, else answers."""

    def __init__(self):
        self.down = False
        self.calls = 0
        self.data: dict[str, object] = {}

    def get(self, key, default):
        self.calls += 1
        if self.down:
            raise RedisConnectionError("Connection refused")
        return self.data.get(key, default)

    def set(self, key, value, timeout):
        self.calls += 1
        if self.down:
            raise RedisConnectionError("Connection refused")
        self.data[key] = value


@pytest.fixture
def flaky(monkeypatch):
    backend = portal_cache.RedisCache("redis://127.0.0.1:6399/0", {})
    client = FlakyClient()
    backend.__dict__["_cache"] = client  # the cached_property Django's backend reads
    clock = [1000.0]
    monkeypatch.setattr(portal_cache, "_now", lambda: clock[0])
    return backend, client, clock


def test_while_down_redis_is_left_alone_then_tried_again(flaky, caplog):
    backend, client, clock = flaky
    client.down = True
    with caplog.at_level(logging.INFO, logger="portal.cache"):
        assert backend.get("k") is None
        assert client.calls == 1
        for _ in range(50):  # within the pause, no request waits on a dead server
            assert backend.get("k") is None
        assert client.calls == 1
        clock[0] += portal_cache.RETRY_AFTER + 0.1
        assert backend.get("k") is None  # tried once more, still down: no second warning
        assert client.calls == 2
        client.down = False
        clock[0] += portal_cache.RETRY_AFTER + 0.1
        backend.set("k", "v")
        assert backend.get("k") == "v"
    assert [level for level, _ in _records(caplog)] == ["WARNING", "INFO"]
    assert _records(caplog)[1][1] == "The cache at 127.0.0.1:6399/0 answers again after 10 s."


def test_the_outage_is_known_to_every_thread_of_the_process(flaky, caplog):
    """Django makes one backend per thread; the outage is logged once per process."""
    backend, client, _clock = flaky
    other = portal_cache.RedisCache("redis://127.0.0.1:6399/0", {})
    other.__dict__["_cache"] = client
    client.down = True
    with caplog.at_level(logging.INFO, logger="portal.cache"):
        backend.get("k")
        other.get("k")
    assert client.calls == 1
    assert len(_records(caplog)) == 1
