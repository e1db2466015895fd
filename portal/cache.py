"""Django's Redis cache, degraded to a miss while Redis is unreachable.

The cache holds only what can be rendered again (page fragments keyed by the version of
their content), so an outage may cost time but never a page. Every call that cannot reach
Redis answers as a miss would: ``get`` its default, ``set`` nothing, ``add`` False. The
first failure is logged as a warning and the recovery as info, once per process and not per
request. For ``RETRY_AFTER`` seconds after a failure the process does not try Redis at all,
so that no request waits on a server that is known to be down; then one call tries again.

A write that could not reach Redis is lost. That is harmless here: keys name the version
of their content, so nothing stale is served once Redis is back.
"""

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: Seconds a process leaves Redis alone after a failed call.
RETRY_AFTER = 5.0

#: What an unreachable (or refusing, loading, timing out) Redis raises.
CACHE_ERRORS = (RedisError, OSError)

_now: Callable[[], float] = time.monotonic


class _Outage:
    """What one process knows of one server: since when it has failed, when to try again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.since: float | None = None
        self.retry_at = 0.0

    def skip(self, now: float) -> bool:
        return self.since is not None and now < self.retry_at

    def failed(self, now: float, server: str, error: Exception) -> None:
        with self.lock:
            self.retry_at = now + RETRY_AFTER
            if self.since is not None:
                return
            self.since = now
        log.warning(
            "The cache at %s is unreachable (%s); pages are rendered without it until it answers.",
            server,
            type(error).__name__,
        )

    def answered(self, now: float, server: str) -> None:
        if self.since is None:
            return
        with self.lock:
            since, self.since = self.since, None
        if since is not None:
            log.info("The cache at %s answers again after %.0f s.", server, now - since)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _server_name(location: str) -> str:
    """host:port/db of a Redis URL, without its user name or password."""
    parts = urlsplit(location)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"


class _Client(RedisCacheClient):
    """Django's client, with one redis-py client per connection pool kept for the process:
    Django builds a new one for every call, which costs about 0.1 ms (its table of reply
    handlers), a quarter of what a page answered by portal.front_door costs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own private helpers, as its get_client uses them (not in the stubs).
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(index)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    """Django's RedisCache whose calls answer as misses while Redis is unreachable."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _Client
        # Writes go to the first server (Django's client); it names the outage.
        first = re.split("[;,]", server)[0] if isinstance(server, str) else server[0]
        self._server_name = _server_name(first)

    def _outage(self) -> tuple[_Outage, str]:
        with _outages_lock:
            outage = _outages.setdefault(self._server_name, _Outage())
        return outage, self._server_name

    def _call(self, method: Callable[..., Any], miss: Any, *args: Any, **kwargs: Any) -> Any:
        outage, server = self._outage()
        if outage.skip(_now()):
            return miss
        try:
            result = method(*args, **kwargs)
        except CACHE_ERRORS as error:
            outage.failed(_now(), server, error)
            return miss
        outage.answered(_now(), server)
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call(super().incr, missing, key, delta, version)
        if result is missing:
            raise ValueError(f"Key {key!r} not found: the cache is unreachable.")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
